package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestUploadLimitsPerRoute: each upload route refuses, from its own
// officer, a body declared larger than the route takes, before reading a
// byte of it, and says how large a file may be; a route that takes no
// upload refuses more than 1 MB whatever a GET of the same path allows.
func TestUploadLimitsPerRoute(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	event := a.mustEvent(t, token, deli.ID, eventTitle, nil)
	a.mustOpen(t, token, event.ID)
	b := a.browser(t)
	b.login(officer)
	csrf := b.csrf(b.get("/admin"))
	page := func(req *http.Request) { b.withSession(req, csrf) }
	bearer := func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+token) }

	const mb = 1 << 20
	for _, tc := range []struct {
		name string
		path string
		as   func(*http.Request)
		size int64
		want string
	}{
		{"roster page", fmt.Sprintf("/admin/orgs/%d/import", deli.ID), page, 50 * mb, "Berkas terlalu besar: paling besar 48 MB."},
		{"roster API", fmt.Sprintf("/api/v1/organizations/%d/employees/import", deli.ID), bearer, 50 * mb, "Berkas terlalu besar: paling besar 48 MB."},
		{"participant list", fmt.Sprintf("/admin/events/%d/participants/import", event.ID), page, 50 * mb, "Berkas terlalu besar: paling besar 48 MB."},
		{"signed Berita Acara", fmt.Sprintf("/admin/events/%d/berita-acara/signed", event.ID), page, 22 * mb, "Berkas terlalu besar: paling besar 20 MB."},
		{"paper page", fmt.Sprintf("/admin/events/%d/paper/upload", event.ID), page, 11 * mb, "Berkas pindaian terlalu besar (paling besar 10 MB)."},
		{"paper API", fmt.Sprintf("/api/v1/events/%d/paper-signatures", event.ID), bearer, 11 * mb, "Berkas pindaian terlalu besar (paling besar 10 MB)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, read := hugeUpload(tc.path, tc.size)
			tc.as(req)
			r := a.serve(req)
			if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), tc.want) {
				t.Errorf("status %d, want 413 saying %q: %.300s", r.Status, tc.want, r.Body)
			}
			if strings.HasPrefix(tc.path, "/api/") && !strings.Contains(string(r.Body), `"code":"`+registry.ETOOLARGE+`"`) {
				t.Errorf("API refusal without its code: %.300s", r.Body)
			}
			if n := read.Load(); n != 0 {
				t.Errorf("the server read %d bytes of a body declared too large", n)
			}
		})
	}

	// Within the roster's bound but over the scan's: the scan route
	// keeps its own.
	req, read := hugeUpload(fmt.Sprintf("/admin/events/%d/paper/upload", event.ID), 12*mb)
	page(req)
	if r := a.serve(req); r.Status != http.StatusRequestEntityTooLarge || read.Load() != 0 {
		t.Errorf("12 MB scan: status %d, %d bytes read", r.Status, read.Load())
	}
	// The logo is an ordinary form: 2 MB is refused at the 1 MB bound.
	req, read = hugeUpload(fmt.Sprintf("/admin/orgs/%d/logo", deli.ID), 2*mb)
	page(req)
	if r := a.serve(req); r.Status != http.StatusRequestEntityTooLarge || read.Load() != 0 {
		t.Errorf("2 MB logo: status %d, %d bytes read", r.Status, read.Load())
	}
}
