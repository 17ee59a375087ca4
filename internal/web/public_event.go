package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// eventView is what the signer's pages show of an event.
type eventView struct {
	Event  registry.Event
	Org    registry.Organization
	Pledge registry.PledgeVersion
	// Closed is the reason signing is not possible now, or "".
	Closed string
	// Retrieve says that, signing being over, those who signed may still
	// identify to open their certificate.
	Retrieve bool
}

func (s *Server) loadEventView(ctx context.Context, slug string) (eventView, error) {
	e, err := s.store.EventBySlug(ctx, slug)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return eventView{}, registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan. Periksa kembali tautan atau kode QR.")
	}
	if err != nil {
		return eventView{}, err
	}
	org, err := s.store.Organization(ctx, e.OrgID)
	if err != nil {
		return eventView{}, err
	}
	p, err := s.store.Pledge(ctx, e.PledgeID)
	if err != nil {
		return eventView{}, err
	}
	v := eventView{Event: e, Org: org, Pledge: p}
	now := s.now()
	if err := e.SigningState(now); err != nil {
		v.Closed = registry.ErrorMessage(err)
		v.Retrieve = e.Status != registry.StatusDraft && (e.SigningOpensAt.IsZero() || !now.Before(e.SigningOpensAt))
	}
	return v, nil
}

func (v eventView) data(title string) map[string]any {
	return map[string]any{"Title": title, "V": v, "Opening": v.Pledge.OpeningFor(v.Org.Name)}
}

// eventPage is where a signer lands from the hall's QR code or the link.
func (s *Server) eventPage(c echo.Context) error {
	v, err := s.loadEventView(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "event", v.data(v.Event.Title))
}

