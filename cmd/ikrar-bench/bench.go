package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ikrar-id/ikrar/internal/api"
)

// The superadmin the tool creates: the API token acts as it, and the
// dashboards phase logs in as it.
const (
	benchEmail    = "bench@ikrar.test"
	benchPassword = "sandi-rahasia-uji-2024"
)

// bench is one run of the tool.
type bench struct {
	cfg    config
	stdout io.Writer
	stderr io.Writer

	dir     string // temporary directory: binary, data directory, logs
	dataDir string
	bin     string
	api     apiClient
	ikrar   *child
	more    []*child // with -instances: the other instances on the database
	db      *cluster // the PostgreSQL server, when it runs on this machine
	ceiling *child
	tr      *http.Transport
	client  *http.Client
	event   benchEvent
	pay     payloads
	certs   certs // from the API signings (PNG ink) and the preload
	uiCerts certs // from the web-form signings (stroke ink)
	nbytes  atomic.Int64
	rg      ranges // who signs in which phase
	signed  int    // signings acknowledged so far, to compare with the event's count

	report report
}

// report is everything the run found, printed as a table and written as
// JSON with -json.
type report struct {
	Machine    machine        `json:"machine"`
	Command    string         `json:"command"`
	Started    time.Time      `json:"started"`
	Config     reportConfig   `json:"config"`
	Seeding    []string       `json:"seeding"`
	Phases     []phaseResult  `json:"phases"`
	PageWeight *weight        `json:"page_weight,omitempty"`
	KillTest   []killRound    `json:"kill_test,omitempty"`
	Attack     *attackResult  `json:"attack,omitempty"`
	Memory     *memoryResult  `json:"memory,omitempty"`
	Checks     []string       `json:"checks"`
	Payload    map[string]int `json:"payload_bytes"`
	IdleRSSMB  float64        `json:"server_idle_rss_mb"`
	HWMMB      float64        `json:"server_vmhwm_mb"`
	Errors     map[string]int `json:"server_logged_errors"`
}

type reportConfig struct {
	Employees       int     `json:"employees"`
	Concurrency     int     `json:"concurrency"`
	DurationS       float64 `json:"duration_s"`
	CeilingDuration float64 `json:"ceiling_duration_s"`
	Requests        int     `json:"requests_cap"`
	Gzip            bool    `json:"accept_gzip"`
	Preload         int     `json:"preloaded_signatures"`
	// Store is "sqlite", "postgres" or "postgres:N" for N instances.
	Store string `json:"store"`
}

type memoryResult struct {
	Preloaded int     `json:"preloaded_signatures"`
	PeakMB    float64 `json:"peak_rss_mb"`
	Met       string  `json:"met"`
}

// phaseResult is one phase against ikrar and against the ceiling.
type phaseResult struct {
	Name      string   `json:"phase"`
	Clients   int      `json:"clients"`
	Target    string   `json:"target"`
	Ikrar     stats    `json:"ikrar"`
	Ceiling   *stats   `json:"ceiling,omitempty"`
	Ratio     float64  `json:"ratio_to_ceiling"`
	Rate      float64  `json:"offered_req_per_s,omitempty"` // open load; 0: closed
	MeanBytes float64  `json:"mean_response_bytes,omitempty"`
	LoadAvg   string   `json:"loadavg_after_ikrar"` // at the end of the phase against ikrar
	Met       string   `json:"met"`
	Notes     []string `json:"notes,omitempty"`
}

// target is what a phase must reach; zero fields are not part of it.
type target struct {
	text       string
	minRPS     float64
	maxP99     float64 // ms
	minRatio   float64
	minSeconds float64 // sustained for at least this long
}

