package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// demoServer is `ikrar serve --demo` running inside the test through run(),
// and what it printed about where to try it.
type demoServer struct {
	Dir      string // the data directory (startDemo's only)
	BaseURL  string
	EventURL string
	Code     string
	NIPs     []string          // formatted as printed: "19700101 199304 1 001"
	Names    map[string]string // the name printed with each NIP
}

// TestEndToEnd starts the real program the way the README does, on a free
// loopback port with its data in a temp dir, and drives it from the outside:
// the command line, then a phone-sized browser, then a graceful shutdown.
func TestEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	data := t.TempDir()
	addr := freeAddr(t)
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", data, "--demo"},
			strings.NewReader(""), &stdout, &stderr, noEnv)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server stdout:\n%s\nserver stderr:\n%s", stdout.String(), stderr.String())
		}
	})
	base := "http://" + addr
	waitHealthy(t, base, done)
	demo := parseDemo(t, stdout.String())
	if demo.BaseURL != base {
		t.Fatalf("demo prints base URL %q, want %q (the default for --addr %s)", demo.BaseURL, base, addr)
	}

	t.Run("CLI", testCLI)
	t.Run("browser signing", func(t *testing.T) { testBrowserSigning(t, demo) })

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after cancel = %v, want nil (graceful shutdown)", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not shut down within 20 s of cancel")
	}
	if res, err := http.Get(base + "/healthz"); err == nil {
		res.Body.Close()
		t.Fatalf("server still answers after shutdown: %s", res.Status)
	}
}

