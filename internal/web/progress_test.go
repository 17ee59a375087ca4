package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/web"
)

// liveJSON is a "stats" event of the live stream.
type liveJSON struct {
	Eligible int    `json:"eligible"`
	Signed   int    `json:"signed"`
	Pending  int    `json:"pending"`
	Percent  string `json:"percent"`
	Units    []struct {
		Unit     string `json:"unit"`
		Signed   int    `json:"signed"`
		Eligible int    `json:"eligible"`
		Percent  string `json:"percent"`
	} `json:"units"`
	Curve []struct {
		Minute string `json:"minute"`
		Count  int    `json:"count"`
	} `json:"curve"`
	Latest []struct {
		Name string `json:"name"`
		Unit string `json:"unit"`
		Time string `json:"time"`
	} `json:"latest"`
}

// liveStream is an open server-sent event stream: the data of each "stats"
// event arrives on events.
type liveStream struct {
	resp   *http.Response
	events chan string
	close  func()
}

// openStream opens path as an EventSource would, with the browser's
// session, and checks the stream's headers.
func (b *browser) openStream(path string) *liveStream {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", b.app.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	// Asked for explicitly, gzip would come back undecoded: the stream must
	// not be compressed, or events would wait in the compressor's buffer.
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := b.c.Do(req)
	if err != nil {
		cancel()
		b.t.Fatal(err)
	}
	s := &liveStream{resp: resp, events: make(chan string, 64)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var event, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if event == "stats" {
					s.events <- data
				}
				event, data = "", ""
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	s.close = func() {
		cancel()
		resp.Body.Close()
		wg.Wait()
	}
	b.t.Cleanup(s.close)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	for k, want := range map[string]string{"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store",
		"X-Accel-Buffering": "no", "Content-Encoding": ""} {
		if got := resp.Header.Get(k); got != want {
			b.t.Errorf("GET %s: %s %q, want %q", path, k, got, want)
		}
	}
	return s
}

// next waits up to d for the next event whose data satisfies ok.
func (s *liveStream) next(t *testing.T, d time.Duration, ok func(liveJSON) bool) (liveJSON, string) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case data, open := <-s.events:
			if !open {
				t.Fatal("the stream ended")
			}
			var v liveJSON
			if err := json.Unmarshal([]byte(data), &v); err != nil {
				t.Fatalf("stats event %q: %v", data, err)
			}
			if ok(v) {
				return v, data
			}
		case <-deadline:
			t.Fatalf("no matching stats event within %s", d)
		}
	}
}

func anyEvent(liveJSON) bool { return true }

// liveFixture is a regency with two units and an open event.
type liveFixture struct {
	a        *testApp
	token    string
	officer  registry.User
	e        eventJSON
	teachers []person // Dinas Pendidikan
	nurses   []person // Dinas Kesehatan
}

func newLiveFixture(t *testing.T, opts ...func(*web.Options)) liveFixture {
	t.Helper()
	a := newTestApp(t, opts...)
	regency, officer := a.mustOfficer(t)
	f := liveFixture{a: a, token: a.mustToken(t, officer), officer: officer,
		teachers: staff(200, 4, "Dinas Pendidikan"), nurses: staff(210, 2, "Dinas Kesehatan")}
	a.mustImport(t, f.token, regency.ID, rosterCSV(append(append([]person{}, f.teachers...), f.nurses...)...))
	f.e = a.mustEvent(t, f.token, regency.ID, "Deklarasi Netralitas ASN Kabupaten Deli Serdang", nil)
	a.mustOpen(t, f.token, f.e.ID)
	return f
}

