package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/issuance"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

// exportPages are the pages of exports and follow-up.
var exportPages = []string{"exports", "followup", "participants_upload", "berita_acara_form", "pledges", "pledge_new"}

func (s *Server) exportRoutes(admin *echo.Group, uploadCSRF echo.MiddlewareFunc) {
	admin.GET("/events/:id/exports", s.exportsPage)
	admin.GET("/events/:id/participants", s.participantsPage)
	admin.POST("/events/:id/participants/import", s.participantsImport, uploadCSRF, s.authorizeParticipantUpload, s.largeBody)
	admin.POST("/events/:id/participants/clear", s.participantsClear)
	admin.GET("/events/:id/links.csv", s.linksCSV)
	admin.GET("/events/:id/links.pdf", s.linksPDF)
	admin.POST("/events/:id/links/:employee/reissue", s.linkReissue)
	admin.GET("/events/:id/followup", s.followUp)
	admin.GET("/events/:id/followup.csv", s.followUpCSV)
	admin.GET("/events/:id/export/recap.csv", s.recapTable(tableCSV))
	admin.GET("/events/:id/export/recap.xlsx", s.recapTable(tableXLSX))
	admin.GET("/events/:id/export/recap.pdf", s.recapPDF)
	admin.GET("/events/:id/export/signatures.csv", s.signaturesTable(tableCSV))
	admin.GET("/events/:id/export/signatures.xlsx", s.signaturesTable(tableXLSX))
	admin.GET("/events/:id/export/certificates.zip", s.certificatesZIP)
	admin.GET("/events/:id/berita-acara", s.beritaAcaraForm)
	admin.GET("/events/:id/berita-acara.pdf", s.beritaAcaraPDF)
	admin.GET("/pledges", s.pledgesPage)
	admin.GET("/pledges/new", s.pledgeNew)
	admin.POST("/pledges", s.pledgeCreate)
}

// exportsPage gathers an event's downloads, with a row per unit for the
// per-unit ones.
func (s *Server) exportsPage(c *echo.Context) error {
	e, org, parts, err := s.scopedEvent(c, "", "")
	if err != nil {
		return err
	}
	a := s.actor(c)
	units := report.Units(parts)
	return s.render(c, http.StatusOK, "exports", map[string]any{"Title": e.Title, "E": e, "Org": org, "Units": units,
		"Total": report.Total(units), "NoUnit": report.NoUnit, "CanLinks": registry.ViewsLinks(a.User, org),
		"CanManage": a.User.Can(registry.ActManageEvents, org.Path)})
}

// requestEvent loads the event of the request's :id: one the actor may
// see, for a page; or, given an export kind, one they may take that export
// of, which records it with detail.
func (s *Server) requestEvent(c *echo.Context, kind registry.ExportKind, detail string) (registry.Event, registry.Organization, error) {
	id, err := idParam(c)
	if err != nil {
		return registry.Event{}, registry.Organization{}, err
	}
	if kind == "" {
		return s.svc.VisibleEvent(c.Request().Context(), s.actor(c).User, id)
	}
	return s.svc.Export(c.Request().Context(), s.actor(c), id, kind, detail)
}

// scopedEvent is requestEvent with the event's participants inside the
// actor's scope.
func (s *Server) scopedEvent(c *echo.Context, kind registry.ExportKind, detail string) (registry.Event, registry.Organization, []registry.Participant, error) {
	e, org, err := s.requestEvent(c, kind, detail)
	if err != nil {
		return e, org, nil, err
	}
	parts, err := s.svc.Participants(c.Request().Context(), s.actor(c).User, e)
	return e, org, parts, err
}

// participantFilter selects participants for the follow-up and the
// personal links.
type participantFilter struct {
	Unit     string            // as report.UnitOf names it; "" for all
	Category registry.Category // "" for all
	Pending  bool              // only those without a valid signature
}

func parseFilter(c *echo.Context) participantFilter {
	f := participantFilter{Unit: strings.TrimSpace(c.QueryParam("unit")), Pending: c.QueryParam("status") == "pending"}
	if v := c.QueryParam("category"); v != "" {
		if cat, ok := registry.ParseCategory(v); ok {
			f.Category = cat
		}
	}
	return f
}

func (f participantFilter) match(p registry.Participant) bool {
	return (f.Unit == "" || report.UnitOf(p.Employee) == f.Unit) &&
		(f.Category == "" || p.Employee.Category == f.Category) &&
		(!f.Pending || pending(p))
}

// pending reports whether p has no valid signature, as the event page
// counts it.
func pending(p registry.Participant) bool { return p.Signature == nil || p.Signature.Revoked() }

func (f participantFilter) apply(parts []registry.Participant) []registry.Participant {
	var out []registry.Participant
	for _, p := range parts {
		if f.match(p) {
			out = append(out, p)
		}
	}
	return out
}

// String describes the filter for the audit trail.
func (f participantFilter) String() string {
	var parts []string
	if f.Unit != "" {
		parts = append(parts, "unit="+f.Unit)
	}
	if f.Category != "" {
		parts = append(parts, "kategori="+string(f.Category))
	}
	if f.Pending {
		parts = append(parts, "belum")
	}
	return strings.Join(parts, " ")
}

// personalLinks returns the personal link of each participant, reading the
// event's reissued generations once.
func (s *Server) personalLinks(ctx context.Context, u registry.User, e registry.Event, org registry.Organization, parts []registry.Participant) (map[int64]string, error) {
	gens, err := s.svc.LinkGenerations(ctx, u, e, org)
	if err != nil {
		return nil, err
	}
	base := s.eventURL(e) + "/p/"
	links := make(map[int64]string, len(parts))
	for _, p := range parts {
		links[p.Employee.ID] = base + s.svc.PersonalToken(e, p.Employee.ID, gens[p.Employee.ID])
	}
	return links, nil
}

// attachment sets the headers of a download named name.
func attachment(c *echo.Context, name, contentType string) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set(echo.HeaderCacheControl, "no-store")
}

// sendPDF sends the PDF that write produces as a download. fpdf builds a
// document in memory anyway; buffering it lets a failure still answer with
// an error page.
func sendPDF(c *echo.Context, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	attachment(c, name, "application/pdf")
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

// exportName is a download's file name: what it is, the event's number and
// the unit chosen, e.g. "rekap-E12.csv", "sertifikat-E12-dinas-pendidikan.zip".
func exportName(what string, e registry.Event, unit, ext string) string {
	name := fmt.Sprintf("%s-E%d", what, e.ID)
	if unit != "" {
		name += "-" + strings.ToLower(issuance.FileSafe(unit, 40))
	}
	return name + "." + ext
}

// scopeLabel says whose participants an export covers when the actor sees
// only part of the event: an officer of a regency that joins its
// province's event.
func (s *Server) scopeLabel(ctx context.Context, u registry.User, eventOrg registry.Organization) (string, error) {
	if u.Can(registry.ActView, eventOrg.Path) || u.OrgID == 0 {
		return "", nil
	}
	o, err := s.svc.OwnOrganization(ctx, u)
	if err != nil {
		return "", err
	}
	return "peserta " + o.Name, nil
}