func (t target) judge(r *phaseResult) {
	var miss []string
	if r.Ikrar.Errors > 0 {
		miss = append(miss, fmt.Sprintf("%d errors", r.Ikrar.Errors))
	}
	if t.minRPS > 0 && r.Ikrar.RPS < t.minRPS {
		miss = append(miss, fmt.Sprintf("%.0f/s < %.0f/s", r.Ikrar.RPS, t.minRPS))
	}
	if t.maxP99 > 0 && r.Ikrar.P99 > t.maxP99 {
		miss = append(miss, fmt.Sprintf("p99 %.0f ms > %.0f ms", r.Ikrar.P99, t.maxP99))
	}
	if t.minRatio > 0 && r.Ratio < t.minRatio {
		miss = append(miss, fmt.Sprintf("ratio %.2f < %.2f", r.Ratio, t.minRatio))
	}
	switch {
	case len(miss) > 0:
		r.Met = "NOT MET: " + strings.Join(miss, "; ")
	case t.minSeconds > 0 && r.Ikrar.Seconds < t.minSeconds-1:
		r.Met = fmt.Sprintf("met over %.0f s (target window %.0f s)", r.Ikrar.Seconds, t.minSeconds)
	default:
		r.Met = "met"
	}
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (b *bench) run(ctx context.Context) (err error) {
	b.report = report{Machine: describeMachine(), Command: "ikrar-bench " + strings.Join(os.Args[1:], " "), Started: time.Now().UTC(),
		Payload: map[string]int{}, Errors: map[string]int{}}
	m := b.report.Machine
	b.logf("machine: %d CPUs (%s), %.0f MB, %s, GOMAXPROCS %d, load %s", m.NProc, m.CPU, m.MemTotalMB, m.GoVersion, m.GOMAXPROCS, m.LoadAvg)
	if b.dir, err = os.MkdirTemp("", "ikrar-bench-"); err != nil {
		return err
	}
	defer func() {
		if b.cfg.Keep {
			b.logf("kept %s", b.dir)
			return
		}
		os.RemoveAll(b.dir)
	}()
	b.dataDir = filepath.Join(b.dir, "data")
	defer b.stopServers()

	b.tr = &http.Transport{MaxIdleConns: 4 * b.cfg.Concurrency, MaxIdleConnsPerHost: 4 * b.cfg.Concurrency, IdleConnTimeout: 90 * time.Second,
		DisableCompression: !b.cfg.Gzip}
	defer b.tr.CloseIdleConnections()
	b.client = &http.Client{Transport: b.tr, Timeout: time.Minute, CheckRedirect: noRedirect}

	if b.bin = b.cfg.Bin; b.bin == "" {
		b.logf("building ikrar")
		if b.bin, err = buildIkrar(ctx, b.dir); err != nil {
			return err
		}
	}
	if _, err := ikrarCLI(ctx, b.bin, benchPassword+"\n", append([]string{"user", "add", "--data", b.dataDir, "--email", benchEmail,
		"--name", "Admin Uji Beban", "--role", "superadmin"}, b.databaseFlags()...)...); err != nil {
		return err
	}
	token, err := ikrarCLI(ctx, b.bin, "", append([]string{"token", "create", "--data", b.dataDir, "--email", benchEmail}, b.databaseFlags()...)...)
	if err != nil {
		return err
	}

	t0 := time.Now()
	if b.pay, err = makePayloads(256, 48); err != nil {
		return err
	}
	b.report.Payload["strokes_form_mean"] = b.pay.strokeN
	b.report.Payload["signature_png_mean"] = b.pay.pngSize
	b.logf("payloads: 256 stroke drawings (mean %d B as the form posts them), 48 signature PNGs (mean %d B) in %s", b.pay.strokeN, b.pay.pngSize, time.Since(t0).Round(time.Millisecond))

	if b.cfg.Preload > 0 {
		raw := make([][]byte, 64)
		for i := range raw {
			raw[i] = strokesJSON(uint64(i)+5000, time.Now().UnixMilli())
		}
		t := time.Now()
		if err := preload(ctx, b.dataDir, b.cfg.Preload, raw, &b.certs, b.logf); err != nil {
			return err
		}
		b.report.Seeding = append(b.report.Seeding, fmt.Sprintf("preloaded %d signatures through the store in %s", b.cfg.Preload, time.Since(t).Round(time.Second)))
	}

	if b.ikrar, err = startIkrar(ctx, b.bin, b.dataDir, b.serveFlags()...); err != nil {
		return err
	}
	b.report.IdleRSSMB = b.ikrar.rss.peakMB()
	b.logf("ikrar serving at %s (pid %d, RSS %.1f MB)", b.ikrar.base, b.ikrar.pid(), b.report.IdleRSSMB)
	if err := b.startMoreInstances(ctx); err != nil {
		return err
	}
	if b.cfg.Database != "" {
		if b.db, err = findCluster(ctx, b.cfg.Database); err != nil {
			return err
		}
		if b.db == nil {
			b.logf("PostgreSQL is not a process of this machine: its CPU is not counted")
		}
	}
	b.api = apiClient{base: b.ikrar.base, token: strings.TrimSpace(token), client: &http.Client{Timeout: 10 * time.Minute}}

	if b.cfg.KillTest {
		return b.runKillTest(ctx)
	}
	if b.cfg.Attack {
		return b.runAttack(ctx)
	}
	return b.runPhases(ctx)
}

// serveFlags are the flags the server gets beyond startIkrar's: the attack
// run measures the server as deployed, limits on, behind a proxy on
// loopback whose X-Forwarded-For it believes.
func (b *bench) serveFlags() []string {
	if b.cfg.Attack {
		return append([]string{"--rate-limit", "on", "--trusted-proxies", "127.0.0.1/32"}, b.databaseFlags()...)
	}
	return b.databaseFlags()
}

// databaseFlags name the PostgreSQL database (-database) to every command
// that opens the store; none on SQLite.
func (b *bench) databaseFlags() []string {
	if b.cfg.Database == "" {
		return nil
	}
	return []string{"--database", b.cfg.Database}
}

// startMoreInstances starts the instances beyond the first, each on a
// copy of the first's data directory (its keys, secret and origin, as
// docs/DEPLOY.md says), and spreads the clients' connections over all of
// them.
func (b *bench) startMoreInstances(ctx context.Context) error {
	addrs := []string{strings.TrimPrefix(b.ikrar.base, "http://")}
	for i := 2; i <= b.cfg.Instances; i++ {
		dir := filepath.Join(b.dir, fmt.Sprintf("data-%d", i))
		if err := os.CopyFS(dir, os.DirFS(b.dataDir)); err != nil {
			return fmt.Errorf("copy the data directory for instance %d: %w", i, err)
		}
		os.Remove(filepath.Join(dir, "serve.log"))
		c, err := startIkrar(ctx, b.bin, dir, b.serveFlags()...)
		if err != nil {
			return fmt.Errorf("instance %d: %w", i, err)
		}
		b.more = append(b.more, c)
		addrs = append(addrs, strings.TrimPrefix(c.base, "http://"))
		b.logf("ikrar instance %d serving at %s (pid %d)", i, c.base, c.pid())
	}
	if len(addrs) > 1 {
		b.tr.DialContext = spread(addrs)
	}
	return nil
}

// spread dials each new connection to the first address to the next of
// addrs in turn, as a balancer in front of the instances does connection
// by connection; other addresses are dialled as they are.
func spread(addrs []string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	var n atomic.Uint64
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == addrs[0] {
			addr = addrs[(n.Add(1)-1)%uint64(len(addrs))]
		}
		return d.DialContext(ctx, network, addr)
	}
}

