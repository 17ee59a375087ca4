package web_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/web"
)

// untranslated are frequent words of ikrar's Indonesian interface; none may
// be left on a page shown in English, outside what users entered.
var untranslated = regexp.MustCompile(`(?i)\b(masuk|keluar|periksa|acara|tanda tangan|kembali|simpan|peserta|sudah|belum|` +
	`unduh|sertifikat|berkas|nama|jabatan|waktu|pegawai|organisasi|halaman|cabut|dicabut|hapus|tautan|kode|` +
	`pengguna|peran|kata sandi|tindakan|yang|dan|tidak|untuk|dengan|atau|pada|anda|silakan|baru|semua|cari|` +
	`pukul|rabu|oktober)\b`)

// i18nPeople are the roster of the language tests; their names and units
// hold none of the words above, so that any such word on a page is the
// interface's own.
var i18nPeople = []person{
	{NIP: "198609262015052001", Name: "Siti Aminah Lubis", Position: "Analis Kebijakan", Unit: "Bagian Hukum", Category: "PNS"},
	{NIP: "199001152019031002", Name: "Rudi Siregar", Position: "Analis Hukum", Unit: "Bagian Hukum", Category: "PNS"},
	{NIP: "199203042020122001", Name: "Fitri Handayani", Position: "Perawat", Unit: "Puskesmas Lubuk Pakam", Category: "PPPK"},
	{NIP: "198512312010011004", Name: "Made Wirawan", Position: "Pranata Komputer", Unit: "Bagian Hukum", Category: "PNS"},
}

// i18nSite is a registry with one of everything, for walking every page.
type i18nSite struct {
	app      *testApp
	admin    *browser
	userData []string // texts users entered, which stay as entered
	params   map[string]string
	ids      map[string]string // the :id of each admin path prefix
	query    map[string]string // the query a route needs
}

