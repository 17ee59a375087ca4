package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

// linkSelection is the participants a links export covers, with their
// links.
type linkSelection struct {
	Event  registry.Event
	Org    registry.Organization
	Filter participantFilter
	Parts  []registry.Participant
	Links  map[int64]string
}

// selectLinks returns the participants the request's filter selects with
// their links, once it has checked that the actor may hand out personal
// links and recorded how many they took with which request.
func (s *Server) selectLinks(c *echo.Context) (linkSelection, error) {
	f := parseFilter(c)
	e, org, parts, err := s.scopedEvent(c, "", "")
	if err != nil {
		return linkSelection{}, err
	}
	sel := linkSelection{Event: e, Org: org, Filter: f, Parts: f.apply(parts)}
	ctx := c.Request().Context()
	if err := s.svc.DiscloseLinks(ctx, s.actor(c), e, org, true, c.Request().URL.RequestURI(), len(sel.Parts)); err != nil {
		return linkSelection{}, err
	}
	if sel.Links, err = s.personalLinks(ctx, s.actor(c).User, e, org, sel.Parts); err != nil {
		return linkSelection{}, err
	}
	return sel, nil
}

// linksCSV is the personal links as a CSV for a WhatsApp broadcast or a
// mail merge.
func (s *Server) linksCSV(c *echo.Context) error {
	sep, err := csvSeparator(c)
	if err != nil {
		return err
	}
	sel, err := s.selectLinks(c)
	if err != nil {
		return err
	}
	w, err := openCSV(c, sep, exportName("tautan", sel.Event, sel.Filter.Unit, "csv"), []report.Column{{Title: "NIP"}, {Title: "Nama"}, {Title: "Unit kerja"}, {Title: "Tautan pribadi"}})
	if err != nil {
		return err
	}
	for _, p := range sel.Parts {
		if err := w.Row(nip.Format(p.Employee.NIP), p.Employee.FullName(), p.Employee.Unit, sel.Links[p.Employee.ID]); err != nil {
			return err
		}
	}
	return w.Close()
}

// linksPDF is the personal links as a printable sheet of QR codes,
// grouped by unit.
func (s *Server) linksPDF(c *echo.Context) error {
	sel, err := s.selectLinks(c)
	if err != nil {
		return err
	}
	sheet := report.QRSheet{EventHeader: report.EventHeader{Event: sel.Event, Org: sel.Org}, Generated: s.now()}
	for _, p := range sel.Parts {
		sheet.Cards = append(sheet.Cards, report.QRCard{Unit: p.Employee.Unit, Name: p.Employee.FullName(), NIP: p.Employee.NIP,
			URL: sel.Links[p.Employee.ID]})
	}
	return sendPDF(c, exportName("tautan", sel.Event, sel.Filter.Unit, "pdf"), func(w io.Writer) error {
		return report.WriteQRSheetPDF(w, sheet)
	})
}

// linkReissue gives a participant a new personal link; the old one stops
// working. The officer returns to the follow-up list, which shows the new
// link.
func (s *Server) linkReissue(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	empID, err := strconv.ParseInt(c.Param("employee"), 10, 64)
	if err != nil || empID <= 0 {
		return registry.Errorf(registry.ENOTFOUND, "Peserta tidak ditemukan.")
	}
	if !confirmed(c) {
		return s.confirmReissue(c, id, empID)
	}
	if _, _, err := s.svc.ReissueLink(c.Request().Context(), s.actor(c), id, empID); err != nil {
		return err
	}
	q := url.Values{"reissued": {strconv.FormatInt(empID, 10)}}
	if u := c.FormValue("unit"); u != "" {
		q.Set("unit", u)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d/followup?%s#p%d", id, q.Encode(), empID))
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