// instances are the ikrar servers of the run.
func (b *bench) instances() []*child { return append([]*child{b.ikrar}, b.more...) }

func (b *bench) stopServers() {
	if b.ikrar != nil {
		b.report.HWMMB = b.ikrar.rss.hwmMB()
		logs := 0
		for i, c := range b.instances() {
			if len(b.more) > 0 {
				b.logf("instance %d used %s of CPU", i+1, procCPU(itoa(int64(c.pid()))))
			}
			c.stop()
			logs += serverErrors(c.logPath)
		}
		b.report.Errors["ikrar"] = logs
		b.ikrar, b.more = nil, nil
	}
	if b.ceiling != nil {
		b.ceiling.stop()
		b.ceiling = nil
	}
}

// signRate sizes the employee ranges when -n is not given: each signing
// phase gets enough people to sign at this rate for its whole duration
// (web-form signing reached 4,040/s: 4,000 ran out).
const signRate = 6000

// ranges splits the seeded employees between the page-weight walk-through
// and the phases that sign, so nobody signs twice.
type ranges struct {
	total                            int
	misc, ui, api, prep, kills, dash [2]int
}

func (b *bench) plan() ranges {
	want := func(run bool) int {
		if !run {
			return 0
		}
		n := int(b.cfg.Duration.Seconds() * signRate)
		if b.cfg.Requests > 0 {
			n = min(n, b.cfg.Requests)
		}
		return n
	}
	has := b.has
	ui, apiN, prep := want(has("sign-ui") && !b.cfg.KillTest), want(has("sign-api") && !b.cfg.KillTest), 0
	dash := 0
	if has("dashboards") && !b.cfg.KillTest {
		dash = int(b.cfg.Duration.Seconds()/2*dashSegments*b.cfg.DashRate) + 1000
	}
	kills := 0
	if b.cfg.KillTest {
		kills = b.cfg.KillRounds * 40_000
	}
	if !has("sign-api") && (has("pdf") || has("verify-json") || has("verify-html")) && !b.cfg.KillTest {
		// Certificates to download and look up, signed before the phases.
		prep = 5000
		if has("pdf") {
			prep = max(prep, int(b.cfg.Duration.Seconds()*2000)) // pdf-first and pdf-first-rate
		}
	}
	if b.cfg.N > 0 {
		// Share an explicit -n among the phases in the same proportions.
		sum := ui + apiN + prep + kills + dash
		scale := float64(max(b.cfg.N-100, 0)) / float64(max(sum, 1))
		ui, apiN, prep, kills, dash = int(float64(ui)*scale), int(float64(apiN)*scale), int(float64(prep)*scale), int(float64(kills)*scale), int(float64(dash)*scale)
	}
	var r ranges
	at := 0
	next := func(n int) [2]int { a := [2]int{at, at + n}; at += n; return a }
	r.misc, r.ui, r.api, r.prep, r.kills, r.dash = next(100), next(ui), next(apiN), next(prep), next(kills), next(dash)
	r.total = at
	return r
}

