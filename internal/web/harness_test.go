package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/store/storetest"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// t0 is the tests' clock: Wednesday 23 October 2024, 09:00 WIB.
var t0 = time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC)

const testPassword = "kata-sandi-uji-2024"

// clock is the injected clock of a test app.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testApp is the real server on a real database, listening on a random
// port: an SQLite file, or a PostgreSQL database with IKRAR_TEST_STORE=postgres
// (storetest.Open).
type testApp struct {
	URL  string
	h    http.Handler // the router the server runs, for requests that need a chosen RemoteAddr
	path string       // the SQLite database file; "" on PostgreSQL
	db   testStore
	// lite is db on SQLite, nil on PostgreSQL: what a test reads of the
	// SQLite file only (sqliteOnly).
	lite *sqlite.DB
	// exec changes the database as another program would (an insider),
	// with ? for the arguments on either store.
	exec  func(t *testing.T, query string, args ...any)
	svc   *registry.Service
	clock *clock
	srv   *web.Server
	keys  *translog.Keyring
	// expectErrors is how many server errors the test provokes next.
	expectErrors *atomic.Int64
	// stopCheckpointer stops signing checkpoints, for a test that wants
	// leaves no checkpoint covers.
	stopCheckpointer func()
}

// testStore is what the server and the tests use of either store.
type testStore interface {
	registry.Store
	web.LogStore
	translog.CheckpointStore
	translog.CheckpointLister
	Appended() <-chan struct{}
	Ping(ctx context.Context) error
}

// sqliteOnly skips the rest of t on PostgreSQL: it reads or edits the
// SQLite file itself (its pages, its WAL, its bytes after an erasure).
func (a *testApp) sqliteOnly(t *testing.T) {
	t.Helper()
	if a.lite == nil {
		t.Skip("reads the SQLite database file itself; the store's own suite covers PostgreSQL")
	}
}

// newTestApp starts the server; opts adjust its options.
func newTestApp(t *testing.T, opts ...func(*web.Options)) *testApp {
	t.Helper()
	return newTestAppLogging(t, nil, opts...)
}

// cheapPasswords are argon2id costs for tests: a sign-in's hash takes a
// fraction of a millisecond instead of 64 MiB and 50 ms. Stored hashes
// carry their costs, so nothing else changes (registry's TestPasswordHash).
var cheapPasswords = registry.PasswordParams{Time: 1, Memory: 64, Threads: 1}

// quickLive are live dashboard timings for tests: a signing reaches an
// open stream in milliseconds, where a server spreads it over a second.
var quickLive = web.LiveTimings{MinInterval: 20 * time.Millisecond, Spread: 5 * time.Millisecond}

