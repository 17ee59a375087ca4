package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// TestHealthcheckCommand: exit 0 while the server is ready, at the URL
// given or at the configured address; non-zero once it is gone.
func TestHealthcheckCommand(t *testing.T) {
	base, _, stop := startServe(t, "--data", t.TempDir())
	ctx := t.Context()
	if out, errOut, err := runCLI(ctx, "", "healthcheck", base); err != nil || !strings.Contains(out, "ready") {
		t.Fatalf("healthcheck %s: %v %q %q", base, err, out, errOut)
	}
	addr := strings.TrimPrefix(base, "http://")
	_, port, _ := net.SplitHostPort(addr)
	env := func(k string) string {
		if k == "IKRAR_ADDR" {
			return ":" + port
		}
		return ""
	}
	var out, errOut syncBuffer
	if err := run(ctx, []string{"healthcheck"}, strings.NewReader(""), &out, &errOut, env); err != nil {
		t.Fatalf("healthcheck with IKRAR_ADDR=:%s: %v", port, err)
	}
	stop()
	_, _, err := runCLI(ctx, "", "healthcheck", base)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("healthcheck of a stopped server = %v, want exit status 1", err)
	}
}

// TestSIGTERMDrains: on SIGTERM readiness drops at once, new requests get
// 503, a slow upload is cut at --shutdown-timeout and the exit is clean.
func TestSIGTERMDrains(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	addr := freeAddr(t)
	base := "http://" + addr
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", t.TempDir(), "--demo",
			"--drain-delay", "1s", "--shutdown-timeout", "1s"}, strings.NewReader(""), &stdout, &stderr, noEnv)
	}()
	waitHealthy(t, base, done)
	demo := parseDemo(t, stdout.String())

	// An upload that sends its headers and then a trickle: it would hold
	// the shutdown for the read timeout (60 s).
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\nnip=1", strings.TrimPrefix(demo.EventURL, base), addr)
	time.Sleep(200 * time.Millisecond)

	term := time.Now()
	cancel() // what SIGTERM does through signal.NotifyContext
	time.Sleep(100 * time.Millisecond)
	res, body := getAny(t, base+"/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"draining"`) {
		t.Errorf("/readyz right after SIGTERM: %d %s, want 503 draining", res.StatusCode, body)
	}
	if res, _ := getAny(t, base+"/"); res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("a new request after SIGTERM: %d, want 503 with Retry-After", res.StatusCode)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM = %v, want a clean exit (status 0)\n%s", err, stderr.String())
		}
		if d := time.Since(term); d > 5*time.Second {
			t.Errorf("shutdown took %s with --drain-delay 1s --shutdown-timeout 1s", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("serve still running 10 s after SIGTERM with a slow upload in flight\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "were cut") {
		t.Errorf("the log does not say the slow upload was cut:\n%s", stderr.String())
	}
}

// getAny fetches a URL whatever its status.
func getAny(t *testing.T, url string) (*http.Response, []byte) {
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
	return res, body
}

// runCheckpointer runs the checkpointer as serve does, until the test
// ends: look-ups never sign, they wait for it.
func runCheckpointer(t testing.TB, cp *translog.Checkpointer, appended <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { cp.Run(ctx, appended); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// waitCheckpoint waits until the registry at base serves a checkpoint of
// size leaves: look-ups do not sign, its checkpointer does, a moment
// after the log grows.
func waitCheckpoint(t *testing.T, base string, size int64) {
	t.Helper()
	waitCheckpointWithin(t, base, size, 10*time.Second)
}

// waitCheckpointWithin is waitCheckpoint giving up after limit.
func waitCheckpointWithin(t *testing.T, base string, size int64, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		res, body := getAny(t, base+"/api/v1/log/checkpoint")
		if lines := strings.SplitN(string(body), "\n", 3); res.StatusCode == http.StatusOK && len(lines) == 3 && lines[1] == fmt.Sprint(size) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s serves no checkpoint of %d leaves within %s: %s", base, size, limit, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