func newI18nSite(t *testing.T) *i18nSite {
	t.Helper()
	a := newTestApp(t)
	super := a.mustSuperadmin(t)
	token := a.mustToken(t, super)
	org := a.mustOrg(t, "Kabupaten Deli Serdang", registry.OrgRegency, "12.07")
	officer := a.mustUser(t, "bkpsdm@deliserdang.test", registry.RoleAdmin, org.ID)
	a.mustImport(t, token, org.ID, rosterCSV(i18nPeople...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN 2024", nil)
	a.mustOpen(t, token, e.ID)
	signed := a.mustSign(t, e, i18nPeople[0])
	revoked := a.mustSign(t, e, i18nPeople[1])
	const reason = "Revoked in a test"
	if r := a.api(t, "POST", "/api/v1/certificates/"+revoked.Certificate.Code+"/revoke", token, map[string]any{"reason": reason}); r.Status != http.StatusOK {
		t.Fatalf("revoke: status %d: %s", r.Status, r.Body)
	}

	// A signature on paper, for its scan's download.
	ct, body := paperBody(t, map[string]string{"nip": i18nPeople[3].NIP, "witness_name": "Rina Marpaung"}, "pakta.png", scanPNG(t))
	r := a.do(t, "POST", fmt.Sprintf("/api/v1/events/%d/paper-signatures", e.ID), token, ct, body)
	var paper paperJSON
	r.decode(t, &paper)
	if r.Status != http.StatusCreated {
		t.Fatalf("paper signature: %d %s", r.Status, r.Body)
	}

	admin := a.browser(t)
	admin.login(super)
	// A roster import from the page, for the import's own page.
	orgPath := fmt.Sprintf("/admin/orgs/%d", org.ID)
	imp := admin.upload(admin.get(orgPath), orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(rosterCSV(i18nPeople...)))
	if !strings.HasPrefix(imp.URL.Path, "/admin/imports/") {
		t.Fatalf("the roster upload ended at %s (%d)", imp.URL, imp.Status)
	}
	// A letterhead logo, for the route that shows it.
	if logo := admin.upload(admin.get(orgPath), orgPath+"/logo", nil, "logo", "logo.png", "image/png", logoPNG(t, 64, 64)); logo.Status != http.StatusOK {
		t.Fatalf("logo upload: status %d", logo.Status)
	}
	p := admin.get(fmt.Sprintf("/admin/events/%d", e.ID))
	personal := find(t, `href="[^"]*/e/[^/"]+/p/([^"]+)"`, p.Body)
	// A witness and a kept Berita Acara, for their sections and the
	// document's download.
	eventPath := fmt.Sprintf("/admin/events/%d", e.ID)
	admin.submit(p, eventPath+"/witnesses", url.Values{"name": {"Rina Marpaung"}, "position": {"Ketua"}, "institution": {"Bawaslu"}})
	ba := admin.get(eventPath + "/berita-acara.pdf?date=2024-10-23")
	p = admin.upload(admin.get(eventPath), eventPath+"/berita-acara/signed", nil, "file", "ba.pdf", "application/pdf", []byte(ba.Body))
	doc := find(t, `/documents/(\d+)"`, p.Body)
	pdf, err := url.Parse(signed.Certificate.PDFURL)
	if err != nil {
		t.Fatal(err)
	}
	qr := a.qrOf(t, signed.Certificate.Code)
	alias := find(t, `<p class="projector-link">[^<]*/a/([0-9A-Z]+)</p>`, admin.get(fmt.Sprintf("/admin/events/%d/projector", e.ID)).Body)
	phone := a.browser(t)
	slug := strings.TrimPrefix(e.URL, a.URL)
	confirm := phone.submit(phone.get(slug), slug, url.Values{"nip": {i18nPeople[2].NIP}, "code": {e.EventCode}})
	s := &i18nSite{app: a, admin: admin,
		userData: []string{org.Name, e.URL, "Deklarasi Netralitas ASN 2024", "Aula Kantor Bupati", "Drs. H. Ahmad Fauzi, M.Si.", "Sekretaris Daerah",
			registry.DefaultPledge().Title, reason, super.Name, officer.Name, "pegawai.csv", "Rina Marpaung"},
		params: map[string]string{"slug": e.URL[strings.LastIndex(e.URL, "/")+1:], "token": personal, "code": signed.Certificate.Code,
			"claim": qr[strings.LastIndex(qr, "/")+1:], "job": imp.URL.Path[len("/admin/imports/"):], "alias": alias,
			"paper": paper.Certificate.Code, "doc": doc},
		ids: map[string]string{"/admin/orgs/": fmt.Sprint(org.ID), "/admin/events/": fmt.Sprint(e.ID),
			"/admin/users/": fmt.Sprint(officer.ID), "/admin/pledges/": "1"},
		query: map[string]string{"/c/:code": "k=" + pdf.Query().Get("k"), "/c/:code/sertifikat.pdf": "k=" + pdf.Query().Get("k"),
			"/c/:code/data": "k=" + pdf.Query().Get("k"), "/c/:code/data.json": "k=" + pdf.Query().Get("k"),
			"/admin/events/:id/berita-acara.pdf": "date=2024-10-23&name=Drs.+H.+Ahmad+Fauzi&position=Sekretaris+Daerah",
			"/e/:slug/konfirmasi":                confirm.URL.RawQuery},
	}
	for _, p := range i18nPeople {
		s.userData = append(s.userData, p.Name, p.Position, p.Unit)
	}
	return s
}

// pagePaths returns every GET route of the app with its parameters filled
// in, so that pages added later are walked too.
func (s *i18nSite) pagePaths(t *testing.T) []string {
	t.Helper()
	e, ok := s.app.h.(*echo.Echo)
	if !ok {
		t.Fatalf("the handler is a %T, not the echo router", s.app.h)
	}
	param := regexp.MustCompile(`:(\w+)`)
	var out []string
	for _, r := range e.Router().Routes() {
		if r.Method != http.MethodGet || strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/static/") ||
			slices.Contains([]string{"/livez", "/healthz", "/readyz", "/favicon.ico"}, r.Path) || strings.Contains(r.Path, "*") {
			continue
		}
		p := param.ReplaceAllStringFunc(r.Path, func(m string) string {
			name := m[1:]
			if name == "id" {
				for prefix, id := range s.ids {
					if strings.HasPrefix(r.Path, prefix+":id") {
						return id
					}
				}
			} else if v, ok := s.params[name]; ok {
				return v
			}
			t.Errorf("route %s: no test value for %s; add one to newI18nSite", r.Path, m)
			return m
		})
		if q, ok := s.query[r.Path]; ok {
			p += "?" + q
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// fetch gets path and returns the body of an HTML page; a live stream is
// not read beyond its headers.
func (b *browser) fetch(path string) (status int, contentType, body string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", b.app.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	contentType = resp.Header.Get("Content-Type")
	if strings.HasPrefix(contentType, "text/event-stream") {
		return resp.StatusCode, contentType, "" // a live stream never ends
	}
	if !strings.HasPrefix(contentType, "text/html") {
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.t.Fatalf("GET %s: %v", path, err)
		}
		return resp.StatusCode, contentType, ""
	}
	bb, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, contentType, string(bb)
}

// keptAsIs are Indonesian words an English page rightly shows: the name of
// a document, the switch's language name, names typed as they are (roster
// columns, the pledge's placeholder), and audit details, which record
// export filters as their codes.
var keptAsIs = []string{"Berita Acara", "Bahasa Indonesia", "nip and nama", registry.InstitutionPlaceholder, "csv belum"}

var (
	hiddenRE = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>|<div class="pledge"[^>]*>.*?</div>|` +
		`<(code|kbd|span class="mono")[^>]*>[^<]*</(code|kbd|span)>`)
	attrTexts = regexp.MustCompile(`\b(?:placeholder|aria-label|alt|title|data-msg-[a-z-]+)="([^"]*)"`)
	tagsRE    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// visibleText is what a reader sees of a page: its text and the attributes
// read out or shown, without the pledge (signed in its own language) and
// without what users entered.
func (s *i18nSite) visibleText(body string) string {
	body = hiddenRE.ReplaceAllString(body, " ")
	var b strings.Builder
	for _, m := range attrTexts.FindAllStringSubmatch(body, -1) {
		b.WriteString(m[1] + "\n")
	}
	b.WriteString(tagsRE.ReplaceAllString(body, "\n"))
	text := html.UnescapeString(b.String())
	for _, d := range slices.Concat(s.userData, keptAsIs) {
		text = strings.ReplaceAll(text, d, " ")
	}
	return text
}

// TestEveryPageInBothLanguages walks every GET route in Indonesian and in
// English: each answers, and in English no Indonesian word of the interface
// is left.
func TestEveryPageInBothLanguages(t *testing.T) {
	s := newI18nSite(t)
	paths := s.pagePaths(t)
	if len(paths) < 15 {
		t.Fatalf("only %d pages found: %q", len(paths), paths)
	}
	t.Logf("%d routes: %s", len(paths), strings.Join(paths, " "))
	for _, lang := range []string{"id", "en"} {
		s.admin.get("/?lang=" + lang)
		pages := 0
		for _, p := range paths {
			status, ct, body := s.admin.fetch(p)
			if status != http.StatusOK {
				t.Errorf("%s %s: status %d", lang, p, status)
				continue
			}
			if body == "" {
				continue // a file or a stream
			}
			pages++
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: not marked as %s (%s)", lang, p, lang, ct)
			}
			if lang == "en" {
				text := s.visibleText(body)
				for _, m := range untranslated.FindAllStringIndex(text, -1) {
					from, to := max(m[0]-50, 0), min(m[1]+50, len(text))
					t.Errorf("en %s: %q is not translated: …%s…", p, text[m[0]:m[1]],
						strings.Join(strings.Fields(text[from:to]), " "))
				}
			}
		}
		if pages < 15 {
			t.Errorf("%s: only %d HTML pages among %d routes", lang, pages, len(paths))
		}
	}
}

// TestLanguageSwitch checks how the language is chosen and remembered.
func TestLanguageSwitch(t *testing.T) {
	a := newTestApp(t)
	b := a.browser(t)

	// Indonesian by default, even for a browser set to English.
	req, _ := http.NewRequest("GET", a.URL+"/v", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	p := b.do(req)
	wantPage(t, p, http.StatusOK, `<html lang="id">`, "Periksa sertifikat ikrar", `href="/v?lang=en"`)

	// ?lang=en sets a cookie for a year and shows the page in English.
	r := a.do(t, "GET", "/v?lang=en", "", "", nil)
	ck := r.Header.Get("Set-Cookie")
	for _, want := range []string{"ikrar_lang=en", "Path=/", "Max-Age=31536000", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(ck, want) {
			t.Errorf("language cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Errorf("language cookie %q is Secure although the server runs without SecureCookies", ck)
	}
	p = b.get("/v?lang=en")
	wantPage(t, p, http.StatusOK, `<html lang="en">`, "Check a pledge certificate", `href="/v?lang=id"`)
	wantAbsent(t, "English page", p.Body, "Periksa sertifikat ikrar")

	// The cookie keeps it; the switch brings Indonesian back.
	p = b.get("/")
	wantPage(t, p, http.StatusOK, `<html lang="en">`, "ASN Neutrality Pledge Registry")
	p = b.get("/?lang=id")
	wantPage(t, p, http.StatusOK, `<html lang="id">`, "Registri Ikrar Netralitas ASN")
	p = b.get("/login")
	wantPage(t, p, http.StatusOK, `<html lang="id">`, "Masuk petugas")

	// An unknown language changes nothing.
	p = b.get("/login?lang=fr")
	wantPage(t, p, http.StatusOK, `<html lang="id">`)

	secure := newTestApp(t, func(o *web.Options) { o.SecureCookies = true })
	r = secure.do(t, "GET", "/?lang=en", "", "", nil)
	if ck := r.Header.Get("Set-Cookie"); !strings.Contains(ck, "Secure") {
		t.Errorf("language cookie %q is not Secure although the server runs with SecureCookies", ck)
	}
}

// TestMessagesInEnglish checks messages made in Go: domain errors through
// their format, messages that reached a page as text through the catalog's
// formats, numbers, dates, and the JSON API.
func TestMessagesInEnglish(t *testing.T) {
	a := newTestApp(t)
	super := a.mustSuperadmin(t)
	token := a.mustToken(t, super)
	org := a.mustOrg(t, "Kabupaten Deli Serdang", registry.OrgRegency, "12.07")
	a.mustImport(t, token, org.ID, rosterCSV(i18nPeople...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN 2024", nil)
	a.mustOpen(t, token, e.ID)
	path := e.URL[len(a.URL):]

	phone := a.browser(t)
	p := phone.get(path + "?lang=en")
	wantPage(t, p, http.StatusOK, "Wednesday, 23 October 2024, 09:00 WIB", "Enter your NIP and the event code")
	p = phone.submit(p, path, url.Values{"nip": {i18nPeople[0].NIP}, "code": {"XXXXXX"}})
	wantPage(t, p, http.StatusForbidden, "Wrong event code. Check the code announced by the organizers again.")
	p = phone.submit(p, path, url.Values{"nip": {"199912312020121001"}, "code": {e.EventCode}})
	wantPage(t, p, http.StatusForbidden, "This NIP is not registered as a participant of this event.")

	admin := a.browser(t)
	admin.login(super)
	admin.get("/admin?lang=en")
	orgPath := fmt.Sprintf("/admin/orgs/%d", org.ID)
	bad := rosterCSV(person{NIP: "199203042020122002", Name: "", Unit: "Bagian Hukum", Category: "GURU"})
	p = admin.upload(admin.get(orgPath), orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(bad))
	wantPage(t, p, http.StatusUnprocessableEntity, "Nothing was imported: rows with errors: 1.",
		"The name is required; Unknown employee category: &#34;GURU&#34; (use PNS, PPPK, NON_ASN or VILLAGE)")
	p = admin.get(fmt.Sprintf("/admin/events/%d", e.ID))
	wantPage(t, p, http.StatusOK, "Open", "Close the event", "Participants")

	// The API answers in English when asked to, and in Indonesian otherwise.
	r := a.do(t, "GET", "/api/v1/certificates/XXXXXXXXXXXX", "", "", nil)
	if !strings.Contains(string(r.Body), "Sertifikat dengan kode tersebut tidak ditemukan.") {
		t.Errorf("API error without a language: %s", r.Body)
	}
	req, _ := http.NewRequest("GET", a.URL+"/api/v1/certificates/XXXXXXXXXXXX", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.8")
	res := a.serve(req)
	if !strings.Contains(string(res.Body), "No certificate with that code was found.") {
		t.Errorf("API error in English: %s", res.Body)
	}

	// Errors answered by the router itself.
	p = phone.get("/nowhere")
	wantPage(t, p, http.StatusNotFound, "Page not found.", "Something went wrong")
}