// TestLiveStream: a signing made through the API reaches a connected
// dashboard's stream at once (within a second, with the test's short
// timings); the projector's stream carries the
// same totals and nothing else.
func TestLiveStream(t *testing.T) {
	f := newLiveFixture(t)
	b := f.a.browser(t)
	b.login(f.officer)
	dash := b.openStream(fmt.Sprintf("/admin/events/%d/live/events", f.e.ID))
	proj := b.openStream(fmt.Sprintf("/admin/events/%d/projector/events", f.e.ID))
	first, _ := dash.next(t, 2*time.Second, anyEvent)
	if first.Eligible != 6 || first.Signed != 0 || first.Pending != 6 || first.Percent != "0" || len(first.Units) != 2 || len(first.Curve) != 60 {
		t.Fatalf("first event: %+v", first)
	}
	proj.next(t, 2*time.Second, anyEvent)

	// A signing in a quiet hall. The harness's timings (quickLive) make
	// the hub's once-a-second limit and the streams' spread milliseconds,
	// so the wait below bounds the code, not the spread.
	signed := time.Now()
	f.a.mustSign(t, f.e, f.teachers[0])
	got, _ := dash.next(t, time.Second, func(v liveJSON) bool { return v.Signed == 1 })
	t.Logf("the signing reached the dashboard after %s", time.Since(signed).Round(time.Millisecond))
	if got.Pending != 5 || got.Percent != "16,7" {
		t.Errorf("after one signing: %+v", got)
	}
	if u := got.Units[0]; u.Unit != "Dinas Pendidikan" || u.Signed != 1 || u.Eligible != 4 || u.Percent != "25" {
		t.Errorf("first unit after one signing: %+v", u)
	}
	if len(got.Latest) != 1 || got.Latest[0].Name != f.teachers[0].fullName() || got.Latest[0].Unit != "Dinas Pendidikan" ||
		got.Latest[0].Time != "09.00" {
		t.Errorf("latest after one signing: %+v", got.Latest)
	}
	if last := got.Curve[len(got.Curve)-1]; last.Minute != "09.00" || last.Count != 1 {
		t.Errorf("curve's last minute: %+v", last)
	}
	pv, raw := proj.next(t, time.Second, func(v liveJSON) bool { return v.Signed == 1 })
	if pv.Eligible != 6 || pv.Percent != "16,7" {
		t.Errorf("projector after one signing: %s", raw)
	}
	for _, k := range []string{"units", "latest", "curve"} {
		if strings.Contains(raw, `"`+k+`"`) {
			t.Errorf("projector stream carries %s: %s", k, raw)
		}
	}
	wantAbsent(t, "the projector stream", raw, f.teachers[0].Name, f.teachers[0].NIP, "Dinas Pendidikan")

	// A burst of signings comes out as few events, the last with all of them.
	for _, p := range append(f.teachers[1:], f.nurses...) {
		f.a.mustSign(t, f.e, p)
	}
	got, _ = dash.next(t, 3*time.Second, func(v liveJSON) bool { return v.Signed == 6 })
	if got.Pending != 0 || got.Percent != "100" || len(got.Latest) != 6 {
		t.Errorf("after everyone signed: %+v", got)
	}
}

