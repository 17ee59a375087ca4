package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/tanggal"
)

// pages holds one template set per page, each with the shared layout.
type pages struct {
	set map[string]*template.Template
}

// parsePages parses templates/layout.html with every other page; start-up
// fails if any template is missing or broken.
func parsePages(fsys fs.FS, funcs template.FuncMap) (*pages, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{set: map[string]*template.Template{}}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", base, err)
		}
		p.set[strings.TrimSuffix(base, ".html")] = t
	}
	for _, required := range slices.Concat(corePages, userPages, opsPages, exportPages) {
		if p.set[required] == nil {
			return nil, fmt.Errorf("template %s.html is missing", required)
		}
	}
	return p, nil
}

// corePages are the pages of the signing, verification and basic admin
// flows; each feature file lists its own.
var corePages = []string{"home", "error", "event", "confirm", "certificate", "verify", "verify_form",
	"login", "admin_home", "org_new", "org", "import_report", "event_new", "admin_event", "admin_certificate"}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (s *Server) render(c echo.Context, status int, page string, data map[string]any) error {
	t := s.pages.set[page]
	if t == nil {
		return fmt.Errorf("render: unknown page %q", page)
	}
	if data == nil {
		data = map[string]any{}
	}
	data["CSRF"] = c.Get("csrf")
	if u, ok := c.Get(userKey).(registry.User); ok {
		data["Me"] = u
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.Execute(buf, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"static": s.staticURL,
		// t translates an Indonesian UI text; the page set of each language
		// binds its own t.
		"t": func(s string) string { return s },
		"date": func(t time.Time, tz string) string {
			if t.IsZero() {
				return "—"
			}
			return tanggal.Date(t.In(registry.LoadLocation(tz)))
		},
		"time": func(t time.Time, tz string) string {
			if t.IsZero() {
				return ""
			}
			return tanggal.Time(t.In(registry.LoadLocation(tz)), registry.ZoneAbbrev(tz))
		},
		"datetime": func(t time.Time, tz string) string {
			if t.IsZero() {
				return "—"
			}
			loc := registry.LoadLocation(tz)
			return tanggal.Date(t.In(loc)) + " " + tanggal.Time(t.In(loc), registry.ZoneAbbrev(tz))
		},
		"inputTime": func(t time.Time, tz string) string {
			if t.IsZero() {
				return ""
			}
			return t.In(registry.LoadLocation(tz)).Format("2006-01-02T15:04")
		},
		"nip":        nip.Format,
		"maskNIP":    nip.Mask,
		"maskName":   maskName,
		"groupCode":  registry.GroupCode,
		"percent":    percent,
		"add":        func(a, b int) int { return a + b },
		"zone":       registry.ZoneAbbrev,
		"categories": func() []registry.Category { return registry.Categories },
	}
}

// percent formats part/total the Indonesian way: "12,5".
func percent(part, total int) string {
	if total == 0 {
		return "0"
	}
	s := fmt.Sprintf("%.1f", 100*float64(part)/float64(total))
	return strings.Replace(strings.TrimSuffix(s, ".0"), ".", ",", 1)
}

// maskName keeps the first letter of each word: "Budi Santoso" → "B*** S***".
// Titles are kept, since they are not identifying on their own.
func maskName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		if strings.HasSuffix(w, ".") || strings.HasSuffix(w, ",") && strings.Contains(w, ".") {
			continue
		}
		r := []rune(w)
		suffix := ""
		if r[len(r)-1] == ',' {
			suffix, r = ",", r[:len(r)-1]
		}
		words[i] = string(r[0]) + "***" + suffix
	}
	return strings.Join(words, " ")
}

// staticFiles serves embedded assets under content-hashed URLs so they can
// be cached for a year.
type staticFiles struct {
	fsys   fs.FS
	hashes map[string]string // path under static/ → short content hash
}

func loadStatic(fsys fs.FS) (*staticFiles, error) {
	st := &staticFiles{fsys: fsys, hashes: map[string]string{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		st.hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return st, err
}

func (s *Server) staticURL(p string) string {
	h, ok := s.static.hashes[p]
	if !ok {
		panic("static file missing: " + p)
	}
	return "/static/" + p + "?v=" + h
}

func (s *Server) serveStatic(c echo.Context) error {
	p := path.Clean(c.Param("*"))
	h, ok := s.static.hashes[p]
	if !ok {
		return echo.ErrNotFound
	}
	b, err := fs.ReadFile(s.static.fsys, "static/"+p)
	if err != nil {
		return echo.ErrNotFound
	}
	hdr := c.Response().Header()
	if c.QueryParam("v") == h {
		hdr.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		hdr.Set(echo.HeaderCacheControl, "public, max-age=300")
	}
	hdr.Set("ETag", `"`+h+`"`)
	if c.Request().Header.Get("If-None-Match") == `"`+h+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	ct := mime.TypeByExtension(path.Ext(p))
	if ct == "" {
		ct = http.DetectContentType(b)
	}
	return c.Blob(http.StatusOK, ct, b)
}