// eventIdentify checks NIP and event code and shows "is this you?" with the
// pledge and the signature pad.
func (s *Server) eventIdentify(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.loadEventView(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	nipText, code := strings.TrimSpace(c.FormValue("nip")), c.FormValue("code")
	emp, status, err := s.identifyByCode(c, v.Event, nipText, code)
	if err != nil {
		d := v.data(v.Event.Title)
		d["Error"], d["NIP"] = err, nipText
		return s.render(c, status, "event", d)
	}
	return s.showConfirm(c, v, emp, url.Values{"nip": {nipText}, "code": {code}}, registry.ChannelEventCode, nil, http.StatusOK)
}

// identifyByCode runs the rate-limited NIP + event code identification and
// returns the status to answer a failure with.
func (s *Server) identifyByCode(c echo.Context, e registry.Event, nipText, code string) (registry.Employee, int, error) {
	// The key is the NIP as Identify looks it up, so that no spelling of one
	// NIP (spaces, a lower-case registry ID) gets a budget of its own.
	ip, key := c.RealIP(), strings.ToUpper(strings.Join(strings.Fields(nipText), ""))
	if err := s.fails.Blocked(ip, key); err != nil {
		return registry.Employee{}, http.StatusTooManyRequests, err
	}
	emp, err := s.svc.Identify(c.Request().Context(), e, nipText, code)
	if isIdentifyFailure(err) {
		s.fails.Failed(ip, key)
	}
	if err != nil {
		return emp, statusOf(registry.ErrorCode(err)), err
	}
	return emp, http.StatusOK, nil
}

// personalLink identifies a signer by their personal link; no code needed.
func (s *Server) personalLink(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.loadEventView(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	emp, status, err := s.identifyByLink(c, v.Event, c.Param("token"))
	if err != nil {
		d := v.data(v.Event.Title)
		d["Error"] = err
		return s.render(c, status, "event", d)
	}
	return s.showConfirm(c, v, emp, url.Values{"token": {c.Param("token")}}, registry.ChannelPersonalLink, nil, http.StatusOK)
}

func (s *Server) identifyByLink(c echo.Context, e registry.Event, token string) (registry.Employee, int, error) {
	ip := c.RealIP()
	if err := s.fails.Blocked(ip, ""); err != nil {
		return registry.Employee{}, http.StatusTooManyRequests, err
	}
	emp, err := s.svc.IdentifyLink(c.Request().Context(), e, token)
	if isIdentifyFailure(err) {
		s.fails.Failed(ip, "")
	}
	if err != nil {
		return emp, statusOf(registry.ErrorCode(err)), err
	}
	return emp, http.StatusOK, nil
}

// showConfirm shows an identified signer their details, the pledge and the
// pad — or, if they already signed, sends them to their certificate.
func (s *Server) showConfirm(c echo.Context, v eventView, emp registry.Employee, ident url.Values, ch registry.Channel, formErr error, status int) error {
	if prev, err := s.store.SignatureFor(c.Request().Context(), v.Event.ID, emp.ID); err == nil {
		return c.Redirect(http.StatusSeeOther, s.certificatePath(prev.Code))
	} else if !registry.IsCode(err, registry.ENOTFOUND) {
		return err
	}
	if v.Closed != "" {
		// Signing is not possible now: say so instead of offering the pad.
		return s.render(c, http.StatusConflict, "event", v.data(v.Event.Title))
	}
	d := v.data("Konfirmasi dan tanda tangan")
	d["Employee"], d["Ident"], d["Error"] = emp, ident, formErr
	return s.render(c, status, "confirm", d)
}

// eventSign records the signature submitted from the confirm page.
func (s *Server) eventSign(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.loadEventView(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	var emp registry.Employee
	var status int
	ident, ch := url.Values{}, registry.ChannelEventCode
	if token := c.FormValue("token"); token != "" {
		ident.Set("token", token)
		ch = registry.ChannelPersonalLink
		emp, status, err = s.identifyByLink(c, v.Event, token)
	} else {
		ident.Set("nip", c.FormValue("nip"))
		ident.Set("code", c.FormValue("code"))
		emp, status, err = s.identifyByCode(c, v.Event, c.FormValue("nip"), c.FormValue("code"))
	}
	if err != nil {
		d := v.data(v.Event.Title)
		d["Error"] = err
		return s.render(c, status, "event", d)
	}
	sigInk, err := s.inkFromForm(c)
	if err != nil {
		return s.showConfirm(c, v, emp, ident, ch, err, statusOf(registry.ErrorCode(err)))
	}
	sig, _, err := s.svc.Sign(ctx, registry.SignRequest{
		Event: v.Event, Employee: emp, Ink: sigInk, Consent: c.FormValue("consent") != "",
		Channel: ch, ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent(),
	})
	if code := registry.ErrorCode(err); code == registry.ECONSENT || code == registry.EBADINK || code == registry.ENOTOPEN {
		return s.showConfirm(c, v, emp, ident, ch, err, statusOf(code))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.certificatePath(sig.Code))
}

// inkFromForm reads the signature from the signing form: drawn strokes
// (what the pad sends), a PNG, or a typed name.
func (s *Server) inkFromForm(c echo.Context) (registry.Ink, error) {
	if c.FormValue("use_typed") != "" || (c.FormValue("signature_strokes") == "" && c.FormValue("signature_png") == "") {
		name := c.FormValue("typed_name")
		if strings.TrimSpace(name) == "" {
			return registry.Ink{}, registry.Errorf(registry.EBADINK, "Silakan bubuhkan tanda tangan Anda, atau ketik nama lengkap Anda.")
		}
		return ink.Typed(name)
	}
	if raw := c.FormValue("signature_strokes"); raw != "" {
		return ink.ParseStrokes([]byte(raw))
	}
	b, err := ink.DecodeBase64PNG(c.FormValue("signature_png"))
	if err != nil {
		return registry.Ink{}, err
	}
	var in registry.Ink
	err = s.heavy.do(c.Request().Context(), func() (err error) {
		in, err = ink.NormalizePNG(b)
		return err
	})
	return in, err
}

// downloadKey authenticates a certificate's private pages: its code is
// public (it is in the QR), the PDF with the full NIP is not.
func (s *Server) downloadKey(code string) string {
	m := hmac.New(sha256.New, s.opt.DownloadKey)
	m.Write([]byte("ikrar-download/v1|" + code))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

func (s *Server) certificatePath(code string) string {
	return "/c/" + code + "?k=" + s.downloadKey(code)
}

func (s *Server) pdfPath(code string) string {
	return "/c/" + code + "/sertifikat.pdf?k=" + s.downloadKey(code)
}

func (s *Server) checkDownloadKey(c echo.Context) (registry.Signature, error) {
	sig, err := s.svc.Lookup(c.Request().Context(), c.Param("code"))
	if err != nil {
		return sig, err
	}
	if !hmac.Equal([]byte(c.QueryParam("k")), []byte(s.downloadKey(sig.Code))) {
		return registry.Signature{}, registry.Errorf(registry.ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	}
	return sig, nil
}
