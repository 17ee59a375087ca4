package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/metrics"
	"github.com/ikrar-id/ikrar/internal/web"
)

// TestRateLimitLogin: password guessing for one account is stopped even
// with the right password; the refusal is counted in the metrics.
func TestRateLimitLogin(t *testing.T) {
	m := metrics.New(metrics.Build{})
	a := newTestApp(t, func(o *web.Options) { o.Metrics = m })
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
	rec := httptest.NewRecorder()
	m.Handler("").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if want := `ikrar_rate_limited_total{limit="login"} 1` + "\n"; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("metrics lack %q:\n%s", want, rec.Body.String())
	}
}
