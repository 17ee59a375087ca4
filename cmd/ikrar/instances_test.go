package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/pgtest"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
)

// childEnv names the arguments (JSON) a test binary started by a test
// runs ikrar with, as a process of its own that a test may kill -9.
const childEnv = "IKRAR_TEST_CHILD"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		os.Exit(childMain(args))
	}
	code := m.Run()
	closeSharedChromium()
	pgtest.Stop()
	os.Exit(code)
}

// childMain is main for a child process: ikrar with args.
func childMain(args string) int {
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, argv, os.Stdin, os.Stdout, os.Stderr, func(string) string { return "" }); err != nil {
		fmt.Fprintln(os.Stderr, "ikrar:", err)
		return 1
	}
	return 0
}

// instance is `ikrar serve` running as a process of its own.
type instance struct {
	cmd    *exec.Cmd
	base   string
	stdout syncBuffer
	stderr syncBuffer
	done   chan error // receives the process's end, once
	exited chan struct{}
	err    error // how it ended, once exited is closed
}

// wait waits for the process to end and returns how it did.
func (in *instance) wait() error {
	<-in.exited
	return in.err
}

// startInstance starts ikrar serve with args on a free loopback address
// in a process of its own and waits until it is healthy.
func startInstance(t *testing.T, args ...string) *instance {
	t.Helper()
	addr := freeAddr(t)
	in := &instance{base: "http://" + addr, done: make(chan error, 1), exited: make(chan struct{})}
	argv, _ := json.Marshal(append([]string{"serve", "--addr", addr, "--base-url", in.base}, args...))
	in.cmd = exec.Command(os.Args[0])
	in.cmd.Env = append(os.Environ(), childEnv+"="+string(argv))
	in.cmd.Stdout, in.cmd.Stderr = &in.stdout, &in.stderr
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		in.err = in.cmd.Wait()
		close(in.exited)
		in.done <- in.err
	}()
	t.Cleanup(func() {
		in.cmd.Process.Kill()
		in.wait()
		if t.Failed() {
			t.Logf("instance %s:\n%s", in.base, in.stderr.String())
		}
	})
	waitHealthy(t, in.base, in.done)
	return in
}

// followDashboard logs in to the registry at base as the demo admin and
// follows the live dashboard of event 1 until the test ends. It returns
// the count of signed records the dashboard last showed (-1: none yet).
func followDashboard(t *testing.T, base string) *atomic.Int64 {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page:\n%s", page)
	}
	res, err = client.PostForm(base+"/login", url.Values{"_csrf": {string(m[1])}, "email": {demoEmail}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path == "/login" {
		t.Fatalf("log in as the demo admin: %d at %s", res.StatusCode, res.Request.URL)
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/admin/events/1/live/events", nil)
	res, err = client.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("open the live dashboard's stream: %v %v", res, err)
	}
	signed := new(atomic.Int64)
	signed.Store(-1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer res.Body.Close()
		lines := bufio.NewScanner(res.Body)
		lines.Buffer(make([]byte, 1<<20), 1<<20)
		for lines.Scan() {
			data, ok := strings.CutPrefix(lines.Text(), "data: ")
			if !ok {
				continue
			}
			var stats struct {
				Signed int64 `json:"signed"`
			}
			if json.Unmarshal([]byte(data), &stats) == nil {
				signed.Store(stats.Signed)
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return signed
}

// TestThreeInstancesKilledOne is issue 16's test of several writers on
// one log: three ikrar processes on one PostgreSQL database sign
// concurrently; the one that signs checkpoints is killed (SIGKILL)
// mid-burst. Every signing any of them acknowledged is stored, the two
// left keep signing and one of them takes the checkpoints over, so both
// serve a checkpoint of every leaf, the live dashboard open on one of them
// saw every signing through any instance, and the audit finds one row per leaf and
// the tree they make: no gap, no fork.
func TestThreeInstancesKilledOne(t *testing.T) {
	url := pgtest.URL(t)
	ctx := t.Context()
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	a := startInstance(t, "--data", dirs[0], "--database", url, "--demo")
	demo := parseDemo(t, a.stdout.String())
	for _, dir := range dirs[1:] {
		if err := os.CopyFS(dir, os.DirFS(dirs[0])); err != nil {
			t.Fatal(err)
		}
	}
	b := startInstance(t, "--data", dirs[1], "--database", url)
	c := startInstance(t, "--data", dirs[2], "--database", url)
	instances := []*instance{a, b, c}

	db, err := postgres.OpenCurrent(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	roster, _, err := db.Employees(ctx, registry.EmployeeFilter{Scope: "/", Limit: 1000})
	if err != nil || len(roster) < 30 {
		t.Fatalf("the demo roster: %d employees, %v", len(roster), err)
	}

	// C's live dashboard is open through the burst.
	dashboard := followDashboard(t, c.base)

	// Every signer signs through the instance of their turn. A, the one
	// that signs checkpoints (it started first), is killed once a third
	// of them have been acknowledged: B or C takes the signing over.
	var mu sync.Mutex
	var acked []string
	killed := make(chan struct{})
	var killOnce sync.Once
	var wg sync.WaitGroup
	work := make(chan int)
	for range 6 {
		wg.Go(func() {
			for i := range work {
				e := roster[i]
				status, cert, raw, err := apiSign(instances[i%3].base, demo.Code, e.NIP, e.FullName())
				switch {
				case err != nil && status == 0:
					continue // the killed instance: not acknowledged
				case status != http.StatusCreated:
					if i%3 != 0 {
						t.Errorf("signing %d through a surviving instance: %d %s", i, status, raw)
					}
					continue
				case err != nil || cert.Code == "":
					t.Errorf("signing %d: acknowledged without a code: %v %s", i, err, raw)
					continue
				}
				mu.Lock()
				acked = append(acked, cert.Code)
				n := len(acked)
				mu.Unlock()
				if n == len(roster)/3 {
					killOnce.Do(func() {
						a.cmd.Process.Kill()
						close(killed)
					})
				}
			}
		})
	}
	for i := range roster {
		work <- i
	}
	close(work)
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatal("the burst ended before instance A was killed")
	}
	if err := a.wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("instance A ended with %v, want killed", err)
	}

	// Every acknowledged signing is stored.
	for _, code := range acked {
		if _, err := db.SignatureByCode(ctx, code); err != nil {
			t.Errorf("acknowledged certificate %s: %v", code, err)
		}
	}
	// The survivors serve checkpoints of the whole log.
	size, err := db.StoredLogSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if size < int64(len(acked)) {
		t.Errorf("log of %d leaves for %d acknowledged signings", size, len(acked))
	}
	// A survivor asks for the lead every leadRetry, then signs.
	for _, in := range []*instance{b, c} {
		waitCheckpointWithin(t, in.base, size, 6*leadRetry)
	}
	// The dashboard on C saw every signing, those through A and B too.
	deadline := time.Now().Add(15 * time.Second)
	for dashboard.Load() != size {
		if time.Now().After(deadline) {
			t.Fatalf("C's live dashboard shows %d signed, the log has %d records", dashboard.Load(), size)
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, errOut, err := runCLI(ctx, "", "audit", "--data", dirs[0], "--database", url)
	if err != nil || !strings.Contains(out, fmt.Sprintf("%d leaves", size)) || !strings.Contains(out, "every leaf matches its row") {
		t.Fatalf("audit after the kill: %v\n%s%s", err, out, errOut)
	}
	t.Logf("%d signings acknowledged of %d, log of %d leaves", len(acked), len(roster), size)
}
