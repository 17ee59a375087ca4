package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/ink"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p50 of 1..100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is the max", ms(hundred...), 100, 100 * time.Millisecond},
		{"p0 is the min", ms(hundred...), 0, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: percentile(p%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	m := measured{Latencies: []time.Duration{4 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond},
		Errors: map[string]int{"status 500": 1}, Elapsed: 2 * time.Second}
	s := summarize(m)
	if s.Requests != 4 || s.Errors != 1 || s.RPS != 2 || s.P50 != 2 || s.Max != 4 {
		t.Errorf("summarize = %+v", s)
	}
	if m.Latencies[0] != 4*time.Millisecond {
		t.Error("summarize reordered the caller's samples")
	}
}

// The drawn-signature PNGs decode as 600×200 RGBA canvases of a few KB
// with transparent background and dark ink, and ikrar accepts them.
func TestSignaturePNG(t *testing.T) {
	for seed := range uint64(20) {
		b, err := signaturePNG(seed)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 2<<10 || len(b) > 16<<10 {
			t.Errorf("seed %d: %d bytes, want a few KB", seed, len(b))
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		nrgba, ok := img.(*image.NRGBA)
		if !ok || img.Bounds() != image.Rect(0, 0, 600, 200) {
			t.Fatalf("seed %d: %T %v, want 600×200 NRGBA", seed, img, img.Bounds())
		}
		inked, partial := 0, 0
		for i := 3; i < len(nrgba.Pix); i += 4 {
			switch a := nrgba.Pix[i]; {
			case a == 255:
				inked++
			case a > 0:
				partial++
			}
		}
		if inked < 500 || partial < 200 || nrgba.Pix[3] != 0 {
			t.Errorf("seed %d: %d opaque and %d anti-aliased pixels, corner alpha %d", seed, inked, partial, nrgba.Pix[3])
		}
		if _, err := ink.NormalizePNG(b); err != nil {
			t.Errorf("seed %d: ikrar refuses it: %v", seed, err)
		}
	}
}

// The strokes are signature_pad's toData() shape with 150–300 points, and
// ikrar accepts them, as JSON and as the form posts them; two signers draw
// differently.
func TestStrokes(t *testing.T) {
	prev := ""
	for seed := range uint64(50) {
		raw := strokesJSON(seed, time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC).UnixMilli())
		var groups []api.StrokeGroup
		if err := json.Unmarshal(raw, &groups); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, g := range groups {
			n += len(g.Points)
		}
		if n < 150 || n > 300 || len(groups) < 2 || len(groups) > 4 {
			t.Errorf("seed %d: %d strokes, %d points", seed, len(groups), n)
		}
		if _, err := ink.ParseStrokes(raw); err != nil {
			t.Errorf("seed %d: ikrar refuses it: %v", seed, err)
		}
		if _, err := ink.ParseCompact(strokesCompact(seed, 0)); err != nil {
			t.Errorf("seed %d: ikrar refuses it as the form posts it: %v", seed, err)
		}
		if string(raw) == prev {
			t.Errorf("seed %d draws the same as seed %d", seed, seed-1)
		}
		prev = string(raw)
	}
}

func TestSigners(t *testing.T) {
	s := newSigners(10, 13, false)
	var got []int
	for {
		i, ok := s.take()
		if !ok {
			break
		}
		got = append(got, i)
	}
	if len(got) != 3 || got[0] != 10 || got[2] != 12 || s.used() != 3 {
		t.Errorf("took %v, used %d", got, s.used())
	}
	w := newSigners(10, 13, true)
	for k := range 7 {
		if i, ok := w.take(); !ok || i != 10+k%3 {
			t.Fatalf("wrapping take %d = %d, %v", k, i, ok)
		}
	}
}

// The load driver stops at the request cap and when the source runs out,
// and counts failures by reason.
func TestLoadBounds(t *testing.T) {
	ctx := context.Background()
	m, err := load{Concurrency: 8, Duration: time.Minute, MaxRequests: 100}.run(ctx, nil, func(ctx context.Context, w *worker) (outcome, error) {
		return success, nil
	})
	if err != nil || len(m.Latencies) != 100 || m.Exhausted {
		t.Errorf("capped run: %d requests, exhausted %v, %v", len(m.Latencies), m.Exhausted, err)
	}
	src := newSigners(0, 50, false)
	m, err = load{Concurrency: 4, Duration: time.Minute}.run(ctx, nil, func(ctx context.Context, w *worker) (outcome, error) {
		i, ok := src.take()
		if !ok {
			return outcome{}, errExhausted
		}
		if i%10 == 0 {
			return failed("status %d", 503), nil
		}
		return success, nil
	})
	if err != nil || len(m.Latencies) != 50 || !m.Exhausted || m.Errors["status 503"] != 5 {
		t.Errorf("exhausting run: %d requests, exhausted %v, errors %v, %v", len(m.Latencies), m.Exhausted, m.Errors, err)
	}
	start := time.Now()
	_, err = load{Concurrency: 2, Duration: 50 * time.Millisecond}.run(ctx, func(ctx context.Context, w *worker) error {
		return nil
	}, func(ctx context.Context, w *worker) (outcome, error) {
		time.Sleep(time.Millisecond)
		return success, nil
	})
	if err != nil || time.Since(start) > 2*time.Second {
		t.Errorf("timed run took %s (%v)", time.Since(start), err)
	}
	_, err = load{Concurrency: 2, Duration: time.Second}.run(ctx, func(ctx context.Context, w *worker) error {
		return errors.New("no page")
	}, nil)
	if err == nil {
		t.Error("a failed setup did not fail the phase")
	}
}

// The ceiling answers each phase's request as ikrar does: 303 to /c/ for
// the form, 201 with a certificate for the API, a PDF, and 200 look-ups.
func TestCeiling(t *testing.T) {
	srv := httptest.NewServer(ceilingHandler())
	defer srv.Close()
	p, err := makePayloads(2, 2)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	ctx := context.Background()
	ev := benchEvent{ID: 1, Slug: "abc", Code: "K7M4QX"}
	c, err := openEventPage(ctx, tr, srv.URL, ev.Slug)
	if err != nil {
		t.Fatal(err)
	}
	out := &certs{}
	if o, err := signUI(ctx, c, srv.URL, ev, newSigners(0, 1, false), p, out); err != nil || !o.ok {
		t.Fatalf("sign-ui: %+v %v", o, err)
	}
	client := &http.Client{Transport: tr, CheckRedirect: noRedirect}
	if o, err := signAPI(ctx, client, srv.URL, ev, newSigners(0, 1, false), p, out); err != nil || !o.ok {
		t.Fatalf("sign-api: %+v %v", o, err)
	}
	codes, pdfs := out.snapshot()
	if len(codes) != 2 || len(pdfs) != 2 || !strings.HasPrefix(pdfs[1], "/c/"+codes[1]+"/sertifikat.pdf?k=") {
		t.Fatalf("collected %v %v", codes, pdfs)
	}
	var n atomic.Int64
	for _, tc := range []struct{ path, prefix string }{
		{pdfs[1], "%PDF"}, {"/api/v1/certificates/" + codes[0], "{"}, {"/v/" + codes[0], "<!doctype"},
	} {
		for _, gz := range []bool{false, true} {
			if o, err := fetch(ctx, client, gz, srv.URL, tc.path, http.StatusOK, tc.prefix, &n); err != nil || !o.ok {
				t.Errorf("GET %s (gzip %v): %+v %v", tc.path, gz, o, err)
			}
		}
	}
	if n.Load() < ceilingPDFBytes {
		t.Errorf("read %d bytes, want at least the %d of the PDF", n.Load(), ceilingPDFBytes)
	}
	// A form without its CSRF token is refused, as ikrar refuses it.
	resp, err := client.PostForm(srv.URL+"/e/abc/sign", url.Values{"nip": {"1"}, "code": {"X"}, "consent": {"1"}, "signature_strokes": {"[]"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("form without token: %d, want 403", resp.StatusCode)
	}
}

func TestParseConfig(t *testing.T) {
	var buf bytes.Buffer
	c, err := parseConfig([]string{"-duration", "20s", "-phases", "sign-api, verify-json"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if c.Duration != 20*time.Second || c.CeilingDuration != 15*time.Second || len(c.Phases) != 2 || c.Concurrency != 200 {
		t.Errorf("config %+v", c)
	}
	if c, _ := parseConfig([]string{"-duration", "5s"}, &buf); c.CeilingDuration != 5*time.Second {
		t.Errorf("ceiling duration %v, want capped at -duration", c.CeilingDuration)
	}
	for _, bad := range [][]string{{"-phases", "sign-ui,nope"}, {"-c", "0"}, {"-duration", "0s"}, {"extra"}} {
		if _, err := parseConfig(bad, &buf); err == nil {
			t.Errorf("parseConfig(%q) accepted", bad)
		}
	}
}

func TestProcCPU(t *testing.T) {
	before := procCPU("self")
	for deadline := time.Now().Add(50 * time.Millisecond); time.Now().Before(deadline); {
	}
	if after := procCPU("self"); before < 0 || after < before {
		t.Errorf("procCPU(self): %v then %v", before, after)
	}
	if procCPU("0") != -1 {
		t.Error("procCPU of a process that does not exist is not -1")
	}
}

// An open load sends at its rate whatever the server does, and a slow
// answer delays the requests behind it in the latency, not in the count:
// with one worker and a 20 ms stall, the requests due during the stall
// report the wait.
func TestOpenLoad(t *testing.T) {
	ctx := context.Background()
	var n atomic.Int64
	start := time.Now()
	m, err := load{Concurrency: 1, Duration: 200 * time.Millisecond, Rate: 500}.run(ctx, nil, func(ctx context.Context, w *worker) (outcome, error) {
		if n.Add(1) == 10 {
			time.Sleep(20 * time.Millisecond)
		}
		return success, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Latencies) != 100 {
		t.Fatalf("%d requests, want 100 (500/s for 200 ms)", len(m.Latencies))
	}
	if el := time.Since(start); el < 190*time.Millisecond {
		t.Errorf("took %s: the rate was not kept", el)
	}
	slow := 0
	for _, d := range m.Latencies {
		if d >= 10*time.Millisecond {
			slow++
		}
	}
	// The stalled request and the ~9 due during its 20 ms wait behind it.
	if slow < 5 {
		t.Errorf("%d requests waited ≥ 10 ms, want the ones queued behind the stall: %v", slow, m.Latencies[:20])
	}
	src := newSigners(0, 30, false)
	m, err = load{Concurrency: 4, Duration: time.Second, Rate: 1000}.run(ctx, nil, func(ctx context.Context, w *worker) (outcome, error) {
		if _, ok := src.take(); !ok {
			return outcome{}, errExhausted
		}
		return success, nil
	})
	if err != nil || len(m.Latencies) != 30 || !m.Exhausted {
		t.Errorf("exhausting open run: %d requests, exhausted %v, %v", len(m.Latencies), m.Exhausted, err)
	}
}

// A body announced as gzip must be gzip; it is counted as sent.
func TestFetchCompressed(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte(`{"status":"valid"}`), 100))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			w.Write([]byte(`{"status":"valid"}`))
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/broken" {
			w.Write([]byte(`{"status":"valid"}`))
			return
		}
		w.Write(gz.Bytes())
	}))
	defer srv.Close()
	ctx := context.Background()
	var n atomic.Int64
	if o, err := fetch(ctx, srv.Client(), true, srv.URL, "/ok", http.StatusOK, "", &n); err != nil || !o.ok || n.Load() != int64(gz.Len()) {
		t.Errorf("gzip body: %+v %v, counted %d, sent %d", o, err, n.Load(), gz.Len())
	}
	if o, err := fetch(ctx, srv.Client(), true, srv.URL, "/broken", http.StatusOK, "", &n); err != nil || o.ok {
		t.Errorf("a plain body announced as gzip passed: %+v %v", o, err)
	}
}