// strokesForm is one drawing, decoded back from its form encoding.
func strokesForm(p payloads) string {
	s, _ := urlUnescape(p.strokes[0])
	return s
}

type (
	setupFn func(ctx context.Context, w *worker) error
	doFn    func(ctx context.Context, w *worker) (outcome, error)
)

func (b *bench) last() *phaseResult { return &b.report.Phases[len(b.report.Phases)-1] }

// phase runs one phase against ikrar for -duration, then against the
// ceiling server for -ceiling-duration, with the same concurrency and, if
// rate is not zero, the same open load at that rate (see load).
func (b *bench) phase(ctx context.Context, name string, t target, rate float64, mk func(base string, ceiling bool) (setupFn, doFn), after func(*phaseResult)) error {
	r := phaseResult{Name: name, Target: t.text, Clients: b.cfg.Concurrency, Rate: rate}
	if strings.HasPrefix(name, "pdf") {
		r.Clients = b.cfg.PDFConcurrency
	}
	if rate > 0 {
		b.logf("%s: %.0f requests/s through at most %d clients for %s against ikrar", name, rate, r.Clients, b.cfg.Duration)
	} else {
		b.logf("%s: %d clients for %s against ikrar", name, r.Clients, b.cfg.Duration)
	}
	setup, do := mk(b.ikrar.base, false)
	b.nbytes.Store(0)
	b.ikrar.rss.reset()
	cpu := b.ikrarCPU()
	m, err := load{Concurrency: r.Clients, Duration: b.cfg.Duration, MaxRequests: b.cfg.Requests, Rate: rate}.run(ctx, setup, do)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	r.Ikrar = summarize(m)
	r.Ikrar.PeakRSS = b.ikrar.rss.peakMB()
	cpu.per(&r.Ikrar)
	r.LoadAvg = loadAvg()
	if r.Ikrar.Requests > 0 {
		r.MeanBytes = float64(b.nbytes.Load()) / float64(r.Ikrar.Requests)
	}
	b.tr.CloseIdleConnections()
	b.logf("%s: ikrar %d requests, %.0f/s, p50 %.1f ms, p99 %.1f ms, %d errors, peak RSS %.1f MB, CPU per request %.2f ms server + %.2f ms PostgreSQL + %.2f ms load generator",
		name, r.Ikrar.Requests, r.Ikrar.RPS, r.Ikrar.P50, r.Ikrar.P99, r.Ikrar.Errors, r.Ikrar.PeakRSS, r.Ikrar.ServerCPU, r.Ikrar.DatabaseCPU, r.Ikrar.ClientCPU)

	setup, do = mk(b.ceiling.base, true)
	b.ceiling.rss.reset()
	cpu = startCPU(nil, b.ceiling)
	m, err = load{Concurrency: r.Clients, Duration: b.cfg.CeilingDuration, MaxRequests: b.cfg.Requests, Rate: rate}.run(ctx, setup, do)
	if err != nil {
		return fmt.Errorf("%s ceiling: %w", name, err)
	}
	cs := summarize(m)
	cs.PeakRSS = b.ceiling.rss.peakMB()
	cpu.per(&cs)
	r.Ceiling = &cs
	if cs.RPS > 0 {
		r.Ratio = r.Ikrar.RPS / cs.RPS
	}
	b.tr.CloseIdleConnections()
	b.logf("%s: ceiling %.0f/s, p99 %.1f ms, %d errors, CPU per request %.2f ms server + %.2f ms load generator → ratio %.2f",
		name, cs.RPS, cs.P99, cs.Errors, cs.ServerCPU, cs.ClientCPU, r.Ratio)
	if cs.Errors > 0 {
		r.Notes = append(r.Notes, "ceiling errors: "+reasons(cs.ByReason))
	}
	if after != nil {
		after(&r)
	}
	t.judge(&r)
	b.report.Phases = append(b.report.Phases, r)
	return nil
}

