package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// pages holds, for each language, one template set per page, each with the
// shared layout. Every page is parsed once per language, each set binding
// that language's t, date and number functions.
type pages struct {
	set map[i18n.Lang]map[string]*template.Template
}

// parsePages parses templates/layout.html with every other page, once per
// language, and folds that language's constant calls (foldConstants);
// start-up fails if any template is missing or broken.
func parsePages(fsys fs.FS, funcs func(i18n.Lang) template.FuncMap, consts func(i18n.Lang) constFuncs) (*pages, error) {
	names, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{set: map[i18n.Lang]map[string]*template.Template{}}
	for _, l := range i18n.Langs {
		set := map[string]*template.Template{}
		for _, name := range names {
			base := path.Base(name)
			if base == "layout.html" {
				continue
			}
			t, err := template.New("layout.html").Funcs(funcs(l)).ParseFS(fsys, "templates/layout.html", name)
			if err != nil {
				return nil, fmt.Errorf("parse template %s: %w", base, err)
			}
			if err := foldConstants(t, consts(l)); err != nil {
				return nil, fmt.Errorf("parse template %s: %w", base, err)
			}
			set[strings.TrimSuffix(base, ".html")] = t
		}
		p.set[l] = set
	}
	for _, required := range requiredPages {
		if p.set[i18n.Default][required] == nil {
			return nil, fmt.Errorf("template %s.html is missing", required)
		}
	}
	return p, nil
}

// requiredPages are the templates start-up insists on: one per page a
// handler renders.
var requiredPages = []string{"home", "error", "event", "confirm", "signed", "certificate", "verify", "verify_form",
	"login", "admin_home", "org_new", "org", "import_report", "event_new", "admin_event", "admin_certificate", "admin_confirm",
	"users", "user_new", "user_edit", "user_secret", "user_account", "user_tokens", "audit",
	"dashboard", "projector", "paper",
	"exports", "followup", "participants_upload", "berita_acara_form", "pledges", "pledge_new"}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page, in the request's language, into a buffer first,