func TestParseConfigStores(t *testing.T) {
	var buf bytes.Buffer
	c, err := parseConfig([]string{"-database", "postgres://u@/db?host=/tmp", "-compare", "sqlite, postgres,postgres:3", "-rounds", "2"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []setup{{Instances: 1}, {Postgres: true, Instances: 1}, {Postgres: true, Instances: 3}}
	if !slices.Equal(c.Compare, want) || c.Rounds != 2 {
		t.Errorf("-compare %+v, rounds %d; want %+v, 2", c.Compare, c.Rounds, want)
	}
	if c, err := parseConfig([]string{"-database", "postgres://u@/db", "-instances", "3"}, &buf); err != nil || c.Instances != 3 {
		t.Errorf("-instances 3: %d, %v", c.Instances, err)
	}
	for _, bad := range [][]string{
		{"-instances", "3"}, // SQLite is not shared
		{"-instances", "0", "-database", "postgres://u@/db"},
		{"-compare", "sqlite,postgres"}, // no server for the fresh databases
		{"-compare", "sqlite,mysql"},
		{"-compare", "postgres:0", "-database", "postgres://u@/db"},
		{"-compare", "postgres:x", "-database", "postgres://u@/db"},
		{"-compare", "sqlite:2"},
		{"-compare", "sqlite", "-rounds", "0"},
		{"-compare", "sqlite", "-kill-test"},
		{"-instances", "2", "-database", "postgres://u@/db", "-attack"},
	} {
		if _, err := parseConfig(bad, &buf); err == nil {
			t.Errorf("parseConfig(%q) accepted", bad)
		}
	}
}

// Every round runs each setup once, in the order given.
func TestSchedule(t *testing.T) {
	var got []string
	for _, tn := range schedule([]setup{{Instances: 1}, {Postgres: true, Instances: 1}, {Postgres: true, Instances: 3}}, 2) {
		got = append(got, fmt.Sprintf("%d %s", tn.Round, tn.Store))
	}
	want := []string{"1 sqlite", "1 postgres", "1 postgres:3", "2 sqlite", "2 postgres", "2 postgres:3"}
	if !slices.Equal(got, want) {
		t.Errorf("schedule %q, want %q", got, want)
	}
}

// New connections to the first instance's address go to each instance in
// turn; other addresses are left alone.
func TestSpread(t *testing.T) {
	var hits [3]atomic.Int64
	var addrs []string
	for i := range hits {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits[i].Add(1) }))
		defer srv.Close()
		addrs = append(addrs, strings.TrimPrefix(srv.URL, "http://"))
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer other.Close()
	client := &http.Client{Transport: &http.Transport{DialContext: spread(addrs), DisableKeepAlives: true}}
	for _, base := range []string{"http://" + addrs[0], other.URL} {
		for range 6 {
			resp, err := client.Get(base + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	for i := range hits {
		if n := hits[i].Load(); n != 2 {
			t.Errorf("instance %d got %d of 6 connections, want 2", i+1, n)
		}
	}
}

// A cluster's CPU counts the children it has waited for, as a backend
// that ended during a phase: here this process plays the postmaster.
func TestClusterCPUCountsReapedChildren(t *testing.T) {
	c := &cluster{pid: os.Getpid()}
	before := c.cpu()
	cmd := exec.Command("sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	child := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	// /proc counts whole clock ticks, its user and system time each cut
	// down apart: up to two ticks short of what the child reports.
	if child < 5*clockTick {
		t.Fatalf("the child used only %v: too little to see", child)
	}
	if grew := c.cpu() - before; before < 0 || grew < child-2*clockTick {
		t.Errorf("cluster CPU grew by %v, the reaped child used %v", grew, child)
	}
}

// The comparison divides each run's rate by the first setup's in the same
// round, and takes medians over the rounds.
func TestWriteComparison(t *testing.T) {
	run := func(round int, store string, rps, cpu, db float64) comparedRun {
		return comparedRun{turn: turn{Round: round, Store: store}, Report: report{Phases: []phaseResult{
			{Name: "sign-api", LoadAvg: "4.50 3.00 2.00", Ikrar: stats{RPS: rps, P50: 100_000 / rps, ServerCPU: cpu, DatabaseCPU: db}}}}}
	}
	runs := []comparedRun{
		run(1, "sqlite", 1000, 1.0, 0), run(1, "postgres", 500, 1.2, 0.8),
		run(2, "sqlite", 400, 1.5, 0), run(2, "postgres", 300, 1.4, 1.0),
		run(3, "sqlite", 800, 1.1, 0), run(3, "postgres", 600, 1.3, 0.9),
	}
	var buf bytes.Buffer
	writeComparison(&buf, time.Now(), runs)
	out := buf.String()
	_, medians, ok := strings.Cut(out, "medians over the rounds:")
	if !ok {
		t.Fatalf("no medians:\n%s", out)
	}
	// Ratios 0.50, 0.75, 0.75; p50s 200, 333, 167 ms; totals 2.0, 2.4,
	// 2.2 ms.
	want := "sign-api postgres 500 200.0 0.0 0 1.30 0.90 2.20 0.75"
	if !slices.ContainsFunc(strings.Split(medians, "\n"), func(l string) bool { return strings.Join(strings.Fields(l), " ") == want }) {
		t.Errorf("medians lack the row %q:\n%s", want, out)
	}
	if !strings.Contains(out, " 4.50 ") {
		t.Errorf("the load average is not shown:\n%s", out)
	}
	if got := ratioToFirst(runs, 3, "sign-api"); got != 0.75 {
		t.Errorf("round 2 postgres ratio %v, want 0.75", got)
	}
}
