package web_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ikrar-id/ikrar/internal/web"
)

// TestSchemeThroughTrustedProxies: behind a TLS-terminating proxy the
// service sees plain http, so HSTS and the Secure cookie flag follow the
// X-Forwarded-Proto of a trusted proxy, and never that of anyone else.
func TestSchemeThroughTrustedProxies(t *testing.T) {
	_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
	behind := newTestApp(t, func(o *web.Options) { o.TrustedProxies = []*net.IPNet{proxies} })
	direct := newTestApp(t)
	for _, tc := range []struct {
		name   string
		a      *testApp
		remote string
		proto  string
		https  bool
	}{
		{"trusted proxy says https", behind, "10.1.2.3:40000", "https", true},
		{"trusted proxy says HTTPS, listed", behind, "10.1.2.3:40000", "HTTPS, http", true},
		{"trusted proxy says http", behind, "10.1.2.3:40000", "http", false},
		{"trusted proxy sends nothing", behind, "10.1.2.3:40000", "", false},
		{"untrusted client claims https", behind, "203.0.113.9:40000", "https", false},
		{"no proxies trusted, loopback claims https", direct, "127.0.0.1:40000", "https", false},
		{"no proxies trusted, private address claims https", direct, "10.1.2.3:40000", "https", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/login?lang=en", "/api/v1/log/key"} {
				req := httptest.NewRequest("GET", path, nil)
				req.RemoteAddr = tc.remote
				if tc.proto != "" {
					req.Header.Set("X-Forwarded-Proto", tc.proto)
				}
				w := httptest.NewRecorder()
				tc.a.h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					t.Fatalf("GET %s: %d", path, w.Code)
				}
				hsts := w.Header().Get("Strict-Transport-Security")
				if tc.https && hsts != "max-age=31536000" {
					t.Errorf("GET %s: Strict-Transport-Security %q, want max-age=31536000", path, hsts)
				}
				if !tc.https && hsts != "" {
					t.Errorf("GET %s: Strict-Transport-Security %q on a plain-http request", path, hsts)
				}
				cookies := w.Result().Cookies()
				if path == "/login?lang=en" && len(cookies) < 2 {
					t.Fatalf("GET %s set %d cookies, want the language and CSRF cookies", path, len(cookies))
				}
				for _, ck := range cookies {
					if ck.Secure != tc.https {
						t.Errorf("GET %s: cookie %s Secure=%v, want %v", path, ck.Name, ck.Secure, tc.https)
					}
				}
			}
		})
	}
}

// TestSecureCookiesAlwaysWithHTTPSBaseURL: an https base URL keeps every
// cookie Secure even on a request that came in over plain http (a health
// check on the loopback), as before.
func TestSecureCookiesAlwaysWithHTTPSBaseURL(t *testing.T) {
	a := newTestApp(t, func(o *web.Options) { o.SecureCookies = true })
	req := httptest.NewRequest("GET", "/login?lang=en", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	if len(w.Result().Cookies()) < 2 {
		t.Fatalf("set %d cookies, want the language and CSRF cookies", len(w.Result().Cookies()))
	}
	for _, ck := range w.Result().Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s is not Secure under an https base URL", ck.Name)
		}
	}
	if h := w.Header().Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS %q on a plain-http request", h)
	}
}
