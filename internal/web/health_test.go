package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/web"
)

type readyAnswer struct {
	Ready  bool
	Code   string
	Checks []struct {
		Name   string
		OK     bool
		Code   string
		Detail string
	}
}

// getReady asks /readyz and returns its status and body, failing the test
// if the answer took longer than the probe's bound allows.
func getReady(t *testing.T, a *testApp) (int, readyAnswer) {
	t.Helper()
	start := time.Now()
	res, err := http.Get(a.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("/readyz took %s: a load balancer's probe would time out", d)
	}
	var ra readyAnswer
	if err := json.NewDecoder(res.Body).Decode(&ra); err != nil {
		t.Fatalf("/readyz %d: body is not JSON: %v", res.StatusCode, err)
	}
	return res.StatusCode, ra
}

func (ra readyAnswer) check(name string) (ok bool, code string) {
	for _, c := range ra.Checks {
		if c.Name == name {
			return c.OK, c.Code
		}
	}
	return false, "missing"
}

func TestReadyzNamesEveryCheck(t *testing.T) {
	a := newTestApp(t)
	status, ra := getReady(t, a)
	if status != http.StatusOK || !ra.Ready {
		t.Fatalf("/readyz %d %+v, want 200 ready", status, ra)
	}
	for _, name := range []string{"draining", "database", "writer", "disk", "log"} {
		if ok, code := ra.check(name); !ok {
			t.Errorf("check %s: ok=%v code=%s", name, ok, code)
		}
	}
	for _, path := range []string{"/livez", "/healthz"} {
		if r := a.do(t, "GET", path, "", "", nil); r.Status != http.StatusOK {
			t.Errorf("%s: %d", path, r.Status)
		}
	}
	// Uptime monitors probe with HEAD: the same status, no body.
	for _, path := range []string{"/livez", "/healthz", "/readyz"} {
		if r := a.do(t, "HEAD", path, "", "", nil); r.Status != http.StatusOK || len(r.Body) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes", path, r.Status, len(r.Body))
		}
	}
}

// A full disk (simulated by the statfs the server asks) takes the server
// out of rotation before signings start failing; /livez stays up.
func TestReadyzDiskLow(t *testing.T) {
	a := newTestApp(t, func(o *web.Options) {
		o.DataDir = "/data"
		o.MinFreeBytes = 64 << 20
		o.FreeBytes = func(dir string) (uint64, error) {
			if dir != "/data" {
				t.Errorf("statfs of %q, want the data directory", dir)
			}
			return 10 << 20, nil
		}
	})
	status, ra := getReady(t, a)
	if status != http.StatusServiceUnavailable || ra.Code != "disk_low" {
		t.Fatalf("/readyz %d %+v, want 503 disk_low", status, ra)
	}
	if ok, code := ra.check("disk"); ok || code != "disk_low" {
		t.Errorf("disk check ok=%v code=%s", ok, code)
	}
	if r := a.do(t, "GET", "/livez", "", "", nil); r.Status != http.StatusOK {
		t.Errorf("/livez %d with the disk full: the process runs", r.Status)
	}
}

// An outside process holding the write lock stops every signing; /readyz
// says so within its bound, and recovers once the lock is released.
func TestReadyzOutsideWriteLock(t *testing.T) {
	a := newTestApp(t)
	if status, _ := getReady(t, a); status != http.StatusOK {
		t.Fatalf("/readyz %d before the lock", status)
	}
	a.sqliteOnly(t)
	outside, err := sql.Open("sqlite", "file:"+a.path+"?_pragma=busy_timeout(100)")
	if err != nil {
		t.Fatal(err)
	}
	defer outside.Close()
	ctx := context.Background()
	conn, err := outside.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	locked := time.Now()
	for {
		status, ra := getReady(t, a)
		if status == http.StatusServiceUnavailable {
			if ok, code := ra.check("writer"); ok || code != "writer_unavailable" || ra.Code != "writer_unavailable" {
				t.Errorf("/readyz 503 %+v, want writer_unavailable", ra)
			}
			break
		}
		if time.Since(locked) > 5*time.Second {
			t.Fatalf("/readyz still %d %+v 5 s after an outside process took the write lock", status, ra)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	released := time.Now()
	for {
		status, _ := getReady(t, a)
		if status == http.StatusOK {
			break
		}
		if time.Since(released) > 15*time.Second {
			t.Fatalf("/readyz still %d 15 s after the lock was released", status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Drain (SIGTERM) drops readiness at once and refuses new requests with
// 503 and Retry-After, while the liveness probe still answers.
func TestDrainRefusesNewRequests(t *testing.T) {
	a := newTestApp(t)
	a.srv.Drain()
	status, ra := getReady(t, a)
	if status != http.StatusServiceUnavailable || ra.Code != "draining" {
		t.Fatalf("/readyz %d %+v, want 503 draining", status, ra)
	}
	r := a.do(t, "GET", "/", "", "", nil)
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Errorf("GET / while draining: %d Retry-After %q, want 503 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
	if r := a.do(t, "GET", "/livez", "", "", nil); r.Status != http.StatusOK {
		t.Errorf("/livez while draining: %d", r.Status)
	}
}
