package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestRouterNotFoundAndMethodNotAllowed: what the router itself refuses,
// an unknown path or a wrong method on a known route, answers 404 or 405
// with the page or the API error a client expects, never 500. Since echo
// v5 the router's errors are not *echo.HTTPError, and an error handler
// that asserted that type answered every one of them 500.
func TestRouterNotFoundAndMethodNotAllowed(t *testing.T) {
	a := newTestApp(t)
	b := a.browser(t)

	for _, path := range []string{"/tidak-ada", "/admin-tidak-ada/x", "/static/tidak-ada.css"} {
		p := b.get(path)
		wantPage(t, p, http.StatusNotFound, "Halaman tidak ditemukan.")
		if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want an HTML page", path, ct)
		}
		if p.Header.Get("X-Request-ID") == "" {
			t.Errorf("GET %s: no X-Request-ID to quote", path)
		}
	}

	for _, path := range []string{"/api/v2/events", "/api/v1/certificates", "/api/v1/log/tidak-ada", "/api/v1/organizations/1/tidak-ada"} {
		r := a.api(t, "GET", path, "", nil)
		r.wantError(t, http.StatusNotFound, "not_found")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("GET %s: Content-Type %q, want JSON", path, ct)
		}
	}

	for _, tc := range []struct {
		method, path string
		api          bool
	}{
		{"DELETE", "/api/v1/log/checkpoint", true},
		{"PUT", "/api/v1/certificates/ABCD-EFGH", true},
		{"POST", "/livez", false},
		{"DELETE", "/v", false},
	} {
		r := a.do(t, tc.method, tc.path, "", "", nil)
		if r.Status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: status %d, want 405; body %s", tc.method, tc.path, r.Status, r.Body)
			continue
		}
		if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") {
			t.Errorf("%s %s: Allow %q, want it to name GET", tc.method, tc.path, allow)
		}
		if tc.api {
			r.wantError(t, http.StatusMethodNotAllowed, "method_not_allowed")
		} else if !strings.Contains(string(r.Body), "Metode tidak diizinkan.") {
			t.Errorf("%s %s: page does not say the method is not allowed:\n%s", tc.method, tc.path, r.Body)
		}
	}
}