// testCLI runs the administration commands on a data directory of their own:
// the server holds the other one.
func testCLI(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	const email = "kepegawaian@deliserdangkab.go.id"

	out, errOut, err := runCLI(ctx, "rahasia-daerah-2024\n", "user", "add", "--data", dir,
		"--email", email, "--name", "Petugas BKPSDM", "--role", "superadmin")
	if err != nil {
		t.Fatalf("user add: %v\nstderr: %s", err, errOut)
	}
	if !strings.Contains(out, email) || !strings.Contains(out, "superadmin") {
		t.Errorf("user add printed %q, want the email and role", out)
	}

	out, errOut, err = runCLI(ctx, "", "token", "create", "--data", dir, "--email", email)
	if err != nil {
		t.Fatalf("token create: %v\nstderr: %s", err, errOut)
	}
	if !regexp.MustCompile(`^ikr_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Errorf("token create stdout = %q, want exactly one token line", out)
	}
	second, _, err := runCLI(ctx, "", "token", "create", "--data", dir, "--email", email)
	if err != nil || second == out {
		t.Errorf("second token create = %q, %v; want another token", second, err)
	}

	// A named token with a lifetime of its own is listed, then revoked by
	// its ID.
	_, errOut, err = runCLI(ctx, "", "token", "create", "--data", dir, "--email", email, "--name", "SIMPEG", "--days", "7")
	if err != nil || !strings.Contains(errOut, `"SIMPEG"`) {
		t.Fatalf("token create --name --days: %v, stderr %q", err, errOut)
	}
	list, _, err := runCLI(ctx, "", "token", "list", "--data", dir, "--email", " "+strings.ToUpper(email))
	m := regexp.MustCompile(`(?m)^(\d+)\t\S+\t\S+\t-\tactive\tSIMPEG$`).FindStringSubmatch(list)
	if err != nil || m == nil || strings.Count(list, "\n") != 4 {
		t.Fatalf("token list = %q, %v; want a header and three tokens, SIMPEG among them", list, err)
	}
	if out, _, err := runCLI(ctx, "", "token", "revoke", "--data", dir, "--email", email, "--id", m[1]); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("token revoke: %q, %v", out, err)
	}
	if list, _, _ := runCLI(ctx, "", "token", "list", "--data", dir, "--email", email); strings.Contains(list, "SIMPEG") {
		t.Errorf("the revoked token is still listed: %q", list)
	}

	failures := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"common password", "password12345\n", []string{"user", "add", "--data", dir, "--email", "lain@deliserdangkab.go.id", "--name", "Lain", "--role", "viewer"}},
		{"token for too long", "", []string{"token", "create", "--data", dir, "--email", email, "--days", "400"}},
		{"revoke unknown token", "", []string{"token", "revoke", "--data", dir, "--email", email, "--id", "999"}},
		{"unknown role", "rahasia-daerah-2024\n", []string{"user", "add", "--data", dir, "--email", "lain@deliserdangkab.go.id", "--name", "Lain", "--role", "raja"}},
		{"short password", "pendek\n", []string{"user", "add", "--data", dir, "--email", "lain@deliserdangkab.go.id", "--name", "Lain", "--role", "viewer"}},
		{"email taken", "rahasia-daerah-2024\n", []string{"user", "add", "--data", dir, "--email", email, "--name", "Lagi", "--role", "superadmin"}},
		{"token for unknown user", "", []string{"token", "create", "--data", dir, "--email", "siapa@deliserdangkab.go.id"}},
		{"unknown flag", "", []string{"token", "create", "--data", dir, "--mail", email}},
		{"unknown command", "", []string{"sign"}},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := runCLI(ctx, tc.stdin, tc.args...)
			var ex exitError
			if !errors.As(err, &ex) || ex.code == 0 {
				t.Fatalf("err = %#v, want a non-zero exitError", err)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing on failure", out)
			}
		})
	}
}

func runCLI(ctx context.Context, stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(ctx, args, strings.NewReader(stdin), &out, &errOut, noEnv)
	return out.String(), errOut.String(), err
}

// noEnv leaves every IKRAR_* variable unset, so the defaults apply.
func noEnv(string) string { return "" }

// freeAddr picks a loopback port that is free now; the server listens on it
// by name, as a person would pass --addr.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func waitHealthy(t *testing.T, base string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("server exited before it was healthy: %v", err)
		default:
		}
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("GET /healthz did not answer 200 within 15 s")
}

var (
	demoEventRe = regexp.MustCompile(`(?m)^\s*Acara:\s+(\S+)/e/(\S+)$`)
	demoCodeRe  = regexp.MustCompile(`(?m)^\s*Kode acara:\s+(\S+)$`)
	// The suggestions run from "Coba NIP:" to "Periksa:", one a line.
	demoNIPLine = regexp.MustCompile(`(?s)\n\s*Coba NIP:(.*?)\n\s*Periksa:`)
	demoNIPRe   = regexp.MustCompile(`(?m)^\s*(\d{8} \d{6} \d \d{3}) \((.+)\)$`)
)

// parseDemo reads the lines the demo prints for a person to try it.
func parseDemo(t *testing.T, out string) demoServer {
	t.Helper()
	ev, code, nips := demoEventRe.FindStringSubmatch(out), demoCodeRe.FindStringSubmatch(out), demoNIPLine.FindStringSubmatch(out)
	if ev == nil || code == nil || nips == nil {
		t.Fatalf("demo output lacks the event link, code or NIPs:\n%s", out)
	}
	d := demoServer{BaseURL: ev[1], EventURL: ev[1] + "/e/" + ev[2], Code: code[1], Names: map[string]string{}}
	for _, m := range demoNIPRe.FindAllStringSubmatch(nips[1], -1) {
		d.NIPs = append(d.NIPs, m[1])
		d.Names[m[1]] = m[2]
	}
	if len(d.NIPs) != 3 {
		t.Fatalf("demo suggests NIPs %q, want three", nips[1])
	}
	return d
}

// syncBuffer is a bytes.Buffer the server goroutine writes while the test
// reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// httpGet fetches a URL and returns the body; the test fails on any status
// but 200.
func httpGet(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, res.Status, body)
	}
	return res, body
}