// newTestAppLogging starts the server logging to logTo (nil: errors fail
// the test).
func newTestAppLogging(t *testing.T, logTo slog.Handler, opts ...func(*web.Options)) *testApp {
	t.Helper()
	ctx := context.Background()
	h := storetest.Open(t) // SQLite, or PostgreSQL with IKRAR_TEST_STORE=postgres
	db, dbPath := h.Store.(testStore), h.File
	lite, _ := h.Store.(*sqlite.DB)
	p := registry.DefaultPledge()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := db.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: t0}
	svc := registry.NewService(db, []byte("ikrar-test-link-key-of-32-bytes!"))
	// Hashes this cheap need no pace (five a second on two cores, which a
	// test signing in two dozen times waits for); registry tests the pace.
	svc.Hasher.WithParams(cheapPasswords).Paced(math.Inf(1), 1)
	svc.Now = clk.Now
	certs, err := certificate.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	// The base URL goes into links and QR codes, so it must be known before
	// the server is built: take the listener's address first.
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	base := "http://" + ts.Listener.Addr().String()
	expected := new(atomic.Int64)
	log := slog.New(slog.NewTextHandler(failOnError{t, expected}, &slog.HandlerOptions{Level: slog.LevelError}))
	if logTo != nil {
		log = slog.New(logTo)
	}
	keys, err := translog.LoadOrCreateKeyring(filepath.Join(t.TempDir(), "keys"), "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	// A checkpoint follows each signing within 20 ms (a server waits up to
	// a second between two): tests that wait for the whole log wait less.
	cp := &translog.Checkpointer{Store: db, Keys: keys, MinInterval: 20 * time.Millisecond, Now: clk.Now, Log: log}
	opt := web.Options{
		BaseURL: base, Templates: ikrar.Templates, Static: ikrar.Static,
		DownloadKey: []byte("ikrar-test-download-key-32-bytes"), RateLimit: true, Live: quickLive,
	}
	for _, o := range opts {
		o(&opt)
	}
	srv, err := web.New(opt, svc, db, certs, web.Transparency{Store: db, Keys: keys, Checkpointer: cp}, log)
	if err != nil {
		t.Fatal(err)
	}
	stop := runCheckpointer(t, cp, db.Appended())
	router := srv.Handler()
	ts.Config.Handler = router
	ts.Start()
	if ts.URL != base {
		t.Fatalf("server URL %s, base URL %s", ts.URL, base)
	}
	return &testApp{URL: base, h: router, path: dbPath, db: db, lite: lite, exec: h.Exec, svc: svc, clock: clk, srv: srv, keys: keys, expectErrors: expected, stopCheckpointer: stop}
}

// briefCheckpointWait bounds a look-up's wait for a covering checkpoint
// at 200 ms instead of 3 s, for tests whose look-ups wait in vain (the
// checkpointer stopped, a leaf beyond the log). Other tests keep the 3 s:
// their look-ups must find the checkpoint however loaded the machine.
func briefCheckpointWait(o *web.Options) { o.CheckpointWait = 200 * time.Millisecond }

// failOnError fails the test on any error the server logs: a user would
// have seen a 500.
// A test that provokes an error on purpose counts it in expected instead.
type failOnError struct {
	t        *testing.T
	expected *atomic.Int64 // > 0: the next errors are expected
}

func (w failOnError) Write(p []byte) (int, error) {
	if w.expected != nil && w.expected.Add(-1) >= 0 {
		return len(p), nil
	}
	w.t.Errorf("server logged an error: %s", bytes.TrimSpace(p))
	return len(p), nil
}

var system = registry.Actor{User: registry.System, IP: "test"}

func (a *testApp) mustUser(t *testing.T, email string, role registry.Role, orgID int64) registry.User {
	t.Helper()
	u := &registry.User{Email: email, Name: "Petugas " + strings.Split(email, "@")[0], Role: role, OrgID: orgID}
	if err := a.svc.CreateUser(context.Background(), system, u, testPassword); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return *u
}

func (a *testApp) mustSuperadmin(t *testing.T) registry.User {
	t.Helper()
	return a.mustUser(t, "super@bkn.test", registry.RoleSuperadmin, 0)
}

