package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"math"
	"net/http"
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
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// benchRecords is how many signatures the benchmarks' database holds.
const benchRecords = 20_000

// benchApp is the real router on a real SQLite file holding benchRecords
// signatures, driven with httptest.NewRecorder: no network, so a profile
// shows the handlers' own cost.
type benchApp struct {
	h     http.Handler
	db    *sqlite.DB
	svc   *registry.Service
	org   registry.Organization
	emps  []registry.Employee
	event registry.Event
	codes []string

	mu     sync.Mutex
	events []registry.Event // open events for the signing benchmark, one per len(emps) signings
	next   atomic.Int64
}

const benchBase = "http://ikrar.bench"

func benchNewApp(b *testing.B, records int) *benchApp {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "ikrar.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	p := registry.DefaultPledge()
	if err := db.CreatePledge(ctx, &p); err != nil {
		b.Fatal(err)
	}
	svc := registry.NewService(db, []byte("ikrar-bench-link-key-of-32-bytes"))
	certs, err := certificate.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys, err := translog.LoadOrCreateKeyring(filepath.Join(dir, "keys"), "ikrar.bench/log")
	if err != nil {
		b.Fatal(err)
	}
	cp := &translog.Checkpointer{Store: db, Keys: keys, MinInterval: time.Second, Now: time.Now, Log: log}
	runCheckpointer(b, cp, db.Appended())
	srv, err := web.New(web.Options{BaseURL: benchBase, Templates: ikrar.Templates, Static: ikrar.Static,
		DownloadKey: []byte("ikrar-bench-download-key-32-byte")}, svc, db, certs, web.Transparency{Store: db, Keys: keys, Checkpointer: cp}, log)
	if err != nil {
		b.Fatal(err)
	}
	a := &benchApp{h: srv.Handler(), db: db, svc: svc}
	a.org = registry.Organization{Name: "Pemerintah Provinsi Sumatera Utara", Kind: registry.OrgProvince, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := db.CreateOrganization(ctx, &a.org); err != nil {
		b.Fatal(err)
	}
	emps := make([]registry.Employee, records)
	for i := range emps {
		emps[i] = registry.Employee{NIP: benchNIP(i), Name: fmt.Sprintf("Pegawai Uji %d", i), Position: "Analis Kebijakan Ahli Muda",
			Rank: "III/c", Unit: "Dinas Pendidikan", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}
	}
	if _, err := db.UpsertEmployees(ctx, a.org.ID, emps); err != nil {
		b.Fatal(err)
	}
	if a.emps, _, err = db.Employees(ctx, registry.EmployeeFilter{Scope: a.org.Path, Limit: records}); err != nil {
		b.Fatal(err)
	}
	a.event = a.newEvent(b)
	strokes, err := ink.ParseStrokes([]byte(benchStrokes(0)))
	if err != nil {
		b.Fatal(err)
	}
	// Sign through the service from many goroutines, as a burst does:
	// the store commits them in groups.
	a.codes = make([]string, len(a.emps))
	benchParallel(b, len(a.emps), func(i int) error {
		sig, _, err := svc.Sign(ctx, registry.SignRequest{Event: a.event, Employee: a.emps[i], Ink: strokes, Consent: true,
			Channel: registry.ChannelEventCode, ClientIP: "10.1.2.3", UserAgent: "bench"})
		a.codes[i] = sig.Code
		return err
	})
	if _, err := cp.Sign(ctx); err != nil {
		b.Fatal(err)
	}
	return a
}

// benchParallel runs fn for 0..n-1 from 64 goroutines and stops the
// benchmark at the first error.
func benchParallel(b *testing.B, n int, fn func(i int) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

// benchNIP is a valid, distinct PNS NIP for every i below 365×999.
func benchNIP(i int) string {
	birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365)
	return fmt.Sprintf("%s%04d%02d%d%03d", birth.Format("20060102"), 2000+i%20, 1+i%12, 1+i%2, 1+i/365%999)
}

func (a *benchApp) newEvent(b *testing.B) registry.Event {
	b.Helper()
	e := &registry.Event{OrgID: a.org.ID, Title: "Ikrar Netralitas ASN", Place: "Aula Kantor Gubernur", Mode: registry.ModeInPerson,
		StartsAt: time.Now(), OfficialName: "Sekretaris Daerah", OfficialPosition: "Sekretaris Daerah Provinsi"}
	if err := a.svc.CreateEvent(context.Background(), registry.Actor{User: registry.System, IP: "bench"}, e); err != nil {
		b.Fatal(err)
	}
	ev, err := a.svc.SetEventStatus(context.Background(), registry.Actor{User: registry.System, IP: "bench"}, e.ID, registry.StatusOpen, "")
	if err != nil {
		b.Fatal(err)
	}
	return ev
}

// signer returns the event and employee of the next signing: every
// employee signs each benchmark event once, then a new event opens.
func (a *benchApp) signer(b *testing.B) (registry.Event, registry.Employee) {
	i := int(a.next.Add(1) - 1)
	k := i / len(a.emps)
	a.mu.Lock()
	for len(a.events) <= k {
		a.events = append(a.events, a.newEvent(b))
	}
	e := a.events[k]
	a.mu.Unlock()
	return e, a.emps[i%len(a.emps)]
}

func (a *benchApp) serve(method, target, contentType string, body []byte, hdr http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.RemoteAddr = "10.1.2.3:40000"
	for k, v := range hdr {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, req)
	return w
}

// BenchmarkVerifyLookup is a verification look-up by certificate code, as
// a phone opens it from a certificate's QR (HTML) or a checker calls the
// API (JSON), gzip accepted, from parallel clients.
func BenchmarkVerifyLookup(b *testing.B) {
	a := benchNewApp(b, benchRecords)
	gz := http.Header{"Accept-Encoding": {"gzip"}}
	for _, tc := range []struct{ name, prefix string }{
		{"json", "/api/v1/certificates/"},
		{"html", "/v/"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var n atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					code := a.codes[int(n.Add(7919))%len(a.codes)]
					if w := a.serve(http.MethodGet, tc.prefix+code, "", nil, gz); w.Code != http.StatusOK {
						b.Fatalf("GET %s%s: %d %s", tc.prefix, code, w.Code, w.Body)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
		})
	}
}

var benchCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// BenchmarkSign is one signing through the router with a database of
// benchRecords, from 200 parallel signers: the web form with drawn
// strokes, and the API with a PNG. It includes validation, the group
// commit (fsync) and the log append.
func BenchmarkSign(b *testing.B) {
	a := benchNewApp(b, benchRecords)
	page := a.serve(http.MethodGet, "/e/"+a.event.Slug, "", nil, nil)
	m := benchCSRF.FindStringSubmatch(page.Body.String())
	if page.Code != http.StatusOK || m == nil {
		b.Fatalf("event page: %d", page.Code)
	}
	cookie := http.Header{"Cookie": {strings.Split(page.Header().Get("Set-Cookie"), ";")[0]}}
	pngs := [][]byte{benchPNG(b, 1), benchPNG(b, 2), benchPNG(b, 3)}
	var strokes []string // as sign.js posts them
	for seed := range 3 {
		var groups []padGroup
		if err := json.Unmarshal([]byte(benchStrokes(seed+1)), &groups); err != nil {
			b.Fatal(err)
		}
		strokes = append(strokes, compactOf(groups, false))
	}
	b.Run("ui-form", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(100) // 200 signers on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				ev, emp := a.signer(b)
				form := url.Values{"_csrf": {m[1]}, "nip": {emp.NIP}, "code": {ev.Code}, "consent": {"1"}, "signature_strokes": {strokes[i%len(strokes)]}}
				w := a.serve(http.MethodPost, "/e/"+ev.Slug+"/sign", "application/x-www-form-urlencoded", []byte(form.Encode()), cookie)
				if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/c/") {
					b.Fatalf("sign: %d %s", w.Code, w.Body)
				}
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signatures/s")
	})
	b.Run("api-png", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(100)
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				ev, emp := a.signer(b)
				body, _ := json.Marshal(map[string]any{"nip": emp.NIP, "event_code": ev.Code, "consent": true, "signature_png": pngs[i%len(pngs)]})
				w := a.serve(http.MethodPost, fmt.Sprintf("/api/v1/events/%d/signatures", ev.ID), "application/json", body, nil)
				if w.Code != http.StatusCreated {
					b.Fatalf("sign: %d %s", w.Code, w.Body)
				}
				i++
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signatures/s")
	})
}