// TestLiveStreamShutdown: an open stream does not hold up the server's
// graceful shutdown.
func TestLiveStreamShutdown(t *testing.T) {
	f := newLiveFixture(t)
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: f.a.h}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if err := f.a.db.CreateSession(ctx, registry.HashToken("shutdown-test"), f.officer.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("GET", fmt.Sprintf("http://%s/admin/events/%d/live/events", ln.Addr(), f.e.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "ikrar_session", Value: "shutdown-test"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if resp.StatusCode != http.StatusOK || line != "event: stats\n" {
		t.Fatalf("stream: status %d, first line %q, %v", resp.StatusCode, line, err)
	}
	shutdownCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		t.Fatalf("shutdown with a stream open: %v after %s", err, time.Since(start))
	}
	if err := <-served; err != http.ErrServerClosed {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Errorf("stream after shutdown: %v", err)
	}
}

// TestDashboardPages: the dashboard lists the units by completion with
// their counts and the latest signers; the projector shows the event code,
// the link and the totals, and no one's name, NIP or unit.
func TestDashboardPages(t *testing.T) {
	f := newLiveFixture(t)
	for _, p := range []person{f.nurses[0], f.nurses[1], f.teachers[0]} {
		f.a.mustSign(t, f.e, p)
	}
	b := f.a.browser(t)
	b.login(f.officer)
	p := b.get(fmt.Sprintf("/admin/events/%d/dashboard", f.e.ID))
	wantPage(t, p, http.StatusOK, "Dasbor langsung", fmt.Sprintf(`data-live-url="/admin/events/%d/live/events"`, f.e.ID),
		`<strong data-live="eligible">6</strong>`, `<strong data-live="signed">3</strong>`, `<strong data-live="pending">3</strong>`,
		`<span data-live="percent">50</span>%`, f.nurses[1].fullName(), f.teachers[0].fullName(), "<rect ",
		fmt.Sprintf(`href="/admin/events/%d/projector"`, f.e.ID))
	units := find(t, `(?s)<ol class="units" data-live="units">(.*?)</ol>`, p.Body)
	kesehatan, pendidikan := strings.Index(units, "Dinas Kesehatan"), strings.Index(units, "Dinas Pendidikan")
	if kesehatan < 0 || pendidikan < 0 || kesehatan > pendidikan {
		t.Errorf("units not listed most complete first:\n%s", units)
	}
	for _, row := range []string{"2 / 2 · 100%", "1 / 4 · 25%"} {
		if !strings.Contains(units, row) {
			t.Errorf("units do not show %q:\n%s", row, units)
		}
	}
	if strings.Contains(p.Body, "style=") {
		t.Error("the dashboard has a style attribute, which the CSP blocks")
	}

	p = b.get(fmt.Sprintf("/admin/events/%d/projector", f.e.ID))
	wantPage(t, p, http.StatusOK, `<body class="projector">`, f.e.EventCode, "Deklarasi Netralitas ASN Kabupaten Deli Serdang",
		strings.TrimPrefix(f.a.URL, "http://")+"/a/", fmt.Sprintf(`src="/admin/events/%d/qr.png"`, f.e.ID),
		`<span class="counter" data-live="signed">3</span>`, fmt.Sprintf(`data-live-url="/admin/events/%d/projector/events"`, f.e.ID))
	for _, q := range append(append([]person{}, f.teachers...), f.nurses...) {
		wantAbsent(t, "the projector", p.Body, q.Name, q.NIP, q.grouped(), q.masked())
	}
	wantAbsent(t, "the projector", p.Body, "Dinas Pendidikan", "Dinas Kesehatan", f.officer.Email, "/logout", "style=")
}

// TestDashboardScope: in a province's event, a regency's officer sees only
// the regency's participants, on the pages and on the stream; an officer
// of another province sees nothing at all.
func TestDashboardScope(t *testing.T) {
	a := newTestApp(t)
	super := a.mustToken(t, a.mustSuperadmin(t))
	ctx := context.Background()
	province := a.mustOrg(t, "Pemerintah Provinsi Sumatera Utara", registry.OrgProvince, "12")
	deli := &registry.Organization{ParentID: province.ID, Name: "Pemerintah Kabupaten Deli Serdang", Kind: registry.OrgRegency, RegionCode: "12.07"}
	medan := &registry.Organization{ParentID: province.ID, Name: "Pemerintah Kota Medan", Kind: registry.OrgCity, RegionCode: "12.71"}
	for _, o := range []*registry.Organization{deli, medan} {
		if err := a.svc.CreateOrganization(ctx, system, o); err != nil {
			t.Fatal(err)
		}
	}
	deliStaff, medanStaff := staff(220, 3, "Dinas Pendidikan"), staff(230, 5, "Dinas Kesehatan Kota Medan")
	a.mustImport(t, super, deli.ID, rosterCSV(deliStaff...))
	a.mustImport(t, super, medan.ID, rosterCSV(medanStaff...))
	e := a.mustEvent(t, super, province.ID, "Deklarasi Netralitas ASN Provinsi Sumatera Utara", nil)
	a.mustOpen(t, super, e.ID)
	a.mustSign(t, e, deliStaff[0])
	for _, p := range medanStaff[:4] {
		a.mustSign(t, e, p)
	}
	dash := fmt.Sprintf("/admin/events/%d/dashboard", e.ID)

	provincial := a.browser(t)
	provincial.login(a.mustUser(t, "bkd@sumutprov.test", registry.RoleAdmin, province.ID))
	p := provincial.get(dash)
	wantPage(t, p, http.StatusOK, `<strong data-live="eligible">8</strong>`, `<strong data-live="signed">5</strong>`,
		"Dinas Pendidikan · Pemerintah Kabupaten Deli Serdang", "Dinas Kesehatan Kota Medan · Pemerintah Kota Medan")

	regency := a.browser(t)
	regency.login(a.mustUser(t, "bkpsdm@deliserdang.test", registry.RoleViewer, deli.ID))
	p = regency.get(dash)
	wantPage(t, p, http.StatusOK, `<strong data-live="eligible">3</strong>`, `<strong data-live="signed">1</strong>`,
		`<span data-live="percent">33,3</span>%`, "Dinas Pendidikan", deliStaff[0].fullName())
	medanSecrets := []string{"Medan"}
	for _, q := range medanStaff {
		medanSecrets = append(medanSecrets, q.Name, q.NIP)
	}
	wantAbsent(t, "the regency's dashboard", p.Body, medanSecrets...)
	p = regency.get(fmt.Sprintf("/admin/events/%d/projector", e.ID))
	wantPage(t, p, http.StatusOK, `<span class="counter" data-live="signed">1</span>`, `<span data-live="eligible">3</span>`)
	s := regency.openStream(fmt.Sprintf("/admin/events/%d/live/events", e.ID))
	v, raw := s.next(t, 2*time.Second, anyEvent)
	if v.Eligible != 3 || v.Signed != 1 || len(v.Units) != 1 || len(v.Latest) != 1 {
		t.Errorf("the regency's stream: %s", raw)
	}
	wantAbsent(t, "the regency's stream", raw, medanSecrets...)

	outsider := a.browser(t)
	aceh := a.mustOrg(t, "Pemerintah Provinsi Aceh", registry.OrgProvince, "11")
	outsider.login(a.mustUser(t, "bkpsdm@acehprov.test", registry.RoleAdmin, aceh.ID))
	for _, path := range []string{dash, fmt.Sprintf("/admin/events/%d/projector", e.ID),
		fmt.Sprintf("/admin/events/%d/live/events", e.ID), fmt.Sprintf("/admin/events/%d/projector/events", e.ID)} {
		p := outsider.get(path)
		if p.Status != http.StatusNotFound {
			t.Errorf("outsider GET %s: status %d, want 404", path, p.Status)
		}
		wantAbsent(t, "the outsider's "+path, p.Body, append(medanSecrets, "Sumatera Utara", "Deli Serdang", e.EventCode)...)
	}
	if p := a.browser(t).get(dash); p.URL.Path != "/login" {
		t.Errorf("anonymous GET %s ended at %s, want the login page", dash, p.URL)
	}
}

// TestProgressCounts: the per-unit counters follow signings, revocations
// (a revoked record no longer counts), transfers between units and
// uploaded participant lists, and agree with EventStats.
func TestProgressCounts(t *testing.T) {
	f := newLiveFixture(t)
	ctx := context.Background()
	ev, err := f.a.db.Event(ctx, f.e.ID)
	if err != nil {
		t.Fatal(err)
	}
	units := func(t *testing.T) map[string][2]int {
		t.Helper()
		p, err := f.a.svc.Progress(ctx, ev, "/")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.a.db.EventStats(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		if p.Signed() != st.Signed {
			t.Errorf("progress counts %d signed, EventStats %d", p.Signed(), st.Signed)
		}
		out := map[string][2]int{}
		for _, u := range p.Units {
			out[u.Unit] = [2]int{u.Signed, u.Eligible}
		}
		return out
	}
	want := func(t *testing.T, step string, want map[string][2]int) {
		t.Helper()
		got := units(t)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: units (signed, eligible) %v, want %v", step, got, want)
		}
	}
	want(t, "before signing", map[string][2]int{"Dinas Pendidikan": {0, 4}, "Dinas Kesehatan": {0, 2}})
	codes := map[string]string{}
	for _, p := range []person{f.teachers[0], f.teachers[1], f.nurses[0]} {
		codes[p.NIP] = f.a.mustSign(t, f.e, p).Certificate.Code
	}
	want(t, "after three signings", map[string][2]int{"Dinas Pendidikan": {2, 4}, "Dinas Kesehatan": {1, 2}})

	r := f.a.api(t, "POST", "/api/v1/certificates/"+codes[f.teachers[1].NIP]+"/revoke", f.token,
		map[string]string{"reason": "Ditandatangani oleh orang lain"})
	if r.Status != http.StatusOK {
		t.Fatalf("revoke: status %d: %s", r.Status, r.Body)
	}
	want(t, "after a revocation", map[string][2]int{"Dinas Pendidikan": {1, 4}, "Dinas Kesehatan": {1, 2}})

	// A teacher who signed moves to the health office: her signature moves
	// with her.
	moved := f.teachers[0]
	moved.Unit = "Dinas Kesehatan"
	f.a.mustImport(t, f.token, ev.OrgID, rosterCSV(moved))
	want(t, "after a transfer", map[string][2]int{"Dinas Pendidikan": {0, 3}, "Dinas Kesehatan": {2, 3}})

	// An uploaded list narrows who may sign.
	var ids []int64
	for _, p := range []person{f.teachers[2], f.nurses[0]} {
		emp, err := f.a.db.EmployeeByNIP(ctx, "/", p.NIP)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, emp.ID)
	}
	if err := f.a.db.SetEventParticipants(ctx, ev.ID, ids); err != nil {
		t.Fatal(err)
	}
	want(t, "with a participant list", map[string][2]int{"Dinas Pendidikan": {0, 1}, "Dinas Kesehatan": {2, 1}})
}

