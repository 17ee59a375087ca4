package web

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/labstack/echo/v5"
)

func (s *Server) eventFormData(c *echo.Context, form map[string]any) (map[string]any, error) {
	ctx := c.Request().Context()
	orgs, err := s.svc.Organizations(ctx, s.actor(c).User)
	if err != nil {
		return nil, err
	}
	pledges, err := s.svc.Pledges(ctx, s.actor(c).User)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Title": "Acara deklarasi baru", "Orgs": orgs, "Pledges": pledges, "Form": form}, nil
}

func (s *Server) eventNew(c *echo.Context) error {
	d, err := s.eventFormData(c, map[string]any{"mode": "in_person"})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "event_new", d)
}

// parseLocal reads an <input type=datetime-local> value in the organization's
// time zone.
func parseLocal(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, registry.Errorf(registry.EINVALID, "Format tanggal dan jam tidak dikenali: %s.", v)
}

func (s *Server) eventCreate(c *echo.Context) error {
	ctx := c.Request().Context()
	a := s.actor(c)
	form, _ := c.FormValues()
	fail := func(err error) error {
		if registry.ErrorCode(err) == registry.EINTERNAL {
			return err
		}
		f := map[string]any{}
		for k, v := range form {
			f[k] = strings.Join(v, ",")
		}
		d, derr := s.eventFormData(c, f)
		if derr != nil {
			return derr
		}
		d["Error"] = err
		return s.render(c, statusOf(registry.ErrorCode(err)), "event_new", d)
	}
	orgID, _ := strconv.ParseInt(c.FormValue("organization_id"), 10, 64)
	org, err := s.svc.VisibleOrganization(ctx, a.User, orgID)
	if err != nil {
		return fail(registry.Errorf(registry.EINVALID, "Organisasi penyelenggara wajib dipilih."))
	}
	loc := org.Location()
	e := &registry.Event{OrgID: orgID, Title: c.FormValue("title"), Place: c.FormValue("place"),
		Mode: registry.EventMode(c.FormValue("mode")), MeetingURL: c.FormValue("meeting_url"),
		OfficialName: c.FormValue("official_name"), OfficialPosition: c.FormValue("official_position")}
	e.PledgeID, _ = strconv.ParseInt(c.FormValue("pledge_id"), 10, 64)
	if e.OfficialNIP, err = officialNIP(c.FormValue("official_nip")); err != nil {
		return fail(err)
	}
	for _, v := range form["categories"] {
		e.Categories = append(e.Categories, registry.Category(v))
	}
	for field, dst := range map[string]*time.Time{"starts_at": &e.StartsAt, "signing_opens_at": &e.SigningOpensAt, "signing_closes_at": &e.SigningClosesAt} {
		if *dst, err = parseLocal(c.FormValue(field), loc); err != nil {
			return fail(err)
		}
	}
	if fh, ferr := c.FormFile("official_signature"); ferr == nil {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(io.LimitReader(f, 512<<10))
		f.Close()
		if err != nil {
			return err
		}
		sigInk, err := ink.NormalizePNG(b)
		if err != nil {
			return fail(registry.Errorf(registry.EINVALID, "Tanda tangan pejabat: %s", err))
		}
		e.OfficialSignature = sigInk.PNG
	}
	if err := s.svc.CreateEvent(ctx, a, e); err != nil {
		return fail(err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d", e.ID))
}

func (s *Server) eventURL(e registry.Event) string { return s.opt.BaseURL + "/e/" + e.Slug }

func (s *Server) eventShow(c *echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	a := s.actor(c)
	e, org, err := s.svc.VisibleEvent(ctx, a.User, id)
	if err != nil {
		return err
	}
	parts, err := s.svc.Participants(ctx, a.User, e)
	if err != nil {
		return err
	}
	filter, q := c.QueryParam("status"), strings.TrimSpace(c.QueryParam("q"))
	page, err := pageParam(c)
	if err != nil {
		return err
	}
	signed := 0
	var shown []registry.Participant
	for _, p := range parts {
		done := p.Signature != nil && !p.Signature.Revoked()
		if done {
			signed++
		}
		if (filter == "" || (filter == "signed") == done) && matchesParticipant(p.Employee, q) {
			shown = append(shown, p)
		}
	}
	// A province's event has tens of thousands of participants: the page
	// shows one slice; the follow-up page and the exports have them all.
	const perPage = 100
	matched := len(shown)
	lo, hi := pageSlice(page, perPage, matched)
	shown = shown[lo:hi]
	pledge, err := s.svc.PublicPledge(ctx, e.PledgeID)
	if err != nil {
		return err
	}
	// Personal links of the unsigned on this page, for those who may hand
	// them out; each showing is in the audit trail.
	links := map[int64]string{}
	canLinks := registry.ViewsLinks(a.User, org)
	if canLinks {
		for _, p := range shown {
			if p.Signature == nil {
				gen, err := s.svc.LinkGeneration(ctx, a.User, e, org, p.Employee.ID)
				if err != nil {
					return err
				}
				links[p.Employee.ID] = s.eventURL(e) + "/p/" + s.svc.PersonalToken(e, p.Employee.ID, gen)
			}
		}
	}
	if len(links) > 0 {
		if err := s.svc.DiscloseLinks(ctx, a, e, org, false, c.Request().URL.RequestURI(), len(links)); err != nil {
			return err
		}
	}
	witnesses, err := s.svc.Witnesses(ctx, a.User, e, org)
	if err != nil {
		return err
	}
	docs, err := s.svc.EventDocuments(ctx, a.User, e, org)
	if err != nil {
		return err
	}
	retention, err := s.svc.EventRetention(ctx, a.User, e, org)
	if err != nil {
		return err
	}
	retentionISO := ""
	if !retention.IsZero() {
		retentionISO = retention.In(org.Location()).Format(time.DateOnly)
	}
	return s.render(c, http.StatusOK, "admin_event", map[string]any{"Title": e.Title, "E": e, "Org": org, "Pledge": pledge,
		"Retention": retention, "RetentionISO": retentionISO,
		"Witnesses": witnesses, "MaxWitnesses": registry.MaxWitnesses, "Documents": docs, "BANotice": c.QueryParam("ba"),
		"URL": s.eventURL(e), "Participants": shown, "Total": len(parts), "Signed": signed, "Filter": filter, "Links": links, "CanLinks": canLinks,
		"Q": q, "Page": page, "Next": page*perPage < matched, "Matched": matched,
		"CanManage": a.User.Can(registry.ActManageEvents, org.Path), "CanRevoke": a.User.Can(registry.ActRevoke, org.Path)})
}

// matchesParticipant reports whether an employee matches a search: part of
// the name, or the start of the NIP (spaces ignored).
func matchesParticipant(e registry.Employee, q string) bool {
	if q == "" {
		return true
	}
	if digits := strings.ReplaceAll(q, " ", ""); strings.HasPrefix(e.NIP, strings.ToUpper(digits)) {
		return true
	}
	return strings.Contains(strings.ToLower(e.FullName()), strings.ToLower(q))
}

func (s *Server) eventStatus(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	to := registry.EventStatus(c.FormValue("status"))
	if to == registry.StatusClosed && !confirmed(c) {
		if asked, err := s.confirmClose(c, id); asked || err != nil {
			return err
		}
	}
	if _, err := s.svc.SetEventStatus(c.Request().Context(), s.actor(c), id, to, c.FormValue("reason")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/events/%d", id))
}

// eventQR is the QR code of the event's public link, for the hall's screen.
func (s *Server) eventQR(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	e, _, err := s.svc.VisibleEvent(c.Request().Context(), s.actor(c).User, id)
	if err != nil {
		return err
	}
	pic, err := certificate.QRImage(s.eventURL(e), eventQRPixels)
	if err != nil {
		return err
	}
	var img bytes.Buffer
	if err := png.Encode(&img, pic); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "private, max-age=3600")
	return c.Blob(http.StatusOK, "image/png", img.Bytes())
}

// eventQRPixels is about the width of the event's QR image: whole pixels
// per module, as many as fit, so it stays sharp on a projector.
const eventQRPixels = 512

// officialNIP reads the optional NIP of an event's official, saying which
// field is wrong when it is.
func officialNIP(s string) (string, error) {
	n, err := nip.Official(s)
	if err != nil {
		return "", registry.Errorf(registry.EINVALID, "NIP pejabat: %s", err)
	}
	return n, nil
}

func (s *Server) apiCreateEvent(c *echo.Context) error {
	var in api.NewEvent
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	e := &registry.Event{OrgID: in.OrganizationID, Title: in.Title, Place: in.Place, Mode: registry.EventMode(in.Mode),
		MeetingURL: in.MeetingURL, PledgeID: in.PledgeID, OfficialName: in.OfficialName, OfficialPosition: in.OfficialPosition}
	var err error
	if e.OfficialNIP, err = officialNIP(in.OfficialNIP); err != nil {
		return err
	}
	if e.StartsAt, err = parseRFC3339("starts_at", in.StartsAt, true); err != nil {
		return err
	}
	if e.SigningOpensAt, err = parseRFC3339("signing_opens_at", in.SigningOpensAt, false); err != nil {
		return err
	}
	if e.SigningClosesAt, err = parseRFC3339("signing_closes_at", in.SigningClosesAt, false); err != nil {
		return err
	}
	for _, cat := range in.Categories {
		e.Categories = append(e.Categories, registry.Category(cat))
	}
	if in.OfficialSignaturePNG != "" {
		b, err := ink.DecodeBase64PNG(in.OfficialSignaturePNG)
		if err != nil {
			return err
		}
		sigInk, err := ink.NormalizePNG(b)
		if err != nil {
			return err
		}
		e.OfficialSignature = sigInk.PNG
	}
	if err := s.svc.CreateEvent(c.Request().Context(), s.actor(c), e); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.eventJSON(*e))
}

func (s *Server) eventJSON(e registry.Event) api.Event {
	cats := make([]string, 0, len(e.Categories))
	for _, c := range e.Categories {
		cats = append(cats, string(c))
	}
	return api.Event{ID: e.ID, OrganizationID: e.OrgID, Title: e.Title, Place: e.Place, Mode: string(e.Mode), MeetingURL: e.MeetingURL,
		StartsAt: e.StartsAt, SigningOpensAt: optTime(e.SigningOpensAt), SigningClosesAt: optTime(e.SigningClosesAt),
		PledgeID: e.PledgeID, Categories: cats, OfficialNIP: e.OfficialNIP, Status: string(e.Status), EventCode: e.Code, URL: s.eventURL(e)}
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func parseRFC3339(field, v string, required bool) (time.Time, error) {
	if v == "" {
		if required {
			return time.Time{}, registry.Errorf(registry.EINVALID, "%s wajib diisi (RFC 3339, misalnya 2024-10-23T09:00:00+07:00).", field)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, registry.Errorf(registry.EINVALID, "%s harus berformat RFC 3339, misalnya 2024-10-23T09:00:00+07:00.", field)
	}
	return t.UTC(), nil
}

func (s *Server) apiEvent(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	e, _, err := s.svc.VisibleEvent(c.Request().Context(), s.actor(c).User, id)
	if err != nil {
		return err
	}
	// An officer of a regency that joins its province's event counts only
	// their own participants.
	st, err := s.svc.EventStatsFor(c.Request().Context(), s.actor(c).User, e)
	if err != nil {
		return err
	}
	out := s.eventJSON(e)
	out.Eligible, out.Signed, out.Revoked, out.Paper = &st.Eligible, &st.Signed, &st.Revoked, &st.Paper
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiSetStatus(to registry.EventStatus) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		var in struct {
			Reason string `json:"reason"`
		}
		if c.Request().ContentLength != 0 {
			if err := bindJSON(c, &in); err != nil && !errors.Is(err, io.EOF) {
				return err
			}
		}
		e, err := s.svc.SetEventStatus(c.Request().Context(), s.actor(c), id, to, in.Reason)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, s.eventJSON(e))
	}
}
