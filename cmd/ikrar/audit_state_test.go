package main

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// lyingProxy stands in front of a registry and answers some paths itself,
// the way an operator shows one auditor another history: the rest goes
// through to the real registry.
func lyingProxy(t *testing.T, base string, lies map[string][]byte) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b, ok := lies[r.URL.Path]; ok {
			if b == nil {
				http.Error(w, `{"error":{"code":"not_found","message":"no checkpoint of that size"}}`, http.StatusNotFound)
				return
			}
			w.Write(b)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// stateSizes lists the sizes a state directory remembers of the test log.
func stateSizes(t *testing.T, state string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(state, "logs", url.PathEscape(trustOrigin)))
	if err != nil {
		t.Fatal(err)
	}
	var sizes []string
	for _, e := range entries {
		size, _, _ := strings.Cut(e.Name(), "-")
		sizes = append(sizes, size)
	}
	sort.Strings(sizes)
	return sizes
}

// evidenceFrom opens the newest pair of evidence files in state and checks
// that both verify with the registry's key and that they conflict.
func evidenceFrom(t *testing.T, r *trustRegistry, state string) (kept, served translog.Checkpoint) {
	t.Helper()
	keptFiles, _ := filepath.Glob(filepath.Join(state, "evidence", "*-kept.checkpoint"))
	if len(keptFiles) == 0 {
		t.Fatal("no evidence written")
	}
	sort.Strings(keptFiles)
	k := keptFiles[len(keptFiles)-1]
	var err error
	if kept, err = translog.OpenCheckpoint(readTrustFile(t, k), r.a.keys.Verifiers()); err != nil {
		t.Fatalf("kept evidence %s: %v", k, err)
	}
	s := strings.TrimSuffix(k, "-kept.checkpoint") + "-served.checkpoint"
	if served, err = translog.OpenCheckpoint(readTrustFile(t, s), r.a.keys.Verifiers()); err != nil {
		t.Fatalf("served evidence %s: %v", s, err)
	}
	if kept == served {
		t.Errorf("the evidence files hold one checkpoint: %+v", kept)
	}
	return kept, served
}

