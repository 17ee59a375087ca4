package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

// eventView is what the signer's pages show of an event.
type eventView struct {
	Event  registry.Event
	Org    registry.Organization
	Pledge registry.PledgeVersion
	// Closed is the reason signing is not possible now, or nil.
	Closed error
	// Retrieve says that, signing being over, those who signed may still
	// identify to open their certificate.
	Retrieve bool
	// Privacy is the organizing organization's privacy settings and
	// Retention the event's retention date (zero: none), which the
	// privacy notice states.
	Privacy   registry.PrivacySettings
	Retention time.Time
}

func (s *Server) loadEventView(ctx context.Context, slug string) (eventView, error) {
	e, err := s.svc.PublicEventBySlug(ctx, slug)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return eventView{}, registry.Errorf(registry.ENOTFOUND, "Acara tidak ditemukan. Periksa kembali tautan atau kode QR.")
	}
	if err != nil {
		return eventView{}, err
	}
	org, err := s.svc.PublicOrganization(ctx, e.OrgID)
	if err != nil {
		return eventView{}, err
	}
	p, err := s.svc.PublicPledge(ctx, e.PledgeID)
	if err != nil {
		return eventView{}, err
	}
	v := eventView{Event: e, Org: org, Pledge: p}
	if v.Privacy, err = s.svc.PublicPrivacySettings(ctx, org.ID); err != nil {
		return eventView{}, err
	}
	if v.Retention, err = s.svc.PublicEventRetention(ctx, e.ID); err != nil {
		return eventView{}, err
	}
	now := s.now()
	if err := e.SigningState(now); err != nil {
		v.Closed = err
		v.Retrieve = e.Status != registry.StatusDraft && (e.SigningOpensAt.IsZero() || !now.Before(e.SigningOpensAt))
	}
	return v, nil
}

func (v eventView) data(title string) map[string]any {
	return map[string]any{"Title": title, "V": v, "Opening": v.Pledge.OpeningFor(v.Org.Name)}
}