// so a template error never sends half a page.
func (s *Server) render(c *echo.Context, status int, page string, data map[string]any) error {
	l := s.lang(c)
	t := s.pages.set[l][page]
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
	data["Lang"], data["LangURL"] = string(l), langURLs(c, status)
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.Execute(buf, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return sendBody(c, status, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// constFuncs are the template functions foldConstants resolves when their
// argument is a literal: they depend only on it and on the language.
func (st *staticFiles) constFuncs(l i18n.Lang) constFuncs {
	return constFuncs{
		"t":      func(v string) (string, error) { return translate(l, v), nil },
		"static": st.url,
	}
}

// funcs returns the template functions of language l.
func (st *staticFiles) funcs(l i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"static": st.mustURL,
		// t translates an Indonesian text — a template's literal, a label,
		// a message — or an error or i18n.Message handed to the page.
		"t": func(v any) string { return translate(l, v) },
		"date": func(t time.Time, tz string) string {
			if t.IsZero() {
				return "—"
			}
			return l.Date(t.In(registry.LoadLocation(tz)))
		},
		"time": func(t time.Time, tz string) string {
			if t.IsZero() {
				return ""
			}
			return l.Time(t.In(registry.LoadLocation(tz)), registry.ZoneAbbrev(tz))
		},
		"datetime": func(t time.Time, tz string) string {
			if t.IsZero() {
				return "—"
			}
			return l.DateTime(t.In(registry.LoadLocation(tz)), registry.ZoneAbbrev(tz))
		},
		"inputTime": func(t time.Time, tz string) string {
			if t.IsZero() {
				return ""
			}
			return t.In(registry.LoadLocation(tz)).Format("2006-01-02T15:04")
		},
		"num": func(n any) (string, error) {
			i, err := toInt64(n)
			return l.Int(i), err
		},
		"nip":        nip.Format,
		"maskNIP":    nip.Mask,
		"maskName":   maskName,
		"groupCode":  registry.GroupCode,
		"percent":    func(part, total int) string { return percent(l, part, total) },
		"add":        func(a, b int) int { return a + b },
		"zone":       registry.ZoneAbbrev,
		"categories": func() []registry.Category { return registry.Categories },
		// complaints are the official channels for reporting a
		// neutrality violation (issue 14 item 14).
		"complaints": func() []registry.ComplaintChannel { return registry.ComplaintChannels },
		"auditLabel": func(action string) string { return auditLabel(l, action) },
	}
}

// toInt64 accepts the integer types pages count with.
func toInt64(n any) (int64, error) {
	switch n := n.(type) {
	case int:
		return int64(n), nil
	case int64:
		return n, nil
	case int32:
		return int64(n), nil
	case uint:
		return int64(n), nil
	case uint64:
		return int64(n), nil
	case uint32:
		return int64(n), nil
	}
	return 0, fmt.Errorf("num: %T is not an integer", n)
}

// percent formats part/total in l with one decimal: "12,5" or "12.5".
func percent(l i18n.Lang, part, total int) string {
	if total == 0 {
		return "0"
	}
	return l.Decimal(100 * float64(part) / float64(total))
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
// be cached for a year; text assets are compressed once, at start.
type staticFiles struct {
	files map[string]staticFile // by path under static/
}

type staticFile struct {
	hash  string // short content hash, the cache-busting version
	ctype string
	body  []byte
	gz    []byte // gzip of body, when that is smaller
}

func loadStatic(fsys fs.FS) (*staticFiles, error) {
	st := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		f := staticFile{hash: hex.EncodeToString(sum[:6]), ctype: mime.TypeByExtension(path.Ext(p)), body: b}
		if f.ctype == "" {
			f.ctype = http.DetectContentType(b)
		}
		if len(b) >= minGzip && !strings.HasPrefix(f.ctype, "image/png") {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(b)
			zw.Close()
			if buf.Len() < len(b) {
				f.gz = buf.Bytes()
			}
		}
		st.files[strings.TrimPrefix(p, "static/")] = f
		return nil
	})
	return st, err
}

func (s *Server) staticURL(p string) string { return s.static.mustURL(p) }

func (st *staticFiles) mustURL(p string) string {
	u, err := st.url(p)
	if err != nil {
		panic(err)
	}
	return u
}

// url is the content-hashed URL of a static file.
func (st *staticFiles) url(p string) (string, error) {
	f, ok := st.files[p]
	if !ok {
		return "", fmt.Errorf("static file missing: %s", p)
	}
	return "/static/" + p + "?v=" + f.hash, nil
}

// assets are the parsed templates and the static files of one pair of
// file systems. Both are immutable once loaded, so servers built from the
// same embedded files (the test suites build hundreds) share one copy
// instead of parsing every template and compressing every asset again.
type assets struct {
	pages  *pages
	static *staticFiles
}

type assetKey struct{ templates, static fs.FS }

var (
	assetsMu    sync.Mutex
	assetsCache = map[assetKey]*assets{}
)

// loadAssets parses the templates and loads the static files, once per
// pair of comparable file systems (an embed.FS or os.DirFS; a map-backed
// one such as fstest.MapFS is loaded every time).
func loadAssets(templates, static fs.FS) (*assets, error) {
	key := assetKey{templates, static}
	cacheable := reflect.TypeOf(templates).Comparable() && reflect.TypeOf(static).Comparable()
	if cacheable {
		assetsMu.Lock()
		defer assetsMu.Unlock()
		if a, ok := assetsCache[key]; ok {
			return a, nil
		}
	}
	st, err := loadStatic(static)
	if err != nil {
		return nil, err
	}
	p, err := parsePages(templates, st.funcs, st.constFuncs)
	if err != nil {
		return nil, err
	}
	a := &assets{pages: p, static: st}
	if cacheable {
		assetsCache[key] = a
	}
	return a, nil
}

func (s *Server) serveStatic(c *echo.Context) error {
	f, ok := s.static.files[path.Clean(c.Param("*"))]
	if !ok {
		return echo.ErrNotFound
	}
	hdr := c.Response().Header()
	if c.QueryParam("v") == f.hash {
		hdr.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		hdr.Set(echo.HeaderCacheControl, "public, max-age=300")
	}
	hdr.Set("ETag", `"`+f.hash+`"`)
	hdr.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if c.Request().Header.Get("If-None-Match") == `"`+f.hash+`"` {
		return c.NoContent(http.StatusNotModified)
	}
	if f.gz != nil && acceptsGzip(c.Request()) {
		hdr.Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(http.StatusOK, f.ctype, f.gz)
	}
	return c.Blob(http.StatusOK, f.ctype, f.body)
}
