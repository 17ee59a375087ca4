package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// The service worker is served from the root, so that its scope is the
// whole site, as JavaScript, revalidated at every visit; what it keeps for
// offline use exists.
func TestServiceWorker(t *testing.T) {
	a := newTestApp(t)
	b := a.browser(t)
	sw := b.get("/sw.js")
	if sw.Status != http.StatusOK {
		t.Fatalf("/sw.js: status %d", sw.Status)
	}
	if ct := sw.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("/sw.js Content-Type %q, want JavaScript (a browser refuses to register anything else)", ct)
	}
	if cc := sw.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("/sw.js Cache-Control %q, want no-cache so that a new release reaches the browser at its next visit", cc)
	}
	m := regexp.MustCompile(`^const VERSION = '[0-9a-f]{12}', SHELL = '(/v/luring)', ASSETS = \[("[^"]+"(?:,"[^"]+")*)\];\n`).FindStringSubmatch(sw.Body)
	if m == nil {
		t.Fatalf("/sw.js does not start by naming what it keeps:\n%.300s", sw.Body)
	}
	for _, u := range append([]string{m[1]}, strings.Split(strings.ReplaceAll(m[2], `"`, ""), ",")...) {
		if p := b.get(u); p.Status != http.StatusOK {
			t.Errorf("the service worker keeps %s, which answers %d", u, p.Status)
		}
	}
	if !strings.Contains(sw.Body, "verify.js?v=") {
		t.Errorf("the service worker does not keep the checking script: %.300s", sw.Body)
	}

	req, _ := http.NewRequest("GET", a.URL+"/sw.js", nil)
	req.Header.Set("If-None-Match", sw.Header.Get("ETag"))
	if again := b.do(req); again.Status != http.StatusNotModified {
		t.Errorf("/sw.js revalidated with its ETag: status %d, want 304", again.Status)
	}
}

// The offline shell is the verification page without a record: the
// browser's check and nothing the server vouches for.
func TestOfflineShell(t *testing.T) {
	b := newTestApp(t).browser(t)
	p := b.get("/v/luring")
	wantPage(t, p, http.StatusOK, `id="browser-check"`, "data-shell", "Pemeriksaan sertifikat tanpa jaringan", "/static/js/verify.js?v=")
	wantAbsent(t, "the offline shell", p.Body, bannerValid, "DICABUT</strong>", "TIDAK DITEMUKAN</strong>")

	// A certificate page carries the check too, for its own code.
	p = b.get("/v/ZZZZZZZZZZZZ")
	wantPage(t, p, http.StatusNotFound, `id="browser-check"`, `data-code="ZZZZZZZZZZZZ"`)
	wantAbsent(t, "a certificate page", p.Body, "data-shell")
}
