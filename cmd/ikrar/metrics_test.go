package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestMetrics runs `ikrar serve --metrics-addr --metrics-token` as an
// operator would and scrapes it the way Prometheus does: a signing through
// the web form, a duplicate through the API and a failed identification
// are each counted where an operator looks; the log's size, the newest
// checkpoint and the WAL are there; /metrics is not on the public address,
// and without the token nothing is served.
func TestMetrics(t *testing.T) {
	srv := startMetricsServer(t, "rahasia-prometheus")

	// Not on the public address.
	if res, body := getAny(t, srv.base+"/metrics"); res.StatusCode == http.StatusOK || bytes.Contains(body, []byte("ikrar_")) {
		t.Fatalf("public GET /metrics = %s, want no metrics there:\n%.300s", res.Status, body)
	}
	// The token is enforced.
	for _, auth := range []string{"", "Bearer salah", "rahasia-prometheus", "Basic cmFoYXNpYS1wcm9tZXRoZXVz"} {
		if res, _ := scrapeWith(t, srv.metrics, auth); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("scrape with Authorization %q = %s, want 401", auth, res.Status)
		}
	}

	before := srv.scrape(t)
	if v, ok := value(before, "ikrar_signings_total", "channel", "web", "result", "ok"); ok && v != 0 {
		t.Fatalf("before any signing: web ok = %v", v)
	}
	if _, ok := value(before, "ikrar_build_info"); !ok {
		t.Error("ikrar_build_info missing")
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "ikrar_wal_bytes", "ikrar_db_bytes", "ikrar_password_hash_queue"} {
		if _, ok := before[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}

	signer, certificate := srv.signOnWeb(t)
	// The same person again through the API: the first record is shown.
	if status := srv.signOnAPI(t, srv.demo.Code); status != http.StatusOK {
		t.Fatalf("second signing through the API = %d, want 200 (already signed)", status)
	}
	if status := srv.signOnAPI(t, "SALAH1"); status < 400 {
		t.Fatalf("signing with a wrong event code = %d, want a refusal", status)
	}

	after := srv.scrape(t)
	for _, w := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"channel", "web", "result", "ok"}, 1},
		{[]string{"channel", "api", "result", "duplicate"}, 1},
		{[]string{"channel", "api", "result", "ok"}, 0},
	} {
		if got, _ := value(after, "ikrar_signings_total", w.labels...); got != w.want {
			t.Errorf("ikrar_signings_total%v = %v, want %v", w.labels, got, w.want)
		}
	}
	if got, _ := value(after, "ikrar_identification_failures_total", "reason", "wrong_event_code"); got != 1 {
		t.Errorf("identification failures (wrong code) = %v, want 1", got)
	}
	if got := histogramCount(after, "ikrar_commit_duration_seconds"); got < 1 {
		t.Errorf("commit latency observed %d times after a signing, want at least 1", got)
	}
	if wal, _ := value(after, "ikrar_wal_bytes"); wal <= 0 {
		t.Errorf("ikrar_wal_bytes = %v after a signing, want the WAL's size", wal)
	}

	// The checkpointer signs the grown log within its interval: the
	// newest checkpoint then covers the whole log and is seconds old.
	logSize, _ := value(after, "ikrar_log_size")
	beforeSize, _ := value(before, "ikrar_log_size")
	if logSize <= beforeSize {
		t.Fatalf("ikrar_log_size %v after a signing, %v before: want it grown", logSize, beforeSize)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := srv.scrape(t)
		size, _ := value(m, "ikrar_checkpoint_size")
		age, ok := value(m, "ikrar_checkpoint_age_seconds")
		if size >= logSize && ok {
			if age < 0 || age > 30 {
				t.Errorf("ikrar_checkpoint_age_seconds = %v for a checkpoint just signed", age)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("checkpoint size %v, log size %v: no checkpoint of the grown log within 10 s", size, logSize)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The signer downloads the certificate: rendered once, and stored.
	path, query, _ := strings.Cut(certificate, "?")
	res, err := signer.Get(srv.base + path + "/sertifikat.pdf?" + query)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("certificate download = %s, %.40q", res.Status, pdf)
	}
	m := srv.scrape(t)
	if got, _ := value(m, "ikrar_pdf_renders_total", "result", "ok"); got != 1 {
		t.Errorf("ikrar_pdf_renders_total{result=ok} = %v after one download, want 1", got)
	}
	if got, _ := value(m, "ikrar_pdf_stored_bytes_total"); got != float64(len(pdf)) {
		t.Errorf("ikrar_pdf_stored_bytes_total = %v, want the certificate's %d bytes", got, len(pdf))
	}
	if got := histogramCount(m, "ikrar_pdf_render_duration_seconds"); got != 1 {
		t.Errorf("PDF render latency observed %d times, want 1", got)
	}

	// An officer opens the live dashboard: one stream while it is open.
	officer := browserClient()
	if res := formWithCSRF(t, officer, srv.base+"/login", srv.base+"/login",
		url.Values{"email": {"admin@demo.ikrar.id"}, "password": {"ikrar-netral-2024"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("demo admin login = %s", res.Status)
	}
	streamCtx, closeStream := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(streamCtx, http.MethodGet, srv.base+"/admin/events/1/live/events", nil)
	stream, err := officer.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("live stream: %v %v", err, stream)
	}
	if got, _ := value(srv.scrape(t), "ikrar_sse_clients"); got != 1 {
		t.Errorf("ikrar_sse_clients = %v with one dashboard open, want 1", got)
	}
	closeStream()
	stream.Body.Close()
	waitValue(t, srv, "ikrar_sse_clients", 0)

	// Wrong event codes from one address, past its budget: the name is
	// asked as well, which counts as a limit hit.
	for i := 0; ; i++ {
		if status := srv.signOnAPI(t, "SALAH1"); status == http.StatusPreconditionRequired || i == 100 {
			break
		}
	}
	m = srv.scrape(t)
	if got, _ := value(m, "ikrar_rate_limited_total", "limit", "identification"); got < 1 {
		t.Errorf("ikrar_rate_limited_total{limit=identification} = %v after the address spent its budget, want at least 1", got)
	}
	if got, _ := value(m, "ikrar_identification_failures_total", "reason", "wrong_event_code"); got < 60 {
		t.Errorf("identification failures (wrong code) = %v after the budget was spent, want at least 60", got)
	}

	srv.stop(t)
	if _, err := http.Get("http://" + srv.metrics + "/metrics"); err == nil {
		t.Error("the metrics listener still answers after the server stopped")
	}
}

// TestMetricsOff: without --metrics-addr nothing listens for metrics and
// the public address serves none.
func TestMetricsOff(t *testing.T) {
	base, stderr, stop := startServe(t, "--data", t.TempDir())
	if res, body := getAny(t, base+"/metrics"); res.StatusCode == http.StatusOK || bytes.Contains(body, []byte("ikrar_")) {
		t.Errorf("GET /metrics on the public address = %s:\n%.300s", res.Status, body)
	}
	stop()
	if strings.Contains(stderr.String(), "serving metrics") {
		t.Errorf("metrics served although --metrics-addr is empty:\n%s", stderr.String())
	}
}

type metricsServer struct {
	base, metrics, token string
	demo                 demoServer
	owner                string
	done                 chan error
	cancel               context.CancelFunc
}

func startMetricsServer(t *testing.T, token string) *metricsServer {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	addr, maddr := freeAddr(t), freeAddr(t)
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	env := func(k string) string {
		if k == "IKRAR_METRICS_TOKEN" {
			return token
		}
		return ""
	}
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir(), "--demo", "--metrics-addr", maddr},
			strings.NewReader(""), &stdout, &stderr, env)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server stderr:\n%s", stderr.String())
		}
	})
	s := &metricsServer{base: "http://" + addr, metrics: maddr, token: token, done: done, cancel: cancel}
	waitHealthy(t, s.base, done)
	s.demo = parseDemo(t, stdout.String())
	owner := regexp.MustCompile(regexp.QuoteMeta(s.demo.NIPs[0]) + ` \(([^)]+)\)`).FindStringSubmatch(stdout.String())
	if owner == nil {
		t.Fatalf("demo output names nobody for %s:\n%s", s.demo.NIPs[0], stdout.String())
	}
	s.owner = owner[1]
	return s
}