// BenchmarkCertificatePDF is a certificate download through the router:
// the first download of a record (rendered and stored, bytes and
// fingerprint, through the group commit), a download of one already
// fetched (from the memory cache) and one read from the store.
func BenchmarkCertificatePDF(b *testing.B) {
	a := benchNewApp(b, benchRecords)
	png := benchPNG(b, 4)
	// Records signed with a PNG through the API, whose answer carries the
	// download link.
	sign := func(n int) []string {
		paths := make([]string, n)
		benchParallel(b, n, func(i int) error {
			ev, emp := a.signer(b)
			body, _ := json.Marshal(map[string]any{"nip": emp.NIP, "event_code": ev.Code, "consent": true, "signature_png": png})
			w := a.serve(http.MethodPost, fmt.Sprintf("/api/v1/events/%d/signatures", ev.ID), "application/json", body, nil)
			var out struct {
				Certificate struct {
					PDFURL string `json:"pdf_url"`
				} `json:"certificate"`
			}
			if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &out) != nil {
				return fmt.Errorf("sign: %d %s", w.Code, w.Body)
			}
			paths[i] = strings.TrimPrefix(out.Certificate.PDFURL, benchBase)
			return nil
		})
		return paths
	}
	get := func(b *testing.B, path string) {
		w := a.serve(http.MethodGet, path, "", nil, nil)
		if w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF")) {
			b.Fatalf("GET %s: %d", path, w.Code)
		}
	}
	var fresh []string
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if i == len(fresh) {
				b.StopTimer()
				fresh = append(fresh, sign(1000)...)
				b.StartTimer()
			}
			get(b, fresh[i])
		}
		fresh = fresh[:0]
	})
	again := sign(100)
	for _, p := range again {
		get(b, p)
	}
	b.Run("again", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			get(b, again[i%len(again)])
		}
	})
	// More certificates than the 16 MB memory cache holds, read in a
	// cycle: every download is the stored bytes read from the database.
	stored := sign(600)
	for _, p := range stored {
		get(b, p)
	}
	b.Run("stored", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			get(b, stored[i%len(stored)])
		}
	})
}