func (a *testApp) mustToken(t *testing.T, u registry.User) string {
	t.Helper()
	tok, err := a.svc.CreateAPIToken(context.Background(), system, u)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// mustOrg creates a top-level organization as the command line would.
func (a *testApp) mustOrg(t *testing.T, name string, kind registry.OrgKind, regionCode string) registry.Organization {
	t.Helper()
	o := &registry.Organization{Name: name, Kind: kind, RegionCode: regionCode, TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(context.Background(), system, o); err != nil {
		t.Fatal(err)
	}
	return *o
}

// mustOfficer creates the regency most tests run in and its BKPSDM
// officer, an admin.
func (a *testApp) mustOfficer(t *testing.T) (registry.Organization, registry.User) {
	t.Helper()
	regency := a.mustOrg(t, "Pemerintah Kabupaten Deli Serdang", registry.OrgRegency, "12.07")
	return regency, a.mustUser(t, "bkpsdm@deliserdang.test", registry.RoleAdmin, regency.ID)
}

// employeeCount is the number of employees stored in org's subtree.
func (a *testApp) employeeCount(t *testing.T, org registry.Organization) int {
	t.Helper()
	_, n, err := a.db.Employees(context.Background(), registry.EmployeeFilter{Scope: org.Path})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// --- people and rosters ---

type person struct {
	NIP, Front, Name, Back, Position, Rank, Unit, Category string
}

func (p person) fullName() string { return registry.FullName(p.Front, p.Name, p.Back) }

// grouped is the NIP the way it is printed: "19860926 201505 1 001".
func (p person) grouped() string {
	return p.NIP[0:8] + " " + p.NIP[8:14] + " " + p.NIP[14:15] + " " + p.NIP[15:]
}

// masked is the NIP as public pages show it.
func (p person) masked() string { return p.NIP[0:4] + "**** ****** * " + p.NIP[15:] }

// nipFor returns a distinct, structurally valid PNS NIP for each i < 998.
func nipFor(i int) string {
	birth := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 37*i)
	return fmt.Sprintf("%s200503%d%03d", birth.Format("20060102"), 1+i%2, 1+i%998)
}

// staff returns n employees of one unit with distinct NIPs from first on.
func staff(first, n int, unit string) []person {
	out := make([]person, n)
	for i := range out {
		out[i] = person{NIP: nipFor(first + i), Name: fmt.Sprintf("Pegawai Nomor %d", first+i), Position: "Pranata Komputer Ahli Pertama",
			Rank: "Penata Muda (III/a)", Unit: unit, Category: "PNS"}
	}
	return out
}

const rosterHeader = "nip,nama,gelar_depan,gelar_belakang,jabatan,golongan,unit_kerja,kategori"

func rosterCSV(ps ...person) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(strings.Split(rosterHeader, ","))
	for _, p := range ps {
		w.Write([]string{p.NIP, p.Name, p.Front, p.Back, p.Position, p.Rank, p.Unit, p.Category})
	}
	w.Flush()
	return b.String()
}

// --- the JSON API ---

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// errorCode returns the code of an API error body, failing if the body is
// not the documented error shape.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	r.decode(t, &e)
	if e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("error body without code or message: %s", r.Body)
	}
	return e.Error.Code
}

// wantError checks an API error's status and code.
func (r response) wantError(t *testing.T, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	if got := r.errorCode(t); got != code {
		t.Fatalf("error code %q, want %q; body %s", got, code, r.Body)
	}
}