func (s *metricsServer) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
}

// signOnWeb signs as a phone does: the event page, then the form with
// NIP, event code and a typed name.
func (s *metricsServer) signOnWeb(t *testing.T) (c *http.Client, certificate string) {
	t.Helper()
	c = browserClient()
	form := url.Values{"nip": {strings.ReplaceAll(s.demo.NIPs[0], " ", "")}, "code": {s.demo.Code},
		"typed_name": {s.owner}, "use_typed": {"1"}, "consent": {"1"}}
	res := formWithCSRF(t, c, s.demo.EventURL, s.demo.EventURL+"/sign", form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/c/") {
		t.Fatalf("web signing = %s (Location %q), want 303 to the certificate", res.Status, res.Header.Get("Location"))
	}
	return c, res.Header.Get("Location")
}

// browserClient keeps cookies and does not follow redirects.
func browserClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// formWithCSRF gets page with c and posts form to action with the page's
// CSRF token.
func formWithCSRF(t *testing.T, c *http.Client, page, action string, form url.Values) *http.Response {
	t.Helper()
	res, err := c.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("%s has no CSRF token:\n%.500s", page, body)
	}
	form.Set("_csrf", string(m[1]))
	res, err = c.PostForm(action, form)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// signOnAPI signs the demo's first NIP through the JSON API with the
