package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// orgLogoUpload takes an organization's letterhead logo. The body is
// bounded by bodyLimit (1 MB), well above the logo's own 512 KB; the file
// is judged by its content (certificate.NormalizeLogo), and only the
// re-encoded PNG is kept.
func (s *Server) orgLogoUpload(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	a := s.actor(c)
	// Authorize before reading the file: another tenant's organization
	// does not exist for the actor, and a role that may not change the
	// logo learns nothing from the file either.
	org, err := s.svc.VisibleOrganization(c.Request().Context(), a.User, id)
	if err != nil {
		return err
	}
	if !a.User.Can(registry.ActManageOrgs, org.Path) {
		return registry.Errorf(registry.EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	fail := func(err error) error {
		if code := registry.ErrorCode(err); code != registry.EINVALID {
			return err
		}
		return s.orgPage(c, http.StatusUnprocessableEntity, map[string]any{"LogoError": err})
	}
	fh, err := c.FormFile("logo")
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return fail(registry.Errorf(registry.EINVALID, "Berkas logo terlalu besar: paling besar 512 KB."))
	case err != nil:
		return fail(registry.Errorf(registry.EINVALID, "Pilih berkas logo (PNG)."))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, certificate.MaxLogoBytes+1))
	if err != nil {
		return fmt.Errorf("read logo: %w", err)
	}
	logo, err := certificate.NormalizeLogo(data)
	if err != nil {
		return fail(err)
	}
	if _, err := s.svc.SetOrgLogo(c.Request().Context(), a, id, logo); err != nil {
		return fail(err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/orgs/%d?logo=1", id))
}

// orgLogoRemove removes an organization's own logo; its documents then
// print its nearest ancestor's, if any.
func (s *Server) orgLogoRemove(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.SetOrgLogo(c.Request().Context(), s.actor(c), id, nil); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/orgs/%d?logo=0", id))
}

// orgLogoPNG serves the logo an organization's documents print, to those
// who may see the organization. It is always the PNG the registry
// re-encoded, never an uploaded file as sent.
func (s *Server) orgLogoPNG(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	org, err := s.svc.VisibleOrganization(c.Request().Context(), s.actor(c).User, id)
	if err != nil {
		return err
	}
	logo, _, err := s.svc.OrgLogo(c.Request().Context(), s.actor(c).User, org)
	if err != nil {
		return err
	}
	if logo == nil {
		return registry.Errorf(registry.ENOTFOUND, "Organisasi ini belum punya logo.")
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'")
	return c.Blob(http.StatusOK, "image/png", logo)
}
