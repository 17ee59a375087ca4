package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"
)

// shellPath is the verification page without a record: what the service
// worker keeps and shows, offline, for any certificate URL.
const shellPath = "/v/luring"

// shellAssets are the static files the shell loads.
var shellAssets = []string{"css/app.css", "js/verify.js", "img/favicon.svg"}

// serviceWorker builds /sw.js: static/js/sw.js after a line naming what it
// keeps. Its version is a hash of those files and of the shell's
// templates, so a new release changes the script's bytes and browsers
// install the new worker (and drop the old cache) on their next visit.
func (s *Server) serviceWorker() ([]byte, error) {
	src, ok := s.static.files["js/sw.js"]
	if !ok {
		return nil, fmt.Errorf("static file missing: js/sw.js")
	}
	h := sha256.New()
	var urls []string
	for _, p := range shellAssets {
		u, err := s.static.url(p)
		if err != nil {
			return nil, err
		}
		urls = append(urls, u)
		h.Write([]byte(u + "\n"))
	}
	for _, name := range []string{"templates/layout.html", "templates/verify.html"} {
		b, err := fs.ReadFile(s.opt.Templates, name)
		if err != nil {
			return nil, fmt.Errorf("service worker: %w", err)
		}
		h.Write(b)
	}
	list, _ := json.Marshal(urls)
	var b strings.Builder
	fmt.Fprintf(&b, "const VERSION = '%s', SHELL = '%s', ASSETS = %s;\n", hex.EncodeToString(h.Sum(nil)[:6]), shellPath, list)
	b.Write(src.body)
	return []byte(b.String()), nil
}

// serveServiceWorker serves /sw.js. Browsers check it for updates at each
// visit; no-cache makes each check reach the server (a 304 if unchanged).
func (s *Server) serveServiceWorker(c *echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("ETag", s.sw.etag)
	if c.Request().Header.Get("If-None-Match") == s.sw.etag {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", s.sw.body)
}

// offlineShell is the verification page with no record: opened from the
// service worker's cache, its script checks the QR claim in the address.
func (s *Server) offlineShell(c *echo.Context) error {
	return s.render(c, http.StatusOK, "verify", map[string]any{"Title": "Pemeriksaan sertifikat tanpa jaringan", "Shell": true})
}
