package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// rewriteRecord back-dates record i and rewrites the stored tree to match
// it: the database-only rewrite of the tamper table, no key.
func rewriteRecord(t *testing.T, dir string, r *trustRegistry, i int) {
	t.Helper()
	tamperDB(t, dir, func(exec func(string, ...any) sql.Result) {
		s := r.sigs[i]
		s.SignedAt = s.SignedAt.Add(-24 * time.Hour)
		exec(`UPDATE signatures SET signed_at = ? WHERE id = ?`, s.SignedAt.UnixMilli(), s.ID)
		e := &tamperEnv{t: t, dir: dir, exec: exec}
		e.rewriteLeaves(map[int64]tlog.Hash{s.LeafIndex: leaf.Signature(s).Hash()})
	})
}

// A restart over a database rewritten without the key: serve starts (the
// public keeps checking certificates) but refuses to sign, /readyz answers
// 503 log_inconsistent, the log names the leaf that was changed, and the
// checkpoint served is the last one signed.
func TestServeStartUpNamesTheRewrittenLeaf(t *testing.T) {
	r := newTrustRegistry(t)
	for range 6 {
		r.sign(t)
		r.checkpoint(t) // a checkpoint per record, as an idle registry signs
	}
	good := r.checkpoint(t)
	r.close()
	dir := copyDataDir(t, r.dir)
	rewriteRecord(t, dir, r, 3)

	base, stderr, stop := startServe(t, "--data", dir)
	logs := stderr.String()
	if !strings.Contains(logs, "START-UP CHECK FAILED") || !strings.Contains(logs, "leaf 3 (signature") {
		t.Errorf("the start-up check does not name leaf 3:\n%s", logs)
	}
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var ready struct{ Code, Reason, Detail string }
	if res.StatusCode != http.StatusServiceUnavailable || json.Unmarshal(body, &ready) != nil || ready.Code != "log_inconsistent" ||
		!strings.Contains(ready.Reason, "checkpoint terakhir") {
		t.Errorf("readyz: %d %s, want 503 log_inconsistent", res.StatusCode, body)
	}
	if res, _ := httpGet(t, base+"/healthz"); res.StatusCode != http.StatusOK {
		t.Errorf("healthz %d: the liveness probe must stay up", res.StatusCode)
	}
	_, cp := httpGet(t, base+"/api/v1/log/checkpoint")
	if !bytes.Equal(cp, good.Note) {
		t.Errorf("served checkpoint\n%s\nwant the last good one\n%s", cp, good.Note)
	}
	stop()
	last, err := os.ReadFile(filepath.Join(dir, "keys", translog.LastSignedFile))
	if err != nil || !bytes.Equal(last, good.Note) {
		t.Errorf("last-checkpoint changed: %v\n%s", err, last)
	}
}

// ikrar key rotate keeps last-checkpoint on the handover checkpoint, signed
// by both keys, and refuses to hand over a rewritten tree.
func TestKeyRotateKeepsSignedHistory(t *testing.T) {
	r := seededTrustRegistry(t)
	r.close()
	dir := copyDataDir(t, r.dir)
	rewriteRecord(t, dir, r, 2)
	if code, out := runTrust(t, "key", "rotate", "--data", dir); code != 1 || !strings.Contains(out, "Key not rotated") {
		t.Errorf("rotation over a rewritten tree: exit %d\n%s", code, out)
	}
	if got := keyFiles(t, dir); strings.Contains(got, "signer-2.key") {
		t.Errorf("a refused rotation made a key: %s", got)
	}

	if code, out := runTrust(t, "key", "rotate", "--data", r.dir); code != 0 {
		t.Fatalf("key rotate: exit %d\n%s", code, out)
	}
	a, err := openApp(t.Context(), r.dir, "")
	if err != nil {
		t.Fatal(err)
	}
	latest, err := a.db.LatestCheckpoint(t.Context())
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	last, err := os.ReadFile(filepath.Join(r.dir, "keys", translog.LastSignedFile))
	if err != nil || !bytes.Equal(last, latest.Note) || bytes.Count(last, []byte("\n\u2014 ")) != 2 {
		t.Errorf("last-checkpoint after the rotation is not the cross-signed handover: %v\n%s", err, last)
	}
}

// startServe runs ikrar serve with args on a free loopback address until
// stop, which fails the test if serve did not end cleanly.
func startServe(t *testing.T, args ...string) (base string, stderr *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	addr := freeAddr(t)
	base = "http://" + addr
	var stdout syncBuffer
	stderr = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr, "--base-url", base}, args...), strings.NewReader(""), &stdout, stderr, noEnv)
	}()
	t.Cleanup(cancel)
	waitHealthy(t, base, done)
	return base, stderr, func() {
		t.Helper()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
	}
}
