package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// apiPledge serves a pledge's canonical text by its SHA-256
// (docs/FORMATS.md §2): the text a record's pledge hash commits to. The
// answer never changes for a hash, so it is cached for good. A stored text
// that no longer hashes to its hash is not served.
func (s *Server) apiPledge(c *echo.Context) error {
	hash := c.Param("hash")
	if len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return registry.Errorf(registry.EINVALID, "Sidik ikrar harus berupa 64 digit heksadesimal huruf kecil (SHA-256).")
	}
	ps, err := s.svc.PublicPledgesByHash(c.Request().Context(), hash)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.ComputeHash() == hash {
			h := c.Response().Header()
			h.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
			return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(p.CanonicalText()))
		}
	}
	return registry.Errorf(registry.ENOTFOUND, "Ikrar dengan sidik tersebut tidak ditemukan.")
}
