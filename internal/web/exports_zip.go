package web

import (
	"archive/zip"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// certificatesZIP streams the certificates of an event (of one unit, with
// ?unit=, as signed) as a ZIP (issuance.Issuer.ZIP). Revoked and erased
// records have no certificate to hand out and are left out.
func (s *Server) certificatesZIP(c *echo.Context) error {
	unit := strings.TrimSpace(c.QueryParam("unit"))
	e, org, err := s.requestEvent(c, registry.ExportCertificates, unitDetail(unit))
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), s.actor(c)
	pledge, err := s.svc.PublicPledge(ctx, e.PledgeID)
	if err != nil {
		return err
	}
	attachment(c, exportName("sertifikat", e, unit, "zip"), "application/zip")
	c.Response().WriteHeader(http.StatusOK)
	zw := zip.NewWriter(c.Response())
	q := registry.SignatureQuery{EventID: e.ID, Unit: unit}
	err = s.issuer.ZIP(ctx, a.User, zw, q, record{Event: e, Org: org, Pledge: pledge})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return s.abortDownload(c, "certificates ZIP", err)
	}
	return nil
}
