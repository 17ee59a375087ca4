package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestCSRF: a state-changing form without its token, or from another
// site, is refused and changes nothing.
func TestCSRF(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	a := f.a
	officer := f.officer
	code := a.mustSign(t, f.e, siti).Certificate.Code
	b := a.browser(t)
	b.login(officer)
	certPage := b.get("/admin/certificates/" + code)
	token := b.formFields(certPage, "/admin/certificates/"+code+"/revoke").Get("_csrf")
	revoke := "/admin/certificates/" + code + "/revoke"

	for _, tc := range []struct {
		name   string
		form   url.Values
		header http.Header
	}{
		{"no token", url.Values{"reason": {"Tanpa token CSRF"}}, nil},
		{"wrong token", url.Values{"reason": {"Token CSRF salah"}, "_csrf": {"bukan-token-yang-benar"}}, nil},
		{"cross-site, right token", url.Values{"reason": {"Dari situs lain"}, "_csrf": {token}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	} {
		req := b.formRequest(revoke, tc.form)
		for k, v := range tc.header {
			req.Header[k] = v
		}
		p := b.do(req)
		if p.Status != http.StatusForbidden {
			t.Errorf("revoke with %s: status %d, want 403", tc.name, p.Status)
		}
	}
	var cert certJSON
	a.api(t, "GET", "/api/v1/certificates/"+code, "", nil).decode(t, &cert)
	if cert.Status != "valid" {
		t.Fatalf("certificate is %q after forged revocations", cert.Status)
	}

	// The public forms too: a forged signing records nothing.
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	phone.get(slug)
	p := phone.post(slug+"/sign", url.Values{"nip": {andre.NIP}, "code": {f.e.EventCode}, "typed_name": {"André Siregar"}, "consent": {"1"}})
	wantPage(t, p, http.StatusForbidden, "Formulir kedaluwarsa")
	if n := f.signedCount(t, f.e); n != 1 {
		t.Fatalf("%d signatures after a forged signing, want 1", n)
	}
	// A login form posted from elsewhere does not sign anyone in.
	other := a.browser(t)
	p = other.post("/login", url.Values{"email": {officer.Email}, "password": {testPassword}})
	if p.Status != http.StatusForbidden || other.get("/admin").URL.Path != "/login" {
		t.Fatalf("login without a CSRF token: status %d", p.Status)
	}

	// With its token the same form works.
	p = b.submit(certPage, revoke, url.Values{"reason": {"Ditandatangani oleh orang lain"}})
	wantPage(t, p, http.StatusOK, "DICABUT")

	// Logging out ends the session.
	p = b.submit(p, "/logout", nil)
	if p.URL.Path != "/login" || b.get("/admin").URL.Path != "/login" {
		t.Fatalf("after logging out the officer is at %s", p.URL)
	}
}

// TestSecurityHeaders: every page carries a strict CSP and works under it
// (no inline scripts, styles or handlers); pages with personal data are not
// cached; the session cookie is not readable by scripts.
func TestSecurityHeaders(t *testing.T) {
	f := newSigningFixture(t, siti)
	a := f.a
	officer := f.officer
	slug := strings.TrimPrefix(f.e.URL, a.URL)
	phone := a.browser(t)
	event := phone.get(slug)
	confirm := phone.submit(event, slug, url.Values{"nip": {siti.NIP}, "code": {f.e.EventCode}})
	certificate := phone.submit(confirm, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	code := strings.TrimPrefix(certificate.URL.Path, "/c/")
	admin := a.browser(t)
	admin.login(officer)
	public := a.browser(t)

	pages := map[string]page{
		"home": public.get("/"), "login": public.get("/login"), "verify form": public.get("/v"),
		"verification": public.get("/v/" + code), "unknown certificate": public.get("/v/ZZZZZZZZZZZZ"),
		"not found": public.get("/tidak-ada"), "event": event, "confirm": confirm, "certificate": certificate,
		"admin": admin.get("/admin"), "admin event": admin.get(fmt.Sprintf("/admin/events/%d", f.e.ID)),
		"admin certificate": admin.get("/admin/certificates/" + code), "new event": admin.get("/admin/events/new"),
	}
	inline := regexp.MustCompile(`(?i)<script\b[^>]*>\s*[^<\s]|<style\b|\sstyle="|\son[a-z]+="|javascript:`)
	for name, p := range pages {
		csp := p.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s page: CSP %q", name, csp)
		}
		if p.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s page: no X-Content-Type-Options: nosniff", name)
		}
		if m := inline.FindString(p.Body); m != "" {
			t.Errorf("%s page has inline code the CSP blocks: %q", name, m)
		}
		for _, src := range regexp.MustCompile(`<script\b[^>]*\bsrc="([^"]+)"`).FindAllStringSubmatch(p.Body, -1) {
			if r := public.get(src[1]); r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "javascript") {
				t.Errorf("%s page script %s: status %d, type %s", name, src[1], r.Status, r.Header.Get("Content-Type"))
			}
		}
	}
	for _, name := range []string{"confirm", "certificate", "admin certificate"} {
		if cc := pages[name].Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s page: Cache-Control %q, want no-store", name, cc)
		}
	}
	if !strings.Contains(confirm.Body, "signature_pad") || !strings.Contains(confirm.Body, "sign.js") {
		t.Errorf("the confirm page does not load the signature pad")
	}

	// The session cookie, as the login response sets it.
	req := public.loginRequest(officer)
	noFollow := *public.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "ikrar_session" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Value == "" {
		t.Errorf("login: status %d, session cookie %+v", resp.StatusCode, session)
	}
}

