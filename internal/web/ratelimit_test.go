package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// TestRateLimitLogin: password guessing for one account is stopped even
// with the right password.
func TestRateLimitLogin(t *testing.T) {
	a := newTestApp(t)
	_, u := a.mustOfficer(t)
	b := a.browser(t)
	p := b.get("/login")
	for i := range 10 {
		p = b.submit(p, "/login", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("tebakan-%d", i)}})
		wantPage(t, p, http.StatusUnauthorized, "Email atau kata sandi salah")
	}
	p = b.submit(p, "/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	wantPage(t, p, http.StatusTooManyRequests, "Terlalu banyak percobaan")
	if p := b.get("/admin"); p.URL.Path != "/login" {
		t.Fatalf("a blocked login still signed in: at %s", p.URL)
	}
}