// given event code and returns the status.
func (s *metricsServer) signOnAPI(t *testing.T, code string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"nip": strings.ReplaceAll(s.demo.NIPs[0], " ", ""), "event_code": code,
		"consent": true, "typed_name": s.owner})
	res, err := http.Post(s.base+"/api/v1/events/1/signatures", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func (s *metricsServer) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	res, body := scrapeWith(t, s.metrics, "Bearer "+s.token)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s\n%s", res.Status, body)
	}
	return parseMetrics(t, body)
}

func scrapeWith(t *testing.T, addr, auth string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// parseMetrics parses the text exposition format as Prometheus does.
func parseMetrics(t *testing.T, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse metrics: %v\n%s", err, body)
	}
	return fams
}

// value is the value of the counter or gauge of family name whose labels
// include the given pairs.
func value(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f, ok := fams[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				found = found || (l.GetName() == labels[i] && l.GetValue() == labels[i+1])
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Untyped != nil:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// waitValue waits up to 5 s for a gauge to reach want.
func waitValue(t *testing.T, s *metricsServer, name string, want float64) {
	t.Helper()
	var got float64
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got, _ = value(s.scrape(t), name); got == want {
			return
		}
	}
	t.Errorf("%s = %v, want %v within 5 s", name, got, want)
}

func histogramCount(fams map[string]*dto.MetricFamily, name string) uint64 {
	f, ok := fams[name]
	if !ok || len(f.GetMetric()) == 0 {
		return 0
	}
	return f.GetMetric()[0].GetHistogram().GetSampleCount()
}

// TestMetricsFlags: a token without an address, or an address that is
// not host:port, stops the start with a usage error rather than running
// without the metrics the operator asked for.
func TestMetricsFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--metrics-token", "rahasia"},
		{"--metrics-addr", "9100"},
	} {
		_, _, err := runCLI(t.Context(), "", append([]string{"serve", "--addr", freeAddr(t), "--data", t.TempDir()}, args...)...)
		var ex exitError
		if !errors.As(err, &ex) || ex.code != 2 || !strings.Contains(ex.msg, "--metrics-") {
			t.Errorf("serve %v = %v, want exit status 2 naming the flag", args, err)
		}
	}
	// The metrics address taken: the server does not start half-way.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, _, err = runCLI(t.Context(), "", "serve", "--addr", freeAddr(t), "--data", t.TempDir(), "--metrics-addr", ln.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "--metrics-addr") {
		t.Errorf("serve with the metrics address taken = %v, want an error naming --metrics-addr", err)
	}
}