// An auditor with a state directory catches, on a later run, a registry
// that rolls back, forks, or stops serving a checkpoint it served, and
// keeps both signed checkpoints as evidence; a clean run extends the state.
func TestAuditRemoteState(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	state := filepath.Join(t.TempDir(), "state")
	audit := func(t *testing.T, url string, extra ...string) (int, string) {
		t.Helper()
		return runTrust(t, append([]string{"audit", "--remote", url, "--state", state, "--key", keyFile}, extra...)...)
	}
	if code, out := audit(t, base); code != 0 || !strings.Contains(out, "starts its memory") {
		t.Fatalf("first audit: exit %d\n%s", code, out)
	}
	if got := stateSizes(t, state); strings.Join(got, ",") != "8" {
		t.Fatalf("after the first audit the state remembers %v", got)
	}
	r.sign(t)
	r.sign(t)
	waitCheckpoint(t, base, 10)
	code, out := audit(t, base)
	if code != 0 || !strings.Contains(out, "the newest of size 8 seen on") || !strings.Contains(out, "Remembered checkpoint 10") {
		t.Fatalf("audit of a grown log: exit %d\n%s", code, out)
	}
	if got := stateSizes(t, state); strings.Join(got, ",") != "10,8" {
		t.Fatalf("after growth the state remembers %v", got)
	}

	// Two more leaves the auditor has not seen, so that a fork of size 12
	// can be told from the real one by its consistency proof.
	r.sign(t)
	r.sign(t)
	r.checkpoint(t)
	sign := func(size int64, root tlog.Hash) []byte {
		n, err := r.a.keys.SignCheckpoint(translog.Checkpoint{Origin: trustOrigin, Size: size, Root: root})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	_, cp8, err := fetch(t.Context(), newHTTPClient(), http.MethodGet, base+"/api/v1/log/checkpoint/8", nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		lies  map[string][]byte
		want  string
		check func(kept, served translog.Checkpoint) bool
	}{
		{"rollback to a smaller checkpoint", map[string][]byte{"/api/v1/log/checkpoint": cp8},
			"rollback: the registry's newest checkpoint has 8 leaves, but it served one of 10 leaves",
			func(k, s translog.Checkpoint) bool { return k.Size == 10 && s.Size == 8 }},
		{"fork at the size seen", map[string][]byte{"/api/v1/log/checkpoint": sign(10, tlog.Hash{1})},
			"fork: the registry serves a checkpoint of size 10 with root",
			func(k, s translog.Checkpoint) bool { return k.Size == 10 && s.Size == 10 && k.Root != s.Root }},
		{"grown from another history", map[string][]byte{"/api/v1/log/checkpoint": sign(12, tlog.Hash{2})},
			"fork: the checkpoint of size 10 is not a prefix of the checkpoint of size 12",
			func(k, s translog.Checkpoint) bool { return k.Size == 10 && s.Size == 12 }},
		{"an old checkpoint now different", map[string][]byte{"/api/v1/log/checkpoint/8": sign(8, tlog.Hash{3})},
			"fork: the registry serves a checkpoint of size 8 with root",
			func(k, s translog.Checkpoint) bool { return k.Size == 8 && s.Size == 8 && k.Root != s.Root }},
		{"an old checkpoint now missing", map[string][]byte{"/api/v1/log/checkpoint/8": nil},
			"missing: the registry no longer serves its checkpoint of size 8",
			func(k, s translog.Checkpoint) bool { return k.Size == 8 && s.Size == 12 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := audit(t, lyingProxy(t, base, tt.lies))
			if code != 1 || !strings.Contains(out, "audit failed: "+tt.want) || !strings.Contains(out, "evidence: ") {
				t.Fatalf("exit %d, want 1 and %q with evidence\n%s", code, tt.want, out)
			}
			if kept, served := evidenceFrom(t, r, state); !tt.check(kept, served) {
				t.Errorf("evidence kept %d/%s, served %d/%s", kept.Size, kept.Root, served.Size, served.Root)
			}
			if got := stateSizes(t, state); strings.Join(got, ",") != "10,8" {
				t.Errorf("a failed audit changed the state: %v", got)
			}
		})
	}

	// The operator deletes an old checkpoint from the database itself.
	tamperDB(t, r.dir, func(exec func(string, ...any) sql.Result) {
		exec(`DELETE FROM checkpoints WHERE size = 8`)
	})
	if code, out := audit(t, base); code != 1 || !strings.Contains(out, "missing: the registry no longer serves its checkpoint of size 8") {
		t.Fatalf("checkpoint deleted from the database: exit %d\n%s", code, out)
	}
	evidenceFrom(t, r, state)
}

// Runs at once on one state wait for each other and leave it whole; a
// state that is corrupted or not a state is an error, never a fresh start.
func TestAuditStateConcurrentAndCorrupted(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	state := filepath.Join(t.TempDir(), "state")
	var wg sync.WaitGroup
	codes := make([]int, 4)
	outs := make([]string, 4)
	for i := range codes {
		wg.Go(func() {
			codes[i], outs[i] = runTrust(t, "audit", "--remote", base, "--state", state, "--key", keyFile)
		})
	}
	wg.Wait()
	for i := range codes {
		if codes[i] != 0 {
			t.Fatalf("concurrent audit %d: exit %d\n%s", i, codes[i], outs[i])
		}
	}
	if got := stateSizes(t, state); strings.Join(got, ",") != "8" {
		t.Fatalf("after concurrent audits the state remembers %v", got)
	}

	files, _ := filepath.Glob(filepath.Join(state, "logs", "*", "*.checkpoint"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	good := readTrustFile(t, files[0])
	other, err := translog.LoadOrCreateKeyring(t.TempDir(), trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	c, err := translog.OpenCheckpoint(good, r.a.keys.Verifiers())
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.SignCheckpoint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{{"garbage", []byte("not a checkpoint\n")}, {"signed by another key", foreign}, {"empty", nil}} {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(files[0], tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			code, out := runTrust(t, "audit", "--remote", base, "--state", state, "--key", keyFile)
			if code != 2 || !strings.Contains(out, "does not verify with the registry's keys") || !strings.Contains(out, files[0]) {
				t.Errorf("exit %d, want 2 naming %s\n%s", code, files[0], out)
			}
			if got := stateSizes(t, state); strings.Join(got, ",") != "8" {
				t.Errorf("the state was reset: %v", got)
			}
		})
	}

	notState := t.TempDir()
	if err := os.WriteFile(filepath.Join(notState, "laporan.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out := runTrust(t, "audit", "--remote", base, "--state", notState, "--key", keyFile)
	if code != 2 || !strings.Contains(out, "not an ikrar state directory") {
		t.Errorf("a foreign directory as state: exit %d\n%s", code, out)
	}
	if entries, _ := os.ReadDir(notState); len(entries) != 1 {
		t.Errorf("wrote into a foreign directory: %v", entries)
	}
}
