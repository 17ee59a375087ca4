package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/metrics"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
)

func (s *Server) apiRoutes(g *echo.Group) {
	g.POST("/events/:id/signatures", s.apiSign)
	g.GET("/certificates/:code", s.apiCertificate)
	g.GET("/pledges/:hash", s.apiPledge)
	g.GET("/events/:id/documents", s.apiEventDocuments)

	auth := g.Group("", s.requireToken)
	auth.POST("/organizations", s.apiCreateOrganization)
	auth.POST("/organizations/:id/employees/import", s.apiImport, s.authorizeRosterUpload, s.largeBody)
	auth.POST("/organizations/:id/employees/erase", s.apiErasePerson)
	auth.POST("/events", s.apiCreateEvent)
	auth.GET("/events/:id", s.apiEvent)
	auth.POST("/events/:id/open", s.apiSetStatus(registry.StatusOpen))
	auth.POST("/events/:id/close", s.apiSetStatus(registry.StatusClosed))
	auth.POST("/events/:id/paper-signatures", s.apiPaper, s.authorizePaper, s.paperBody)
	auth.POST("/certificates/:code/revoke", s.apiRevoke)
	auth.POST("/certificates/:code/erase", s.apiErase)
}

// bindJSON decodes a JSON body strictly: unknown fields are errors, so a
// typo in a field name is not silently ignored.
// Only application/json is accepted: a browser sends a cross-site form
// (text/plain, urlencoded) without a preflight, JSON never.
func bindJSON(c *echo.Context, v any) error {
	if mt, _, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); err != nil || mt != echo.MIMEApplicationJSON {
		return registry.Errorf(registry.EMEDIATYPE, "Badan permintaan harus berupa JSON (Content-Type: application/json).")
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	return nil
}

// jsonError says what is wrong with a JSON body from the decoder's typed
// errors, never from their wording, and keeps the cause for the log (and
// for errors.Is(err, io.EOF) on an empty body).
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan kosong: kirim satu objek JSON.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan bukan JSON yang valid: JSON terpotong.")
	case errors.As(err, &syntax):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan bukan JSON yang valid: sintaks salah pada bita ke-%d.", syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan tidak sesuai: kolom %q harus bertipe JSON %s.", typ.Field, jsonKind(typ.Type))
	case errors.As(err, &typ):
		return registry.Wrapf(err, registry.EINVALID, "Badan permintaan tidak sesuai: harus bertipe JSON %s.", jsonKind(typ.Type))
	case errors.As(err, &tooLarge):
		return registry.Wrapf(err, registry.ETOOLARGE, "Data yang dikirim terlalu besar.")
	}
	// With valid syntax and types, what the decoder still refuses is a
	// field the request type does not have (DisallowUnknownFields), whose
	// error has no type of its own.
	return registry.Wrapf(err, registry.EINVALID, "Badan permintaan memuat kolom yang tidak dikenal.")
}

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "object"
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

func (s *Server) apiImport(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	skip, _ := strconv.ParseBool(c.QueryParam("skip_invalid"))
	out, err := s.importRoster(c.Request().Context(), s.actor(c), id, c.Request().Body, c.Request().Header.Get(echo.HeaderContentType), "", skip, nil)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !out.Written {
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, out)
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
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

// apiSign is the public signing endpoint: identification by NIP and event
// code (or a personal link token), then the signature.
func (s *Server) apiSign(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := s.svc.PublicEvent(ctx, id)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan.")
	}
	if err != nil {
		return err
	}
	var in api.Signing
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var emp registry.Employee
	ch := registry.ChannelEventCode
	if in.Token != "" {
		ch = registry.ChannelPersonalLink
		emp, err = s.identifyByLink(c, e, in.Token)
	} else {
		emp, err = s.identifyByCode(c, e, in.NIP, in.EventCode, in.Name)
	}
	if err != nil {
		return err
	}
	var sigInk registry.Ink
	switch {
	case len(in.SignatureStrokes) > 0 && string(in.SignatureStrokes) != "null":
		sigInk, err = ink.ParseStrokes(in.SignatureStrokes)
	case in.SignaturePNG != "":
		var b []byte
		if b, err = ink.DecodeBase64PNG(in.SignaturePNG); err == nil {
			err = s.heavy.do(c.Request().Context(), func() (err error) {
				sigInk, err = ink.NormalizePNG(b)
				return err
			})
		}
	case in.TypedName != "":
		sigInk, err = ink.Typed(in.TypedName)
	}
	if err != nil {
		return err
	}
	sig, existing, err := s.svc.Sign(ctx, registry.SignRequest{Event: e, Employee: emp, Ink: sigInk, Consent: in.Consent,
		Channel: ch, ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent()})
	s.countSigning(metrics.ChannelAPI, existing, err)
	if err != nil {
		return err
	}
	if existing && ch != registry.ChannelPersonalLink {
		// NIP and event code are known to others: they learn that this
		// person signed, and when, never the certificate.
		return c.JSON(http.StatusOK, api.Signed{AlreadySigned: true, SignedAt: &sig.SignedAt})
	}
	ref := &api.CertificateRef{Code: sig.Code, Serial: sig.Serial, VerifyURL: s.verifyURL(sig.Code), PDFURL: s.opt.BaseURL + s.pdfPath(sig.Code)}
	if existing {
		return c.JSON(http.StatusOK, api.Signed{Certificate: ref, AlreadySigned: true})
	}
	return c.JSON(http.StatusCreated, api.Signed{Certificate: ref})
}