// eventPage is where a signer lands from the hall's QR code or the link.
func (s *Server) eventPage(c *echo.Context) error {
	v, err := s.loadEventView(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	d := v.data(v.Event.Title)
	d["AskName"] = s.guesses.NeedsName(c.RealIP(), v.Event.ID)
	// The signed Berita Acara, if one was kept: its fingerprint, which
	// anyone holding a copy can compare, and no personal data.
	docs, err := s.svc.PublicEventDocuments(c.Request().Context(), v.Event.ID)
	if err != nil {
		return err
	}
	if len(docs) > 0 {
		d["SignedBA"] = docs[0]
	}
	return s.render(c, http.StatusOK, "event", d)
}

// eventPrivacy is the event's full privacy notice (UU 27/2022), linked
// from the short notice on the signing pages.
func (s *Server) eventPrivacy(c *echo.Context) error {
	v, err := s.loadEventView(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "privacy", v.data("Pemberitahuan privasi"))
}

// eventIdentify checks NIP and event code (and the name, when the address
// or the event spent its failure budget) and shows "is this you?" with the
// pledge and the signature pad.
func (s *Server) eventIdentify(c *echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.loadEventView(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	nipText, code := strings.TrimSpace(c.FormValue("nip")), c.FormValue("code")
	keep := keptFrom(c)
	emp, err := s.identifyByCode(c, v.Event, nipText, code, c.FormValue("name"))
	if err != nil {
		d := v.data(v.Event.Title)
		d["Error"], d["NIP"], d["Code"], d["Keep"] = err, nipText, code, keep
		if _, ferr := nip.Typed(nipText); ferr != nil {
			// What is wrong with the number's form goes next to its field.
			d["Error"], d["NIPError"] = nil, ferr
		}
		d["AskName"] = registry.IsCode(err, registry.ENAMEREQUIRED) || registry.IsCode(err, registry.ENOMATCH) ||
			s.guesses.NeedsName(c.RealIP(), v.Event.ID)
		return s.render(c, statusOf(registry.ErrorCode(err)), "event", d)
	}
	if keep.Any() {
		// Back from an expired confirm page with a signature drawn: the
		// strokes are too long for an address, so the page is the answer.
		return s.showConfirm(c, v, emp, registry.ChannelEventCode, keep, nil, http.StatusOK)
	}
	// Post, then redirect: the back button after signing lands on a page
	// the browser can load again, not "Confirm Form Resubmission". The
	// address carries the confirmation ticket, never the NIP.
	t := s.confirmTicket(v.Event.ID, emp.ID, registry.ChannelEventCode)
	return c.Redirect(http.StatusSeeOther, "/e/"+v.Event.Slug+"/konfirmasi?t="+url.QueryEscape(t))
}

// eventConfirm is the confirm page reached from the identification's
// redirect: the ticket it carries says whom this server identified.
func (s *Server) eventConfirm(c *echo.Context) error {
	v, err := s.loadEventView(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	emp, ch, err := s.checkTicket(c, v.Event, c.QueryParam("t"))
	if err != nil {
		d := v.data(v.Event.Title)
		d["Error"] = err
		d["AskName"] = s.guesses.NeedsName(c.RealIP(), v.Event.ID)
		return s.render(c, statusOf(registry.ErrorCode(err)), "event", d)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return s.showConfirm(c, v, emp, ch, keptSignature{}, nil, http.StatusOK)
}

// identifyByCode identifies a signer by NIP and event code. It is never
// refused for the client's failures: past the address's or the event's
// budget it also needs the signer's own name (see guessBudget). Failures
// are counted; those with the right code count for the event too, since
// they tested an NIP.
func (s *Server) identifyByCode(c *echo.Context, e registry.Event, nipText, code, name string) (registry.Employee, error) {
	ctx, ip := c.Request().Context(), c.RealIP()
	// The form first: a number typed wrong ("NIP harus 18 digit…") is not a
	// guess, spends no budget and says nothing about the roster.
	nipText, err := nip.Typed(nipText)
	if err != nil {
		return registry.Employee{}, err
	}
	if strings.TrimSpace(code) == "" {
		return registry.Employee{}, registry.Errorf(registry.EINVALID, "Kode acara wajib diisi.")
	}
	var emp registry.Employee
	switch {
	case strings.TrimSpace(name) != "":
		emp, err = s.svc.IdentifyName(ctx, e, nipText, code, name)
	case s.guesses.NeedsName(ip, e.ID):
		// Asked of everyone alike, before anything is checked: the answer
		// says nothing about the NIP or the code.
		s.opt.Metrics.RateLimited("identification")
		return registry.Employee{}, registry.Errorf(registry.ENAMEREQUIRED,
			"Untuk keamanan, ketik juga nama lengkap Anda sesuai data kepegawaian, lalu tekan Lanjut.")
	default:
		emp, err = s.svc.Identify(ctx, e, nipText, code)
	}
	if isGuess(err) {
		// A wrong code spends the event's budget too: guesses of the code
		// from many addresses must end in the name being asked as well.
		s.guesses.Guessed(ip, e.ID)
	}
	s.countIdentification(err)
	return emp, err
}

// personalLink identifies a signer by their personal link; no code needed.
// A valid link always passes: it is a 128-bit secret.
func (s *Server) personalLink(c *echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.loadEventView(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	emp, err := s.identifyByLink(c, v.Event, c.Param("token"))
	if err != nil {
		d := v.data(v.Event.Title)
		d["Error"] = err
		return s.render(c, statusOf(registry.ErrorCode(err)), "event", d)
	}
	return s.showConfirm(c, v, emp, registry.ChannelPersonalLink, keptSignature{}, nil, http.StatusOK)
}

// identifyByLink resolves a personal link; an invalid one counts as a
// failure of the address.
func (s *Server) identifyByLink(c *echo.Context, e registry.Event, token string) (registry.Employee, error) {
	emp, err := s.svc.IdentifyLink(c.Request().Context(), e, token)
	if isGuess(err) {
		s.guesses.Guessed(c.RealIP(), 0)
	}
	s.countIdentification(err)
	return emp, err
}

// keptSignature is what a signer put in the signing form, handed back when
// the form is shown again, so that no limit or error throws away a drawn
// signature.
type keptSignature struct {
	Strokes, TypedName string
	UseTyped, Consent  bool
}

func keptFrom(c *echo.Context) keptSignature {
	return keptSignature{Strokes: c.FormValue("signature_strokes"), TypedName: c.FormValue("typed_name"),
		UseTyped: c.FormValue("use_typed") != "", Consent: c.FormValue("consent") != ""}
}

// Any reports whether there is something to keep.
func (k keptSignature) Any() bool { return k.Strokes != "" || k.TypedName != "" }

// showConfirm shows an identified signer their details, the pledge and the
// pad. Someone who already signed gets their certificate only through their
// personal link; identified by NIP and code — which others may know — they
// see that they signed, and how to get the certificate back. Someone whose
// record was revoked signs again, told that the earlier certificate was
// revoked.
func (s *Server) showConfirm(c *echo.Context, v eventView, emp registry.Employee, ch registry.Channel, keep keptSignature, formErr error, status int) error {
	prev, err := s.svc.SignerRecord(c.Request().Context(), v.Event, emp)
	switch {
	case err == nil && !prev.Revoked():
		return s.alreadySigned(c, v, prev, ch)
	case err != nil && !registry.IsCode(err, registry.ENOTFOUND):
		return err
	}
	if v.Closed != nil {
		// Signing is not possible now: say so instead of offering the pad.
		return s.render(c, http.StatusConflict, "event", v.data(v.Event.Title))
	}
	d := v.data("Konfirmasi dan tanda tangan")
	d["Employee"], d["Ticket"], d["Error"], d["Keep"] = emp, s.confirmTicket(v.Event.ID, emp.ID, ch), formErr, keep
	if err == nil {
		// Only when it was revoked, not why or its code: NIP and event code
		// are known to others.
		d["Revoked"] = prev.Revocation
	}
	return s.render(c, status, "confirm", d)
}

// alreadySigned answers an identification of someone who signed: their
// certificate for a personal link or on the device they signed on; for
// NIP + code elsewhere, a page that says so, with masked data only, and
// how to get the certificate.
func (s *Server) alreadySigned(c *echo.Context, v eventView, sig registry.Signature, ch registry.Channel) error {
	if ch == registry.ChannelPersonalLink {
		s.rememberSigned(c, sig.Code)
		return c.Redirect(http.StatusSeeOther, s.certificatePath(sig.Code))
	}
	if slices.Contains(s.deviceCodes(c), sig.Code) {
		return c.Redirect(http.StatusSeeOther, "/c/"+sig.Code)
	}
	d := v.data("Anda sudah menandatangani")
	d["Sig"] = sig
	return s.render(c, http.StatusOK, "signed", d)
}

// eventSign records the signature submitted from the confirm page. The
// signer was identified when the page was shown: the form carries a
// confirmation ticket, so signing never runs identification again and is
// never limited. Whatever fails, the form comes back with the signature
// drawn.
func (s *Server) eventSign(c *echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.loadEventView(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	keep := keptFrom(c)
	var emp registry.Employee
	ch := registry.ChannelEventCode
	if ticket := c.FormValue("ticket"); ticket != "" || c.FormValue("nip") == "" {
		emp, ch, err = s.checkTicket(c, v.Event, ticket)
	} else {
		// A client that posts NIP and code with the signature in one go
		// (scripts, load tests): identified as on the event page.
		emp, err = s.identifyByCode(c, v.Event, c.FormValue("nip"), c.FormValue("code"), c.FormValue("name"))
	}
	if err != nil {
		d := v.data(v.Event.Title)
		d["Error"], d["Keep"] = err, keep
		d["AskName"] = registry.IsCode(err, registry.ENAMEREQUIRED) || registry.IsCode(err, registry.ENOMATCH)
		return s.render(c, statusOf(registry.ErrorCode(err)), "event", d)
	}
	sigInk, err := s.inkFromForm(c)
	if err != nil {
		return s.showConfirm(c, v, emp, ch, keep, err, statusOf(registry.ErrorCode(err)))
	}
	sig, existing, err := s.svc.Sign(ctx, registry.SignRequest{
		Event: v.Event, Employee: emp, Ink: sigInk, Consent: keep.Consent,
		Channel: ch, ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent(),
	})
	s.countSigning(metrics.ChannelWeb, existing, err)
	switch code := registry.ErrorCode(err); code {
	case registry.ECONSENT, registry.EBADINK, registry.ENOTOPEN:
		return s.showConfirm(c, v, emp, ch, keep, err, statusOf(code))
	case registry.EFULL:
		// Nothing was stored: the form comes back with the signature
		// drawn, to send again once space returns.
		s.log.Error("signing not stored: storage full", "request_id", requestIDOf(c), "err", err)
		setRetryAfter(c, code)
		return s.showConfirm(c, v, emp, ch, keep, err, statusOf(code))
	}
	if err != nil {
		return err
	}
	if existing {
		// Signed meanwhile (another tab, another phone): not this request's
		// record to hand out.
		return s.alreadySigned(c, v, sig, ch)
	}
	s.rememberSigned(c, sig.Code)
	return c.Redirect(http.StatusSeeOther, s.certificatePath(sig.Code))
}

// inkFromForm reads the signature from the signing form: drawn strokes
// (what the pad sends), a PNG, or a typed name.
func (s *Server) inkFromForm(c *echo.Context) (registry.Ink, error) {
	if c.FormValue("use_typed") != "" || (c.FormValue("signature_strokes") == "" && c.FormValue("signature_png") == "") {
		name := c.FormValue("typed_name")
		if strings.TrimSpace(name) == "" {
			return registry.Ink{}, registry.Errorf(registry.EBADINK, "Silakan bubuhkan tanda tangan Anda, atau ketik nama lengkap Anda.")
		}
		return ink.Typed(name)
	}
	if raw := c.FormValue("signature_strokes"); raw != "" {
		// sign.js posts the compact format. A signing page loaded before
		// the upgrade that brought it still posts signature_pad's toData()
		// JSON, which always starts with '[': it is read as the API reads
		// it, so no signer loses a drawing to a deploy.
		if raw[0] == '[' {
			return ink.ParseStrokes([]byte(raw))
		}
		return ink.ParseCompact([]byte(raw))
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

// mac authenticates msg with the server's download secret under a label of
// its own, so a value made for one purpose is never valid for another.
func (s *Server) mac(label, msg string) []byte {
	m := hmac.New(sha256.New, s.opt.DownloadKey)
	m.Write([]byte(label + "|" + msg))
	return m.Sum(nil)
}

// downloadKey authenticates a certificate's private pages: its code is
// public (it is in the QR), the PDF with the full NIP is not.
func (s *Server) downloadKey(code string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("ikrar-download/v1", code)[:12])
}

func (s *Server) certificatePath(code string) string {
	return "/c/" + code + "?k=" + s.downloadKey(code)
}

func (s *Server) pdfPath(code string) string {
	return "/c/" + code + "/sertifikat.pdf?k=" + s.downloadKey(code)
}

// checkAccess loads the certificate of a signer's private page or PDF:
// allowed with the link's download key, or on a device that signed it.
func (s *Server) checkAccess(c *echo.Context) (registry.Signature, error) {
	sig, err := s.svc.Lookup(c.Request().Context(), c.Param("code"))
	if err != nil {
		return sig, err
	}
	if !hmac.Equal([]byte(c.QueryParam("k")), []byte(s.downloadKey(sig.Code))) && !slices.Contains(s.deviceCodes(c), sig.Code) {
		return registry.Signature{}, registry.Errorf(registry.ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	}
	return sig, nil
}

// confirmTTL is how long a confirm page may stay open: long enough to read
// the pledge in a slow hall, short enough that a ticket left in a shared
// browser soon dies.
const confirmTTL = 2 * time.Hour

// confirmTicket is what the confirm page's form carries instead of the NIP
// and code: proof that this server identified employeeID for eventID
// through ch, until it expires. So the sign POST identifies nobody again,
// spends no budget, and the page holds no full NIP.
func (s *Server) confirmTicket(eventID, employeeID int64, ch registry.Channel) string {
	body := fmt.Sprintf("%d.%d.%s.%d", eventID, employeeID, ch, s.now().Add(confirmTTL).Unix())
	return body + "." + base64.RawURLEncoding.EncodeToString(s.mac("ikrar-confirm/v1", body)[:16])
}

// checkTicket returns the employee and channel a confirmation ticket was
// issued for, if it is this server's, for this event, and not expired. The
// employee is checked again for eligibility: the roster may have changed.
func (s *Server) checkTicket(c *echo.Context, e registry.Event, ticket string) (registry.Employee, registry.Channel, error) {
	expired := registry.Errorf(registry.EFORBIDDEN, "Halaman konfirmasi sudah kedaluwarsa. Masukkan NIP dan kode acara lagi; tanda tangan Anda tetap tersimpan di formulir.")
	i := strings.LastIndexByte(ticket, '.')
	if i < 0 {
		return registry.Employee{}, "", expired
	}
	body, mac := ticket[:i], ticket[i+1:]
	if !hmac.Equal([]byte(mac), []byte(base64.RawURLEncoding.EncodeToString(s.mac("ikrar-confirm/v1", body)[:16]))) {
		return registry.Employee{}, "", expired
	}
	f := strings.Split(body, ".")
	if len(f) != 4 {
		return registry.Employee{}, "", expired
	}
	eventID, err1 := strconv.ParseInt(f[0], 10, 64)
	empID, err2 := strconv.ParseInt(f[1], 10, 64)
	exp, err3 := strconv.ParseInt(f[3], 10, 64)
	ch := registry.Channel(f[2])
	if err1 != nil || err2 != nil || err3 != nil || eventID != e.ID || !s.now().Before(time.Unix(exp, 0)) ||
		(ch != registry.ChannelEventCode && ch != registry.ChannelPersonalLink) {
		return registry.Employee{}, "", expired
	}
	emp, err := s.svc.IdentifyID(c.Request().Context(), e, empID)
	return emp, ch, err
}

// The device cookie lists the certificates signed on this device (the
// newest signedMax), signed by the server, so the signer can open them
// again there without a link.
const (
	signedCookie = "ikrar_signed"
	signedMax    = 20
	signedMaxAge = 365 * 24 * 60 * 60
)

// deviceCodes returns the certificate codes this device signed; a cookie
// that is not the server's counts as none.
func (s *Server) deviceCodes(c *echo.Context) []string {
	ck, err := c.Cookie(signedCookie)
	if err != nil {
		return nil
	}
	list, mac, ok := strings.Cut(ck.Value, "~")
	if !ok || list == "" || !hmac.Equal([]byte(mac), []byte(s.deviceMAC(list))) {
		return nil
	}
	return strings.Split(list, ".")
}

func (s *Server) deviceMAC(list string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("ikrar-device/v1", list)[:16])
}

// rememberSigned adds code to the device cookie.
func (s *Server) rememberSigned(c *echo.Context, code string) {
	codes := s.deviceCodes(c)
	if slices.Contains(codes, code) {
		return
	}
	codes = append(codes, code)
	if len(codes) > signedMax {
		codes = codes[len(codes)-signedMax:]
	}
	list := strings.Join(codes, ".")
	c.SetCookie(&http.Cookie{Name: signedCookie, Value: list + "~" + s.deviceMAC(list), Path: "/", MaxAge: signedMaxAge,
		HttpOnly: true, Secure: s.secureCookie(c), SameSite: http.SameSiteLaxMode})
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
