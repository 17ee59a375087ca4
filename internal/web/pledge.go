package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// pointNumber is a point's own number as typed: "1.", "2)".
var pointNumber = regexp.MustCompile(`^\s*\d{1,2}[.)]\s+`)

// pledgeTemplates are the texts the new-version form can start from.
var pledgeTemplates = map[string]func() registry.PledgeVersion{
	"asn":         registry.DefaultPledge,
	"kepala-desa": registry.VillageHeadPledge,
}

// canCreatePledge reports whether u may add pledge versions, which their
// organization's subtree can then pick.
func canCreatePledge(u registry.User) bool {
	return u.Active && (u.Role == registry.RoleSuperadmin || u.Role == registry.RoleAdmin)
}

// pledgesPage lists the pledge versions with their full text and hash.
// There is no edit: a version is immutable.
func (s *Server) pledgesPage(c *echo.Context) error {
	ctx := c.Request().Context()
	pledges, err := s.svc.Pledges(ctx, s.actor(c).User)
	if err != nil {
		return err
	}
	owners := map[int64]string{}
	for _, p := range pledges {
		if _, ok := owners[p.OrgID]; p.OrgID != 0 && !ok {
			o, err := s.svc.PublicOrganization(ctx, p.OrgID)
			if err != nil {
				return err
			}
			owners[p.OrgID] = o.Name
		}
	}
	created, _ := strconv.ParseInt(c.QueryParam("created"), 10, 64)
	return s.render(c, http.StatusOK, "pledges", map[string]any{"Title": "Versi ikrar", "Pledges": pledges, "Owners": owners,
		"Created": created, "CanCreate": canCreatePledge(s.actor(c).User), "Placeholder": registry.InstitutionPlaceholder})
}

// pledgeForm is the new-version form as typed: points one per line.
type pledgeForm struct {
	Title, Opening, Points, Closing string
}

func formOf(p registry.PledgeVersion) pledgeForm {
	return pledgeForm{Title: p.Title, Opening: p.Opening, Points: strings.Join(p.Points, "\n"), Closing: p.Closing}
}

// pledgeNew shows the form, empty or filled from a template
// (?template=kepala-desa).
func (s *Server) pledgeNew(c *echo.Context) error {
	if !canCreatePledge(s.actor(c).User) {
		return registry.Errorf(registry.EFORBIDDEN, "Hanya superadmin atau admin yang dapat membuat versi ikrar.")
	}
	var form pledgeForm
	if tpl, ok := pledgeTemplates[c.QueryParam("template")]; ok {
		form = formOf(tpl())
	}
	return s.renderPledgeNew(c, http.StatusOK, form, nil)
}

func (s *Server) renderPledgeNew(c *echo.Context, status int, form pledgeForm, msg error) error {
	return s.renderPledgeForm(c, status, map[string]any{"Form": form, "Error": msg})
}

func (s *Server) renderPledgeForm(c *echo.Context, status int, d map[string]any) error {
	d["Title"], d["Placeholder"] = "Versi ikrar baru", registry.InstitutionPlaceholder
	return s.render(c, status, "pledge_new", d)
}

// pledgePreview shows a version as signers would read it, with its
// canonical text and hash, above the same form still filled in: a saved
// version cannot change, so it is read before it is saved.
func (s *Server) pledgePreview(c *echo.Context, form pledgeForm, p *registry.PledgeVersion) error {
	a := s.actor(c)
	if err := s.svc.PreviewPledge(a, p); err != nil {
		if registry.ErrorCode(err) == registry.EINTERNAL {
			return err
		}
		return s.renderPledgeNew(c, statusOf(registry.ErrorCode(err)), form, err)
	}
	institution := registry.InstitutionPlaceholder
	if a.User.OrgID != 0 {
		org, err := s.svc.OwnOrganization(c.Request().Context(), a.User)
		if err != nil {
			return err
		}
		institution = org.Name
	}
	return s.renderPledgeForm(c, http.StatusOK, map[string]any{"Form": form, "Preview": p,
		"PreviewOpening": p.OpeningFor(institution), "Canonical": p.CanonicalText()})
}

func (s *Server) pledgeCreate(c *echo.Context) error {
	form := pledgeForm{Title: c.FormValue("title"), Opening: c.FormValue("opening"), Points: c.FormValue("points"),
		Closing: c.FormValue("closing")}
	p := &registry.PledgeVersion{Title: form.Title, Language: "id", Opening: form.Opening, Closing: form.Closing}
	for _, line := range strings.Split(form.Points, "\n") {
		// Points pasted from a document keep their numbers; the pledge
		// numbers them itself.
		p.Points = append(p.Points, pointNumber.ReplaceAllString(line, ""))
	}
	if c.FormValue("preview") != "" {
		return s.pledgePreview(c, form, p)
	}
	if err := s.svc.CreatePledge(c.Request().Context(), s.actor(c), p); err != nil {
		if registry.ErrorCode(err) == registry.EINTERNAL {
			return err
		}
		return s.renderPledgeNew(c, statusOf(registry.ErrorCode(err)), form, err)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/pledges?created="+strconv.FormatInt(p.ID, 10)+"#pledge-"+strconv.FormatInt(p.ID, 10))
}

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