type certificateJSON struct {
	Status   string `json:"status"`
	Code     string `json:"code"`
	Serial   string `json:"serial"`
	Name     string `json:"name"`
	NIP      string `json:"nip"`
	Position string `json:"position"`
	Rank     string `json:"rank"`
	Unit     string `json:"unit"`
	Org      string `json:"organization"`
	Event    string `json:"event"`
	EventID  int64  `json:"event_id"`
	// The event as the record's leaf commits to it (version 2; for a
	// version 1 record, the event as it is).
	EventTitle  string    `json:"event_title"`
	EventPlace  string    `json:"event_place"`
	EventStarts time.Time `json:"event_starts"`
	EventOrg    string    `json:"event_org"`
	// PledgeURL serves the canonical text whose SHA-256 is PledgeHash.
	PledgeURL  string    `json:"pledge_url"`
	SignedAt   time.Time `json:"signed_at"`
	Channel    string    `json:"channel"`
	PledgeHash string    `json:"pledge_hash"`
	// IdentityHash is the salted commitment to name and NIP the leaf
	// holds (public in the log): with it a client recomputes the leaf.
	IdentityHash string `json:"identity_hash"`
	PledgeText   string `json:"pledge_text"`
	PDFSHA256    string `json:"pdf_sha256,omitempty"`
	// ScanSHA256 is the SHA-256 of a paper signature's scan, which its
	// leaf commits to; the scan itself is for officers only.
	ScanSHA256 string          `json:"scan_sha256,omitempty"`
	Erased     bool            `json:"erased"`
	Revocation *revocationJSON `json:"revocation,omitempty"`
	VerifyURL  string          `json:"verify_url"`
	Log        *logProof       `json:"log,omitempty"`
	Verdict    *verdict        `json:"verdict,omitempty"`
}

type revocationJSON struct {
	Reason    string    `json:"reason"`
	RevokedAt time.Time `json:"revoked_at"`
	// Log is the revocation's leaf, for outside recomputation.
	Log *leafRef `json:"log,omitempty"`
}

// certificateView is the public, masked view of a record.
func (s *Server) certificateView(r record) certificateJSON {
	out := certificateJSON{Status: "valid", Code: r.Sig.Code, Serial: r.Sig.Serial, Name: maskName(r.Sig.Name), NIP: nip.Mask(r.Sig.NIP),
		Position: r.Sig.Position, Rank: r.Sig.Rank, Unit: r.Sig.Unit, Org: r.Sig.OrgName, Event: r.Event.Title, EventID: r.Event.ID,
		EventTitle: r.Event.Title, EventPlace: r.Event.Place, EventStarts: r.Event.StartsAt, EventOrg: r.Org.Name,
		PledgeURL: s.opt.BaseURL + "/api/v1/pledges/" + r.Sig.PledgeHash,
		SignedAt:  r.Sig.SignedAt, Channel: string(r.Sig.Channel), PledgeHash: r.Sig.PledgeHash, IdentityHash: r.Sig.IdentityHash, PDFSHA256: r.Sig.PDFHash,
		ScanSHA256: r.Sig.ScanHash, Erased: r.Sig.Erased(), VerifyURL: s.verifyURL(r.Sig.Code)}
	out.PledgeText = pledgeText(r.Pledge, r.Org.Name)
	if r.Sig.Revoked() {
		out.Status = "revoked"
		out.Revocation = &revocationJSON{Reason: r.Sig.Revocation.Reason, RevokedAt: r.Sig.Revocation.RevokedAt}
	}
	return out
}

func pledgeText(p registry.PledgeVersion, institution string) string {
	var b strings.Builder
	b.WriteString(p.OpeningFor(institution))
	for i, pt := range p.Points {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + pt)
	}
	b.WriteString("\n" + p.Closing)
	return b.String()
}

func (s *Server) apiCertificate(c *echo.Context) error {
	sig, err := s.svc.Lookup(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	r, err := s.issuer.Record(c.Request().Context(), sig)
	if err != nil {
		return err
	}
	out := s.certificateView(r)
	proof, v, err := s.judge(c.Request().Context(), sig, r.Pledge, nil)
	if err != nil {
		return err
	}
	out.Log, out.Verdict, out.Status = &proof, &v, v.Status
	if out.Revocation != nil {
		out.Revocation.Log = proof.revocation
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiRevoke(c *echo.Context) error {
	return s.apiRecordAction(c, s.svc.Revoke)
}

func (s *Server) apiErase(c *echo.Context) error {
	var in struct {
		Reason string `json:"reason"`
		Person bool   `json:"person"` // erase the signer from the roster too, with all their records
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sig, err := s.issuer.Erase(c.Request().Context(), s.actor(c), c.Param("code"), in.Reason, in.Person)
	if err != nil {
		return err
	}
	return s.recordJSON(c, sig)
}

// apiRecordAction runs an admin action that takes a certificate code and a
// reason, and answers with the record's public view.
func (s *Server) apiRecordAction(c *echo.Context, act func(context.Context, registry.Actor, string, string) (registry.Signature, error)) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sig, err := act(c.Request().Context(), s.actor(c), c.Param("code"), in.Reason)
	if err != nil {
		return err
	}
	return s.recordJSON(c, sig)
}

// recordJSON answers with a record's public view.
func (s *Server) recordJSON(c *echo.Context, sig registry.Signature) error {
	r, err := s.issuer.Record(c.Request().Context(), sig)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.certificateView(r))
}

// officialNIP reads the optional NIP of an event's official, saying which
// field is wrong when it is.
func officialNIP(s string) (string, error) {
	n, err := nip.Official(s)
	if err != nil {
		return "", registry.Errorf(registry.EINVALID, "NIP pejabat: %s", err)
	}
	return n, nil
}
