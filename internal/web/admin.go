package web

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster"
)

func idParam(c *echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, registry.Errorf(registry.ENOTFOUND, "Data tidak ditemukan.")
	}
	return id, nil
}

func (s *Server) adminHome(c *echo.Context) error {
	ctx := c.Request().Context()
	a := s.actor(c)
	orgs, err := s.svc.Organizations(ctx, a.User)
	if err != nil {
		return err
	}
	events, err := s.svc.Events(ctx, a.User)
	if err != nil {
		return err
	}
	tz := map[int64]string{}
	for _, o := range orgs {
		tz[o.ID] = o.TimeZone
	}
	return s.render(c, http.StatusOK, "admin_home", map[string]any{"Title": "Beranda admin", "Orgs": orgs, "Events": events, "TZ": tz,
		"CanOrg":   a.User.Role == registry.RoleSuperadmin || a.User.Role == registry.RoleAdmin,
		"CanEvent": a.User.Role != registry.RoleViewer})
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

func (s *Server) rosterImport(c *echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c)
	if err != nil {
		return err
	}
	org, err := s.svc.VisibleOrganization(ctx, s.actor(c).User, id)
	if err != nil {
		return err
	}
	fh, err := uploadedFile(c)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	if err != nil {
		return registry.Errorf(registry.EINVALID, "Pilih berkas CSV atau XLSX untuk diimpor.")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	// The file is read whole here, as parsing would: the request's
	// temporary file goes when the request ends, the job runs on.
	data, err := io.ReadAll(io.LimitReader(f, roster.MaxFileBytes+1))
	if err != nil {
		return err
	}
	slot, _ := c.Get(uploadSlotKey).(*uploadSlot)
	if slot == nil {
		return errors.New("roster import outside largeBody")
	}
	j, err := s.startImport(c, org, data, fh.Header.Get("Content-Type"), fh.Filename, c.FormValue("skip_invalid") != "", slot.keep())
	if err != nil {
		return err
	}
	return s.awaitImport(c, j)
}

// awaitImport waits a moment for a short import to end, then shows the
// job's page: its result, or its progress.
func (s *Server) awaitImport(c *echo.Context, j *importJob) error {
	if wait := s.opt.ImportWait; wait >= 0 {
		t := time.NewTimer(cmp.Or(wait, DefaultImportWait))
		defer t.Stop()
		select {
		case <-j.finished:
		case <-t.C:
		case <-c.Request().Context().Done():
		}
	}
	return c.Redirect(http.StatusSeeOther, "/admin/imports/"+j.id)
}

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

func (s *Server) adminCertificate(c *echo.Context) error {
	ctx := c.Request().Context()
	sig, err := s.svc.Certificate(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	// In an event their organization joins, an officer sees only the
	// records of their own participants.
	if _, _, err := s.svc.AuthorizeRecord(ctx, s.actor(c).User, registry.ActView, sig); err != nil {
		return err
	}
	r, err := s.issuer.Record(ctx, sig)
	if err != nil {
		return err
	}
	d := map[string]any{"Title": i18n.M("Sertifikat %s", registry.GroupCode(sig.Code)), "R": r,
		"PDFURL": s.pdfPath(sig.Code), "CanRevoke": s.mayOnRecord(ctx, s.actor(c).User, registry.ActRevoke, sig)}
	if sig.Revoked() && sig.EmployeeID != 0 {
		// The person may have signed again since: point to that record.
		now, err := s.svc.StandingRecord(ctx, s.actor(c).User, sig)
		if err != nil && !registry.IsCode(err, registry.ENOTFOUND) {
			return err
		}
		if err == nil && !now.Revoked() {
			d["Standing"] = now
		}
	}
	return s.render(c, http.StatusOK, "admin_certificate", d)
}

func (s *Server) adminRevoke(c *echo.Context) error {
	sig, err := s.svc.Revoke(c.Request().Context(), s.actor(c), c.Param("code"), c.FormValue("reason"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+sig.Code)
}