// benchStrokes is signature_pad's toData() for a 220-point signature.
func benchStrokes(seed int) string {
	ms := time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC).UnixMilli()
	var groups []padGroup
	for s := range 3 {
		g := padGroup{PenColor: "#0b1f44", MinWidth: 0.7, MaxWidth: 2.5}
		for i := range 73 {
			t := float64(i) / 72
			x := 40 + float64(s)*170 + 150*t + 18*math.Cos(2*math.Pi*2*t+float64(seed))
			y := 100 + 35*math.Sin(2*math.Pi*2*t+float64(seed+s))
			g.Points = append(g.Points, padPoint{X: math.Round(x*10) / 10, Y: math.Round(y*10) / 10, Pressure: 0.5, Time: ms})
			ms += 16
		}
		ms += 250
		groups = append(groups, g)
	}
	b, _ := json.Marshal(groups)
	return string(b)
}

// benchPNG is a canvas export: anti-aliased dark loops on a transparent
// 600×200 image, a few KB.
func benchPNG(b *testing.B, seed int) []byte {
	b.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	for i := 0; i < 3000; i++ {
		t := float64(i) / 3000
		cx := 60 + 440*t + 25*math.Cos(2*math.Pi*6*t+float64(seed))
		cy := 100 + 45*math.Sin(2*math.Pi*6*t+float64(seed))
		for y := int(cy) - 3; y <= int(cy)+3; y++ {
			for x := int(cx) - 3; x <= int(cx)+3; x++ {
				d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
				cov := math.Min(math.Max(2.5-d, 0), 1)
				if a := uint8(cov * 255); a > img.NRGBAAt(x, y).A {
					img.SetNRGBA(x, y, color.NRGBA{R: 0x0b, G: 0x1f, B: 0x44, A: a})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
