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