func TestHealthz(t *testing.T) {
	a := newTestApp(t)
	r := a.do(t, "GET", "/healthz", "", "", nil)
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != "ok" {
		t.Fatalf("healthz: %d %q", r.Status, r.Body)
	}
}

// TestStaticFiles: assets are served under their content hash and cached
// for a year; anything else is not.
func TestStaticFiles(t *testing.T) {
	a := newTestApp(t)
	home := a.browser(t).get("/")
	css := find(t, `href="(/static/css/app\.css\?v=[0-9a-f]+)"`, home.Body)
	r := a.do(t, "GET", css, "", "", nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") || len(r.Body) == 0 {
		t.Fatalf("%s: %d %s, %d bytes", css, r.Status, r.Header.Get("Content-Type"), len(r.Body))
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("%s: Cache-Control %q, want a year, immutable", css, cc)
	}
	sum := sha256.Sum256(r.Body)
	if v := css[strings.Index(css, "?v=")+3:]; !strings.HasPrefix(hex.EncodeToString(sum[:]), v) {
		t.Errorf("%s: the version is not the content's hash %x", css, sum)
	}
	// A stale or missing version must not be cached for long: the next
	// deploy would be invisible for a year.
	for _, stale := range []string{"/static/css/app.css", "/static/css/app.css?v=000000000000"} {
		r := a.do(t, "GET", stale, "", "", nil)
		if cc := r.Header.Get("Cache-Control"); r.Status != http.StatusOK || strings.Contains(cc, "immutable") || strings.Contains(cc, "31536000") {
			t.Errorf("%s: %d, Cache-Control %q", stale, r.Status, cc)
		}
	}
	req, err := http.NewRequest("GET", a.URL+css, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("If-None-Match", r.Header.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET of %s: %v %v", css, resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}
	for _, missing := range []string{"/static/css/tidak-ada.css", "/static/../embed.go", "/static/%2e%2e/go.mod", "/static/"} {
		if r := a.do(t, "GET", missing, "", "", nil); r.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", missing, r.Status)
		}
	}
	if r := a.do(t, "GET", "/favicon.ico", "", "", nil); r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "svg") {
		t.Errorf("favicon: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

// TestSessions: officers stay signed in side by side until their session
// ends.
func TestSessions(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	first := a.browser(t)
	first.login(officer)
	second := a.browser(t)
	second.login(a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, deli.ID))
	for name, b := range map[string]*browser{"first": first, "second": second} {
		if p := b.get("/admin"); p.Status != http.StatusOK || p.URL.Path != "/admin" {
			t.Errorf("the %s officer was signed out by another's login: at %s", name, p.URL)
		}
	}
	a.clock.Add(13 * time.Hour)
	if p := first.get("/admin"); p.URL.Path != "/login" {
		t.Errorf("a session 13 hours old still opens %s", p.URL)
	}
}

// TestCSRFWithFetchMetadata: browsers that send Sec-Fetch-Site are
// protected by it: same-origin forms work, cross-site ones do not.
func TestCSRFWithFetchMetadata(t *testing.T) {
	a := newTestApp(t)
	_, u := a.mustOfficer(t)
	b := a.browser(t)
	send := func(site string) page {
		req := b.loginRequest(u)
		req.Header.Set("Sec-Fetch-Site", site)
		return b.do(req)
	}
	if p := send("cross-site"); p.Status != http.StatusForbidden {
		t.Fatalf("cross-site login: status %d", p.Status)
	}
	if p := send("same-origin"); p.Status != http.StatusOK || p.URL.Path != "/admin" {
		t.Fatalf("same-origin login: status %d at %s", p.Status, p.URL)
	}
}
