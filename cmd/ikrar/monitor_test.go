package main

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// A monitor with state reads each entry once, through the public tiles;
// reports a rollback and a fork of what it saw, with both signed
// checkpoints as evidence; and reports a back-dated record, again on every
// run, without moving its state past it.
func TestMonitor(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	monitor := func(t *testing.T, dir string, extra ...string) (int, string) {
		t.Helper()
		return runTrust(t, append([]string{"monitor", base, "--state", dir, "--key", keyFile}, extra...)...)
	}
	keptSize := func(dir string) int64 {
		t.Helper()
		c, err := translog.OpenCheckpoint(readTrustFile(t, filepath.Join(dir, "checkpoint")), r.a.keys.Verifiers())
		if err != nil {
			t.Fatal(err)
		}
		return c.Size
	}

	for _, args := range [][]string{
		{"monitor", base, "--key", keyFile},
		{"monitor", base, "--state", t.TempDir()},
		{"monitor", "--state", t.TempDir(), "--key", keyFile},
		{"monitor", "ftp://x", "--state", t.TempDir(), "--key", keyFile},
		{"monitor", base, "--state", t.TempDir(), "--key", filepath.Join(t.TempDir(), "missing")},
	} {
		if code, out := runTrust(t, args...); code != 2 {
			t.Fatalf("%q: exit %d, want 2\n%s", args, code, out)
		}
	}

	a := t.TempDir()
	if code, out := monitor(t, a); code != 0 || keptSize(a) != 8 || !strings.Contains(out, "MONITOR BERSIH / MONITOR CLEAN: 8 entries") {
		t.Fatalf("first walk: exit %d\n%s", code, out)
	}
	r.sign(t)
	r.sign(t)
	r.checkpoint(t)
	if code, out := monitor(t, a); code != 0 || keptSize(a) != 10 || !strings.Contains(out, "leaves 8 to 10") {
		t.Fatalf("walk of the new entries: exit %d\n%s", code, out)
	}
	b := copyDataDir(t, a)
	// A state it cannot trust is a usage error, and stays as it was.
	for name, garbage := range map[string]string{"monitor.json": "{not json", "checkpoint": "ikrar.test/registry\n10\nAAAA\n"} {
		d := copyDataDir(t, a)
		if err := os.WriteFile(filepath.Join(d, name), []byte(garbage), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out := monitor(t, d); code != 2 || string(readTrustFile(t, filepath.Join(d, name))) != garbage {
			t.Fatalf("monitor with a garbled %s: exit %d\n%s", name, code, out)
		}
	}

	// The operator cuts the last signature off and rebuilds the tree and
	// checkpoints to match, then signs on: a log the registry's own audit
	// finds consistent.
	last := r.sigs[len(r.sigs)-1]
	tamperDB(t, r.dir, func(exec func(string, ...any) sql.Result) {
		exec(`DELETE FROM signatures WHERE id = ?`, last.ID)
		exec(`DELETE FROM log_hashes WHERE idx >= ?`, tlog.StoredHashCount(last.LeafIndex))
		exec(`UPDATE log_state SET size = ?`, last.LeafIndex)
		exec(`DELETE FROM checkpoints WHERE size > ?`, last.LeafIndex)
	})
	// The signer would refuse to sign on from there (TRUST.md §12): the
	// insider also deletes the last checkpoint it signed, kept beside its
	// key.
	if err := os.Remove(filepath.Join(r.dir, "keys", "last-checkpoint")); err != nil {
		t.Fatal(err)
	}
	code, out := monitor(t, b)
	if code != 1 || !strings.Contains(out, "rollback: the registry serves a checkpoint of 8 leaves, it once served 10") {
		t.Fatalf("monitor after a rollback: exit %d\n%s", code, out)
	}
	wantEvidence(t, b, out)
	r.sign(t)
	r.sign(t)
	r.checkpoint(t)
	code, out = monitor(t, a)
	if code != 1 || !strings.Contains(out, "fork: the checkpoint of 11 leaves does not extend the kept one of 10") {
		t.Fatalf("monitor after a rewrite: exit %d\n%s", code, out)
	}
	wantEvidence(t, a, out)
	if keptSize(a) != 10 {
		t.Fatal("a failed walk moved the state on")
	}

	// A new monitor sees a consistent log, until a record is logged with
	// a signing time two hours before the records logged before it.
	c := t.TempDir()
	if code, out := monitor(t, c); code != 0 || keptSize(c) != 11 {
		t.Fatalf("a new monitor: exit %d\n%s", code, out)
	}
	now := r.a.svc.Now
	r.a.svc.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	backdated := r.sign(t)
	r.a.svc.Now = now
	r.sign(t)
	r.checkpoint(t)
	for range 2 {
		code, out := monitor(t, c)
		if code != 1 || !strings.Contains(out, "leaf 11 (signature of "+backdated.Code+")") || !strings.Contains(out, "back-dated?") {
			t.Fatalf("monitor of a back-dated record: exit %d\n%s", code, out)
		}
		if keptSize(c) != 11 {
			t.Fatal("a walk with a problem moved the state on")
		}
	}
	if code, out := monitor(t, c, "--tolerance", "3h"); code != 0 || keptSize(c) != 13 {
		t.Fatalf("with a tolerance wider than the back-dating: exit %d\n%s", code, out)
	}
}

// wantEvidence checks that the monitor wrote the kept and the served
// checkpoint, each a signed note of the registry, and said where.
func wantEvidence(t *testing.T, dir, out string) {
	t.Helper()
	kept, _ := filepath.Glob(filepath.Join(dir, "evidence", "*-kept.checkpoint"))
	served, _ := filepath.Glob(filepath.Join(dir, "evidence", "*-served.checkpoint"))
	if len(kept) != 1 || len(served) != 1 || strings.TrimSuffix(kept[0], "-kept.checkpoint") != strings.TrimSuffix(served[0], "-served.checkpoint") {
		t.Fatalf("evidence files %q %q\n%s", kept, served, out)
	}
	k, s := readTrustFile(t, kept[0]), readTrustFile(t, served[0])
	if !bytes.Equal(k, readTrustFile(t, filepath.Join(dir, "checkpoint"))) || bytes.Equal(k, s) || !bytes.Contains(s, []byte("\n\n— ")) {
		t.Fatalf("evidence: kept %q served %q", k, s)
	}
	if !strings.Contains(out, "Bukti / Evidence:") {
		t.Fatalf("the evidence is not mentioned:\n%s", out)
	}
	if err := os.RemoveAll(filepath.Join(dir, "evidence")); err != nil {
		t.Fatal(err)
	}
}