// checkSignedCount compares the event's signed count with the signings
// the tool saw succeed: every acknowledged signing must be stored once.
func (b *bench) checkSignedCount(ctx context.Context) error {
	want := b.signed
	var ev api.Event
	if err := b.api.call(ctx, http.MethodGet, "/api/v1/events/"+itoa(b.event.ID), "", nil, http.StatusOK, &ev); err != nil {
		return err
	}
	got := -1
	if ev.Signed != nil {
		got = *ev.Signed
	}
	msg := fmt.Sprintf("event reports %d signed; the tool saw %d signings succeed", got, want)
	if got != want {
		msg = "MISMATCH: " + msg
	}
	b.report.Checks = append(b.report.Checks, msg)
	b.logf("%s", msg)
	return nil
}

// cpuMark is the CPU time the servers, the PostgreSQL cluster (if any)
// and this process had used when a run started.
type cpuMark struct {
	pids                     []string
	db                       *cluster
	server, database, client time.Duration
}

// ikrarCPU marks the CPU time of every ikrar instance and of PostgreSQL.
func (b *bench) ikrarCPU() cpuMark { return startCPU(b.db, b.instances()...) }

func startCPU(db *cluster, servers ...*child) cpuMark {
	m := cpuMark{db: db, client: procCPU("self")}
	for _, c := range servers {
		m.pids = append(m.pids, itoa(int64(c.pid())))
	}
	m.server = m.serverCPU()
	if db != nil {
		m.database = db.cpu()
	}
	return m
}

// serverCPU sums the servers' CPU time; -1 if one is unreadable.
func (m cpuMark) serverCPU() time.Duration {
	var sum time.Duration
	for _, pid := range m.pids {
		t := procCPU(pid)
		if t < 0 {
			return -1
		}
		sum += t
	}
	return sum
}

// per sets the CPU time per request used since the mark.
func (m cpuMark) per(s *stats) {
	if s.Requests == 0 || m.server < 0 || m.client < 0 {
		return
	}
	n := float64(s.Requests) * float64(time.Millisecond)
	s.ServerCPU = float64(m.serverCPU()-m.server) / n
	s.ClientCPU = float64(procCPU("self")-m.client) / n
	if m.db != nil && m.database >= 0 {
		s.DatabaseCPU = float64(m.db.cpu()-m.database) / n
	}
}
