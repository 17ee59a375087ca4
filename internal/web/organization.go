package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/api"
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

func (s *Server) orgNew(c *echo.Context) error {
	orgs, err := s.svc.Organizations(c.Request().Context(), s.actor(c).User)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "org_new", map[string]any{"Title": "Organisasi baru", "Orgs": orgs, "Form": map[string]string{}})
}

func (s *Server) orgCreate(c *echo.Context) error {
	ctx := c.Request().Context()
	parent, _ := strconv.ParseInt(c.FormValue("parent_id"), 10, 64)
	o := &registry.Organization{Name: c.FormValue("name"), Kind: registry.OrgKind(c.FormValue("kind")),
		RegionCode: c.FormValue("region_code"), TimeZone: c.FormValue("timezone"), ParentID: parent}
	if err := s.svc.CreateOrganization(ctx, s.actor(c), o); err != nil {
		if code := registry.ErrorCode(err); code == registry.EINTERNAL {
			return err
		}
		orgs, lerr := s.svc.Organizations(ctx, s.actor(c).User)
		if lerr != nil {
			return lerr
		}
		form := map[string]string{"name": o.Name, "kind": string(o.Kind), "region_code": o.RegionCode, "timezone": o.TimeZone, "parent_id": c.FormValue("parent_id")}
		return s.render(c, statusOf(registry.ErrorCode(err)), "org_new", map[string]any{"Title": "Organisasi baru", "Orgs": orgs,
			"Error": err, "Form": form})
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/orgs/%d", o.ID))
}

func (s *Server) orgShow(c *echo.Context) error { return s.orgPage(c, http.StatusOK, nil) }

// orgPage shows an organization, with extra (a form's message) merged
// into what the page gets.
func (s *Server) orgPage(c *echo.Context, status int, extra map[string]any) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	a := s.actor(c)
	org, err := s.svc.VisibleOrganization(ctx, a.User, id)
	if err != nil {
		return err
	}
	page, err := pageParam(c)
	if err != nil {
		return err
	}
	const perPage = 50
	q := strings.TrimSpace(c.QueryParam("q"))
	emps, total, err := s.svc.Employees(ctx, a.User, org, registry.EmployeeFilter{Search: q, Limit: perPage, Offset: (page - 1) * perPage})
	if err != nil {
		return err
	}
	erased, _ := strconv.Atoi(c.QueryParam("erased"))
	privacy, err := s.svc.PrivacySettings(ctx, a.User, org)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": org.Name, "Org": org, "Employees": emps, "Total": total,
		"Q": q, "Page": page, "Next": page*perPage < total, "CanImport": a.User.Can(registry.ActManageRoster, org.Path),
		"CanErase": a.User.Can(registry.ActManageRoster, org.Path) && a.User.Can(registry.ActRevoke, org.Path),
		"Erased":   c.QueryParams().Has("erased"), "ErasedCerts": erased,
		"Privacy": privacy, "CanPrivacy": a.User.Can(registry.ActManageOrgs, org.Path), "PrivacySaved": c.QueryParams().Has("privacy")}
	if a.User.Can(registry.ActManageOrgs, org.Path) {
		logo, owner, err := s.svc.OrgLogo(ctx, a.User, org)
		if err != nil {
			return err
		}
		data["CanLogo"], data["HasLogo"], data["OwnLogo"] = true, logo != nil, owner == org.ID
		data["LogoSaved"] = c.QueryParam("logo")
	}
	for k, v := range extra {
		data[k] = v
	}
	return s.render(c, status, "org", data)
}

func (s *Server) apiCreateOrganization(c *echo.Context) error {
	var in api.Organization
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	o := &registry.Organization{Name: in.Name, Kind: registry.OrgKind(in.Kind), RegionCode: in.RegionCode, ParentID: in.ParentID, TimeZone: in.TimeZone}
	if err := s.svc.CreateOrganization(c.Request().Context(), s.actor(c), o); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, api.Organization{ID: o.ID, Name: o.Name, Kind: string(o.Kind), RegionCode: o.RegionCode, ParentID: o.ParentID, TimeZone: o.TimeZone})
}