// liveBench is a database with a regency of agencies and their employees,
// and an open event of the regency.
type liveBench struct {
	db       *sqlite.DB
	svc      *registry.Service
	regency  registry.Organization
	agencies []registry.Organization
	emps     []registry.Employee // agency by agency
	event    registry.Event
}

func newLiveBench(b *testing.B, agencies, perAgency int) *liveBench {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "ikrar.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	pledge := registry.DefaultPledge()
	if err := db.CreatePledge(ctx, &pledge); err != nil {
		b.Fatal(err)
	}
	lb := &liveBench{db: db, svc: registry.NewService(db, []byte("ikrar-bench-link-key-of-32-bytes"))}
	lb.regency = registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency}
	if err := lb.svc.CreateOrganization(ctx, system, &lb.regency); err != nil {
		b.Fatal(err)
	}
	for i := range agencies {
		o := registry.Organization{ParentID: lb.regency.ID, Name: fmt.Sprintf("Dinas %02d", i), Kind: registry.OrgAgency}
		if err := lb.svc.CreateOrganization(ctx, system, &o); err != nil {
			b.Fatal(err)
		}
		emps := make([]registry.Employee, perAgency)
		for j := range emps {
			emps[j] = registry.Employee{NIP: fmt.Sprintf("19800101%010d", i*perAgency+j), Name: fmt.Sprintf("Pegawai %d-%d", i, j),
				Unit: fmt.Sprintf("Bidang %d", j%3), Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}
		}
		if _, err := db.UpsertEmployees(ctx, o.ID, emps); err != nil {
			b.Fatal(err)
		}
		stored, _, err := db.Employees(ctx, registry.EmployeeFilter{Scope: o.Path, Limit: perAgency})
		if err != nil {
			b.Fatal(err)
		}
		lb.agencies, lb.emps = append(lb.agencies, o), append(lb.emps, stored...)
	}
	lb.event = registry.Event{OrgID: lb.regency.ID, Title: "Uji", Place: "Aula", Mode: registry.ModeInPerson, StartsAt: time.Now(),
		PledgeID: pledge.ID, OfficialName: "X", OfficialPosition: "Y"}
	if err := lb.svc.CreateEvent(ctx, system, &lb.event); err != nil {
		b.Fatal(err)
	}
	if lb.event, err = lb.svc.SetEventStatus(ctx, system, lb.event.ID, registry.StatusOpen, ""); err != nil {
		b.Fatal(err)
	}
	return lb
}

