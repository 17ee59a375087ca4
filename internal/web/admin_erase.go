package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// adminErase removes a signer's personal data from a record on a lawful
// request, and with "person" the signer from the roster with all their
// records; the records stay verifiable.
func (s *Server) adminErase(c echo.Context) error {
	sig, err := s.erase(c.Request().Context(), s.actor(c), c.Param("code"), c.FormValue("reason"), c.FormValue("person") == "1")
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+sig.Code)
}

// erase runs an erasure and drops the erased records' cached PDFs, which
// carry the erased name and NIP. A scrub of the database files that
// readers held up is logged and left to the store's retries: the erasure
// itself has committed.
func (s *Server) erase(ctx context.Context, a registry.Actor, code, reason string, person bool) (registry.Signature, error) {
	sig, codes, err := s.svc.Erase(ctx, a, code, reason, person)
	for _, c := range codes {
		s.pdfs.drop(c)
	}
	if registry.IsScrubPending(err) {
		s.log.Warn("erasure committed; database files not yet scrubbed", "err", err)
		err = nil
	}
	return sig, err
}