// do sends one request to the running server.
func (a *testApp) do(t *testing.T, method, path, token, contentType string, body []byte) response {
	t.Helper()
	r, err := a.send(method, path, token, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// send is do for goroutines other than the test's.
func (a *testApp) send(method, path, token, contentType string, body []byte) (response, error) {
	target := path
	if !strings.HasPrefix(path, "http") {
		target = a.URL + path
	}
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// api sends in as JSON (nil: no body).
func (a *testApp) api(t *testing.T, method, path, token string, in any) response {
	t.Helper()
	if in == nil {
		return a.do(t, method, path, token, "", nil)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return a.do(t, method, path, token, "application/json", b)
}

// serve runs one request through the router from a chosen client address,
// as the server would receive it from that address.
func (a *testApp) serve(req *http.Request) response {
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// request builds a JSON request from remoteAddr for serve.
func request(method, path, remoteAddr string, body any) *http.Request {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(b))
	req.RemoteAddr = remoteAddr
	req.Header.Set("Content-Type", "application/json")
	return req
}

type orgJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	ParentID int64  `json:"parent_id"`
	TimeZone string `json:"timezone"`
}

type rejectionJSON struct {
	Row    int    `json:"row"`
	NIP    string `json:"nip"`
	Reason string `json:"reason"`
}

type importJSON struct {
	Imported int             `json:"imported"`
	Updated  int             `json:"updated"`
	Rejected []rejectionJSON `json:"rejected"`
}

type eventJSON struct {
	ID        int64  `json:"id"`
	EventCode string `json:"event_code"`
	URL       string `json:"url"`
	Status    string `json:"status"`
	Eligible  *int   `json:"eligible"`
	Signed    *int   `json:"signed"`
}

type signJSON struct {
	Certificate struct {
		Code      string `json:"code"`
		Serial    string `json:"serial"`
		VerifyURL string `json:"verify_url"`
		PDFURL    string `json:"pdf_url"`
	} `json:"certificate"`
	AlreadySigned bool `json:"already_signed"`
}

type certJSON struct {
	Status       string `json:"status"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	NIP          string `json:"nip"`
	Unit         string `json:"unit"`
	Organization string `json:"organization"`
	Event        string `json:"event"`
	Revocation   *struct {
		Reason    string    `json:"reason"`
		RevokedAt time.Time `json:"revoked_at"`
	} `json:"revocation"`
}

const csvType = "text/csv; charset=utf-8"

func (a *testApp) mustImport(t *testing.T, token string, orgID int64, csv string) importJSON {
	t.Helper()
	r := a.do(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/import", orgID), token, csvType, []byte(csv))
	if r.Status != http.StatusOK {
		t.Fatalf("import: status %d: %s", r.Status, r.Body)
	}
	var out importJSON
	r.decode(t, &out)
	return out
}

// mustEvent creates an in-person draft event of org through the API.
func (a *testApp) mustEvent(t *testing.T, token string, orgID int64, title string, extra map[string]any) eventJSON {
	t.Helper()
	in := map[string]any{"organization_id": orgID, "title": title, "place": "Aula Kantor Bupati", "mode": "in_person",
		"starts_at": "2024-10-23T09:00:00+07:00", "official_name": "Drs. H. Ahmad Fauzi, M.Si.", "official_position": "Sekretaris Daerah"}
	for k, v := range extra {
		in[k] = v
	}
	r := a.api(t, "POST", "/api/v1/events", token, in)
	if r.Status != http.StatusCreated {
		t.Fatalf("create event: status %d: %s", r.Status, r.Body)
	}
	var e eventJSON
	r.decode(t, &e)
	return e
}

func (a *testApp) mustOpen(t *testing.T, token string, eventID int64) {
	t.Helper()
	if r := a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/open", eventID), token, nil); r.Status != http.StatusOK {
		t.Fatalf("open event: status %d: %s", r.Status, r.Body)
	}
}

// sign submits a signing through the public API.
func (a *testApp) sign(t *testing.T, e eventJSON, body map[string]any) response {
	t.Helper()
	return a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/signatures", e.ID), "", body)
}

// mustSign signs for p with a drawn signature and expects a new record.
func (a *testApp) mustSign(t *testing.T, e eventJSON, p person) signJSON {
	t.Helper()
	r := a.sign(t, e, map[string]any{"nip": p.NIP, "event_code": e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())})
	if r.Status != http.StatusCreated {
		t.Fatalf("sign for %s: status %d: %s", p.NIP, r.Status, r.Body)
	}
	var out signJSON
	r.decode(t, &out)
	return out
}

// --- signatures as a phone sends them ---

// padPoint and padGroup are signature_pad's toData() shapes.
type padPoint struct {
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Pressure float64 `json:"pressure"`
	Time     int64   `json:"time"`
}

type padGroup struct {
	PenColor             string     `json:"penColor"`
	DotSize              float64    `json:"dotSize"`
	MinWidth             float64    `json:"minWidth"`
	MaxWidth             float64    `json:"maxWidth"`
	VelocityFilterWeight float64    `json:"velocityFilterWeight"`
	CompositeOperation   string     `json:"compositeOperation"`
	Points               []padPoint `json:"points"`
}

// strokesJSON is what signature_pad's toData() gives for a short two-stroke
// signature drawn on a 600×200 canvas: what the API takes, and what a
// signing page loaded before the compact format posts.
func strokesJSON() string {
	b, _ := json.Marshal(drawing())
	return string(b)
}

// strokesCompact is the same drawing as sign.js posts it (docs/FORMATS.md,
// "Signature strokes"), with a time per point when timed.
func strokesCompact(timed bool) string { return compactOf(drawing(), timed) }

func compactOf(groups []padGroup, timed bool) string {
	strokes := make([]registry.Stroke, len(groups))
	for i, g := range groups {
		for _, p := range g.Points {
			strokes[i].Points = append(strokes[i].Points, registry.Point{X: p.X, Y: p.Y, T: p.Time})
		}
	}
	return string(ink.AppendCompact(nil, strokes, timed))
}

func drawing() []padGroup {
	ms := t0.UnixMilli()
	var groups []padGroup
	for s := range 2 {
		g := padGroup{PenColor: "#0b1f44", MinWidth: 0.7, MaxWidth: 2.5, VelocityFilterWeight: 0.7, CompositeOperation: "source-over"}
		for i := range 24 {
			x := 40 + float64(s*220) + float64(i)*9.3
			y := 100 + 45*math.Sin(float64(i)/3.1+float64(s))
			g.Points = append(g.Points, padPoint{X: math.Round(x*10) / 10, Y: math.Round(y*10) / 10, Pressure: 0.5, Time: ms})
			ms += 16
		}
		ms += 300
		groups = append(groups, g)
	}
	return groups
}

// signaturePNG is a canvas export: a dark curve on a transparent 600×200
// image.
func signaturePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	ink := color.NRGBA{R: 11, G: 31, B: 68, A: 255}
	for x := 60; x < 520; x++ {
		y := 100 + int(50*math.Sin(float64(x)/40))
		for dy := -2; dy <= 2; dy++ {
			for dx := -1; dx <= 1; dx++ {
				img.SetNRGBA(x+dx, y+dy, ink)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// --- a browser: cookie jar, forms with their CSRF token ---

type browser struct {
	t   *testing.T
	app *testApp
	c   *http.Client
}

// page is a response as the browser ended up with it, redirects followed.
type page struct {
	Status int
	URL    *url.URL
	Header http.Header
	Body   string
}

func (a *testApp) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, app: a, c: &http.Client{Jar: jar}}
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{Status: resp.StatusCode, URL: resp.Request.URL, Header: resp.Header, Body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = b.app.URL + path
	}
	req, err := http.NewRequest("GET", path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

var (
	inputRE = regexp.MustCompile(`<input\b[^>]*>`)
	attrRE  = regexp.MustCompile(`([a-z_-]+)="([^"]*)"`)
)

// formFields returns the hidden inputs of the form on p that posts to
// action, failing if p has no such form: a user could not have sent it.
func (b *browser) formFields(p page, action string) url.Values {
	b.t.Helper()
	// An upload form carries its CSRF token in its action's query too.
	re := regexp.MustCompile(`(?s)<form\b[^>]*\baction="` + regexp.QuoteMeta(action) + `(?:\?[^"]*)?"[^>]*>(.*?)</form>`)
	m := re.FindStringSubmatch(p.Body)
	if m == nil {
		b.t.Fatalf("no form posting to %s on %s:\n%s", action, p.URL, p.Body)
	}
	vals := url.Values{}
	for _, in := range inputRE.FindAllString(m[1], -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(in, -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		if attrs["type"] == "hidden" && attrs["name"] != "" {
			vals.Set(attrs["name"], attrs["value"])
		}
	}
	if vals.Get("_csrf") == "" {
		b.t.Fatalf("form posting to %s has no CSRF token", action)
	}
	return vals
}

// submit posts the form on p that goes to action, with its hidden fields
// (the CSRF token among them) and vals, as a browser would.
func (b *browser) submit(p page, action string, vals url.Values) page {
	b.t.Helper()
	form := b.formFields(p, action)
	for k, v := range vals {
		form[k] = v
	}
	return b.post(action, form)
}

// post sends a urlencoded form as is.
func (b *browser) post(action string, form url.Values) page {
	b.t.Helper()
	return b.do(b.formRequest(action, form))
}

// formRequest builds the request that posts form to action.
func (b *browser) formRequest(action string, form url.Values) *http.Request {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.app.URL+action, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// loginRequest builds the login form's request for u, as filled in on the
// login page.
func (b *browser) loginRequest(u registry.User) *http.Request {
	b.t.Helper()
	form := b.formFields(b.get("/login"), "/login")
	form.Set("email", u.Email)
	form.Set("password", testPassword)
	return b.formRequest("/login", form)
}

// upload posts the multipart form on p that goes to action with one file.
func (b *browser) upload(p page, action string, vals url.Values, field, filename, contentType string, content []byte) page {
	b.t.Helper()
	form := b.formFields(p, action)
	for k, v := range vals {
		form[k] = v
	}
	return b.postMultipart(action, form, field, filename, contentType, content)
}

// csrf returns the CSRF token of the forms on p (every page has one in its
// logout form once signed in).
func (b *browser) csrf(p page) string {
	b.t.Helper()
	return b.formFields(p, "/logout").Get("_csrf")
}

// postMultipart sends form and one file as multipart/form-data.
func (b *browser) postMultipart(action string, form url.Values, field, filename, contentType string, content []byte) page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if field != "" {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename)}
		h["Content-Type"] = []string{contentType}
		w, err := mw.CreatePart(h)
		if err != nil {
			b.t.Fatal(err)
		}
		w.Write(content)
	}
	mw.Close()
	if tok := form.Get("_csrf"); tok != "" && !strings.Contains(action, "?") {
		// Where the upload forms send their token (see the templates).
		action += "?_csrf=" + url.QueryEscape(tok)
	}
	req, err := http.NewRequest("POST", b.app.URL+action, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// login signs u in through the login form.
func (b *browser) login(u registry.User) {
	b.t.Helper()
	p := b.get("/login")
	p = b.submit(p, "/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if p.Status != http.StatusOK || p.URL.Path != "/admin" {
		b.t.Fatalf("login as %s: status %d at %s", u.Email, p.Status, p.URL)
	}
}

// wantPage checks a page's status and that it shows each of texts.
func wantPage(t *testing.T, p page, status int, texts ...string) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d:\n%s", p.URL, p.Status, status, p.Body)
	}
	for _, s := range texts {
		if !strings.Contains(p.Body, s) {
			t.Errorf("%s does not show %q:\n%s", p.URL, s, p.Body)
		}
	}
}

// wantAbsent checks that none of texts appears in body.
func wantAbsent(t *testing.T, what, body string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("%s leaks %q", what, s)
		}
	}
}

// find returns the first submatch of re in s, failing if there is none.
func find(t *testing.T, re, s string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found in:\n%s", re, s)
	}
	return html.UnescapeString(m[1])
}

// runCheckpointer runs the checkpointer as ikrar serve does, until the
// test ends: look-ups never sign, they wait for it.
func runCheckpointer(t testing.TB, cp *translog.Checkpointer, appended <-chan struct{}) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { cp.Run(ctx, appended); close(done) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// waitCheckpointed waits until the checkpointer has signed the whole log,
// as a client would wait for the next checkpoint.
func (a *testApp) waitCheckpointed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := a.db.LogSize(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r := a.do(t, "GET", "/api/v1/log/checkpoint", "", "", nil)
		if cp, err := translog.OpenCheckpoint(r.Body, a.keys.Verifiers()); err == nil && cp.Size == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint of the whole log (%d leaves) signed within 10 s: %d %s", n, r.Status, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
