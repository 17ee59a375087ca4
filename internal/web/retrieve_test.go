package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCertificateOnlyToOwner: knowing someone's NIP and the event code
// yields neither their certificate, its PDF, their drawn signature nor
// their full NIP — on the pages or through the API. The signer gets it
// back on the device they signed on and through their personal link.
func TestCertificateOnlyToOwner(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.grouped()}, "code": {f.e.EventCode}})
	p = phone.submit(p, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")
	code := strings.TrimPrefix(p.URL.Path, "/c/")
	key := p.URL.Query().Get("k")
	if key == "" {
		t.Fatalf("the signer's certificate page %s has no download key", p.URL)
	}

	// Someone else with her NIP and the code.
	nosy := a.browser(t)
	p = nosy.submit(nosy.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusOK, "Anda sudah menandatangani ikrar ini", siti.masked(), "Dr. S*** A*** L***, M.Si.",
		"tautan pribadi", "BKPSDM")
	// Identification redirects to the confirm address, which says so there.
	if p.URL.Path != slug+"/konfirmasi" {
		t.Fatalf("NIP and code of a signer lead to %s", p.URL)
	}
	secret := []string{code, "?k=", key, "sertifikat.pdf", "data:image", siti.NIP, siti.grouped(), siti.fullName(), "Aminah"}
	wantAbsent(t, "the answer to someone else's NIP and code", p.Body, secret...)
	// Posting the signing form directly with her NIP and the code, too.
	p = nosy.post(slug+"/sign", url.Values{"_csrf": {nosy.formFields(nosy.get(slug), slug).Get("_csrf")}, "nip": {siti.NIP},
		"code": {f.e.EventCode}, "signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Anda sudah menandatangani ikrar ini")
	wantAbsent(t, "a direct signing with someone else's NIP and code", p.URL.String()+p.Body, secret...)
	// A key one character off (never the real key itself, whatever its
	// last character).
	wrong := key[:len(key)-1] + map[bool]string{true: "y", false: "x"}[strings.HasSuffix(key, "x")]
	for _, path := range []string{"/c/" + code, "/c/" + code + "/sertifikat.pdf", "/c/" + code + "?k=" + wrong} {
		if p := nosy.get(path); p.Status != http.StatusNotFound {
			t.Errorf("%s without the key: status %d, want 404", path, p.Status)
		}
	}
	// The API, with or without a signature to submit.
	for _, body := range []map[string]any{
		{"nip": siti.NIP, "event_code": f.e.EventCode},
		{"nip": siti.grouped(), "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())},
	} {
		r := a.sign(t, f.e, body)
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"already_signed":true`) {
			t.Fatalf("the API to someone else's NIP and code: %d %s", r.Status, r.Body)
		}
		wantAbsent(t, "the API's answer to someone else's NIP and code", string(r.Body), secret...)
	}
	// A forged device cookie: made up, or the real one with its list changed.
	u, _ := url.Parse(a.URL)
	var real *http.Cookie
	for _, c := range phone.c.Jar.Cookies(u) {
		if c.Name == "ikrar_signed" {
			real = c
		}
	}
	if real == nil || !strings.Contains(real.Value, code) {
		t.Fatalf("the signing phone has no device cookie listing %s", code)
	}
	_, mac, _ := strings.Cut(real.Value, "~")
	for _, v := range []string{code, code + "~" + mac + "x", code + "." + code + "~" + mac, code + "~"} {
		forger := a.browser(t)
		forger.c.Jar.SetCookies(u, []*http.Cookie{{Name: "ikrar_signed", Value: v, Path: "/"}})
		if p := forger.get("/c/" + code + "/sertifikat.pdf"); p.Status != http.StatusNotFound {
			t.Errorf("a forged device cookie %q opens the PDF: status %d", v, p.Status)
		}
		p := forger.submit(forger.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
		wantAbsent(t, "identifying with a forged device cookie", p.URL.String()+p.Body, secret...)
	}

	// The signing phone: back to the event, NIP and code, the certificate.
	p = phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	if p.URL.Path != "/c/"+code {
		t.Fatalf("the signing phone identifying again lands on %s", p.URL)
	}
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat", siti.fullName())
	wantPDF(t, phone.get("/c/"+code+"/sertifikat.pdf"))

	// Her personal link, on a new phone.
	other := a.browser(t)
	p = other.get(f.e.URL + "/p/" + personalToken(t, a, f.e, siti))
	if p.URL.Path != "/c/"+code {
		t.Fatalf("the personal link of a signer lands on %s", p.URL)
	}
	wantPDF(t, other.get(find(t, `href="([^"]*/sertifikat\.pdf[^"]*)"`, p.Body)))
	wantPDF(t, other.get("/c/"+code+"/sertifikat.pdf")) // and that phone now remembers it
}

// TestDeviceCookie: the cookie that remembers a device's certificates is
// not readable by scripts and not sent cross-site.
func TestDeviceCookie(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	confirm := phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	form := phone.formFields(confirm, slug+"/sign")
	form.Set("signature_strokes", strokesJSON())
	form.Set("consent", "1")
	noFollow := &http.Client{Jar: phone.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(phone.formRequest(slug+"/sign", form))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var got *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "ikrar_signed" {
			got = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || got == nil {
		t.Fatalf("signing: status %d, device cookie %v", resp.StatusCode, got)
	}
	if !got.HttpOnly || got.SameSite != http.SameSiteLaxMode || got.Path != "/" || got.MaxAge <= 0 {
		t.Errorf("device cookie %+v, want HttpOnly, SameSite=Lax, Path=/, lasting", got)
	}
}

// TestPublicAPIRequiresJSON: a cross-site form (text/plain or urlencoded)
// posted to the public signing endpoint is refused before anything is read.
func TestPublicAPIRequiresJSON(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	body, _ := json.Marshal(f.drawn(siti.NIP))
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		a.do(t, "POST", path, "", ct, body).wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
	}
	if n := f.signedCount(t, f.e); n != 0 {
		t.Fatalf("%d signatures after cross-site posts, want 0", n)
	}
	if r := a.do(t, "POST", path, "", "application/json; charset=utf-8", body); r.Status != http.StatusCreated {
		t.Fatalf("JSON with a charset: %d %s", r.Status, r.Body)
	}
}

// TestTypedNameMustBeOwn: the typed-name signature is the signer's own
// name, written with or without titles; another name is refused and the
// form keeps what was entered.
func TestTypedNameMustBeOwn(t *testing.T) {
	f := newSigningFixture(t, siti, andre, fitri)
	a := f.a
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	confirm := phone.submit(phone.get(slug), slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	p := phone.submit(confirm, slug+"/sign", url.Values{"use_typed": {"1"}, "typed_name": {"Budi Santoso"}, "consent": {"1"}})
	wantPage(t, p, http.StatusBadRequest, "Apakah ini Anda?", "bukan nama Anda pada data kepegawaian", `value="Budi Santoso"`, `name="use_typed" value="1" checked`)
	p = phone.submit(p, slug+"/sign", url.Values{"use_typed": {"1"}, "typed_name": {"dr. SITI aminah  lubis"}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")

	// The API alike.
	a.sign(t, f.e, map[string]any{"nip": andre.NIP, "event_code": f.e.EventCode, "consent": true, "typed_name": "Sri Wahyuni"}).
		wantError(t, http.StatusBadRequest, "invalid_signature_image")
	for _, p := range []struct {
		who   person
		typed string
	}{{andre, "Andre Siregar, S.H."}, {fitri, "FITRI HANDAYANI"}} {
		if r := a.sign(t, f.e, map[string]any{"nip": p.who.NIP, "event_code": f.e.EventCode, "consent": true, "typed_name": p.typed}); r.Status != http.StatusCreated {
			t.Errorf("%q typed by %s: %d %s", p.typed, p.who.Name, r.Status, r.Body)
		}
	}
}

// TestLanguageLinksStayLocal: the language switch links to this site's
// path whatever the request path, so "//evil.example/x" is no redirect.
func TestLanguageLinksStayLocal(t *testing.T) {
	a := newTestApp(t)
	b := a.browser(t)
	for _, path := range []string{"//evil.example/x", "///evil.example/x", "/%5Cevil.example/x", "/%5C%5Cevil.example/x"} {
		p := b.get(a.URL + path)
		wantPage(t, p, http.StatusNotFound, `href="/evil.example/x?lang=en"`)
		wantAbsent(t, "the 404 page of "+path, p.Body, `href="//`, `href="/\`, `href="\`)
	}
}