// BenchmarkEventStats100k is the live dashboard's query on an event of
// 100,000 employees in 40 agencies, 60,000 of whom signed within the last
// hour: what one refresh of a board costs, for the whole event, for one
// agency's officer, and for the officer of the quiet agency, where 20
// signed an hour ago and no one since (its latest records are not among
// the event's newest).
func BenchmarkEventStats100k(b *testing.B) {
	const agencies, perAgency, signers = 40, 2500, 60_000
	lb := newLiveBench(b, agencies, perAgency)
	ctx := context.Background()
	now := time.Now()
	// Signed through the group commit, as the signing path does, spread
	// over the last hour and the agencies, the quiet one first.
	const early = 20
	quiet, busy := lb.emps[len(lb.emps)-perAgency:], lb.emps[:len(lb.emps)-perAgency]
	var wg sync.WaitGroup
	work := make(chan int)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				emp, ago := quiet[i%early], time.Hour
				if i >= early {
					emp, ago = busy[(i-early)*len(busy)/(signers-early)], time.Duration(i%3600)*time.Second
				}
				s := &registry.Signature{EventID: lb.event.ID, EmployeeID: emp.ID, Code: fmt.Sprintf("L%011d", i), NIP: emp.NIP,
					Name: emp.Name, Unit: emp.Unit, OrgName: "Dinas", Category: emp.Category, PledgeHash: registry.DefaultPledge().Hash,
					Ink: registry.Ink{Kind: registry.InkTyped, Typed: emp.Name}, Consent: true,
					SignedAt: now.Add(-ago).UTC().Truncate(time.Millisecond),
					Channel:  registry.ChannelEventCode, IdentitySalt: []byte("0123456789abcdef"), LeafIndex: -1}
				if err := lb.db.InsertSignature(ctx, s); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for i := range signers {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, bc := range []struct {
		name, scope string
		units       int
	}{{"event", "/", agencies * 3}, {"agency", lb.agencies[7].Path, 3}, {"quiet-agency", lb.agencies[agencies-1].Path, 3}} {
		b.Run(bc.name, func(b *testing.B) {
			var p registry.Progress
			var err error
			for b.Loop() {
				if p, err = lb.svc.Progress(ctx, lb.event, bc.scope); err != nil {
					b.Fatal(err)
				}
			}
			if len(p.Units) != bc.units || len(p.Latest) != registry.LatestShown ||
				(bc.scope == "/" && (p.Eligible() != agencies*perAgency || p.Signed() != signers)) {
				b.Fatalf("%d units, %d eligible, %d signed, %d latest", len(p.Units), p.Eligible(), p.Signed(), len(p.Latest))
			}
			for _, s := range p.Latest {
				if bc.name == "quiet-agency" && !strings.HasPrefix(s.Name, fmt.Sprintf("Pegawai %d-", agencies-1)) {
					b.Fatalf("the quiet agency's latest records include %s", s.Name)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}

// BenchmarkSigningWithDashboards signs through the API from 64 concurrent
// signers, once with no dashboard open and once with 500 dashboards
// streaming the event: the dashboards share one computation per second, so
// the signing latency should not move (issue 5: p99 within 10%). Run with
// a fixed count, e.g. -benchtime=3000x.
func BenchmarkSigningWithDashboards(b *testing.B) {
	for _, dashboards := range []int{0, 500} {
		b.Run(fmt.Sprintf("dashboards=%d", dashboards), func(b *testing.B) {
			ctx := context.Background()
			lb := newLiveBench(b, 40, 500)
			if b.N > len(lb.emps) {
				b.Fatalf("at most %d signings: use -benchtime=Nx", len(lb.emps))
			}
			u := &registry.User{Email: "bkpsdm@uji.test", Name: "Petugas", Role: registry.RoleViewer, OrgID: lb.regency.ID}
			if err := lb.svc.CreateUser(ctx, system, u, testPassword); err != nil {
				b.Fatal(err)
			}
			if err := lb.db.CreateSession(ctx, registry.HashToken("bench-session"), u.ID, time.Now().Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewUnstartedServer(nil)
			b.Cleanup(ts.Close)
			srv, err := web.New(web.Options{BaseURL: "http://" + ts.Listener.Addr().String(), Templates: ikrar.Templates,
				Static: ikrar.Static, DownloadKey: []byte("ikrar-bench-download-key-32bytes")}, lb.svc, lb.db, nil,
				web.Transparency{Store: lb.db}, slog.New(slog.DiscardHandler))
			if err != nil {
				b.Fatal(err)
			}
			ts.Config.Handler = srv.Handler()
			ts.Start()

			// The dashboards, each reading its stream until the benchmark
			// ends.
			streamCtx, stopStreams := context.WithCancel(ctx)
			var streams sync.WaitGroup
			b.Cleanup(func() { stopStreams(); streams.Wait() })
			first := make(chan struct{}, dashboards)
			for range dashboards {
				req, _ := http.NewRequestWithContext(streamCtx, "GET", fmt.Sprintf("%s/admin/events/%d/live/events", ts.URL, lb.event.ID), nil)
				req.AddCookie(&http.Cookie{Name: "ikrar_session", Value: "bench-session"})
				resp, err := (&http.Transport{}).RoundTrip(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("dashboard stream: %v %v", resp, err)
				}
				streams.Add(1)
				go func() {
					defer streams.Done()
					defer resp.Body.Close()
					sc := bufio.NewScanner(resp.Body)
					sc.Buffer(make([]byte, 64<<10), 1<<20)
					seen := false
					for sc.Scan() {
						if !seen && strings.HasPrefix(sc.Text(), "data: ") {
							seen = true
							first <- struct{}{}
						}
					}
				}()
			}
			for range dashboards {
				<-first
			}

			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
			strokes := json.RawMessage(strokesJSON())
			var next atomic.Int64
			var mu sync.Mutex
			var latencies []time.Duration
			b.SetParallelism(32) // × GOMAXPROCS 2: 64 signers
			cpu := processCPU(b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					emp := lb.emps[next.Add(1)-1]
					body, _ := json.Marshal(map[string]any{"nip": emp.NIP, "event_code": lb.event.Code, "consent": true, "signature_strokes": strokes})
					start := time.Now()
					resp, err := client.Post(fmt.Sprintf("%s/api/v1/events/%d/signatures", ts.URL, lb.event.ID), "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						b.Errorf("sign: status %d", resp.StatusCode)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			})
			b.StopTimer()
			cpu = processCPU(b) - cpu
			if len(latencies) == 0 {
				return
			}
			slices.Sort(latencies)
			pct := func(q float64) float64 {
				return float64(latencies[min(len(latencies)-1, int(q*float64(len(latencies))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(len(latencies))/b.Elapsed().Seconds(), "signings/s")
			// CPU time (server and in-process clients alike) tells the
			// dashboards' cost apart from a busy machine's noise better than
			// latency does.
			b.ReportMetric(float64(cpu.Microseconds())/float64(len(latencies)), "cpu-µs/signing")
		})
	}
}

// processCPU is the CPU time the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
