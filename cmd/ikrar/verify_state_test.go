package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The default memory of verify --online is ikrar in the user's cache
// directory; without one, verify says how to choose.
func TestDefaultStateDir(t *testing.T) {
	got, err := defaultStateDir(func() (string, error) { return "/home/budi/.cache", nil })
	if err != nil || got != filepath.Join("/home/budi/.cache", "ikrar") {
		t.Errorf("got %q, %v", got, err)
	}
	_, err = defaultStateDir(func() (string, error) { return "", errors.New("neither $XDG_CACHE_HOME nor $HOME are defined") })
	if err == nil || !strings.Contains(err.Error(), "--state DIR, or --no-state") {
		t.Errorf("no cache directory: %v", err)
	}
}

// verify --online remembers the checkpoints it proved records against: a
// registry restored from a backup that then signs another history (a fork
// at a size already seen, or growth from it) is caught on the next check,
// with both signed checkpoints as evidence, though each answer on its own
// is signed and proved.
func TestVerifyOnlineRemembers(t *testing.T) {
	r := seededTrustRegistry(t) // 8 leaves, checkpoint 8
	keyFile := writeKeyFile(t, r.dir)
	qr := r.qrText(t, r.sigs[0], "http://ikrar.test")
	event, emps, next := r.event, r.emps, r.next
	r.close()
	restored := copyDataDir(t, r.dir)
	state := filepath.Join(t.TempDir(), "state")
	verify := func(t *testing.T, base string, extra ...string) (int, string) {
		t.Helper()
		return runTrust(t, append([]string{"verify", "--qr", qr, "--key", keyFile, "--online", base}, extra...)...)
	}
	signOn := func(a *app, emp int) {
		t.Helper()
		if _, _, err := a.svc.Sign(t.Context(), typedSignRequest(t, event, emps[emp])); err != nil {
			t.Fatal(err)
		}
	}

	base, a := serveDir(t, r.dir)
	if code, out := verify(t, base, "--state", state); code != 0 || !strings.Contains(out, "the first checkpoint seen of this log; remembered in "+state) {
		t.Fatalf("first check: exit %d\n%s", code, out)
	}
	signOn(a, next)
	signOn(a, next+1)
	waitCheckpoint(t, base, 10)
	code, out := verify(t, base, "--state", state)
	if code != 0 || !strings.Contains(out, "ok  INGATAN / MEMORY: konsisten dengan checkpoint berukuran 8 yang dilihat pada") ||
		!strings.Contains(out, "consistent with the checkpoint of size 8 seen on") {
		t.Fatalf("check after growth: exit %d\n%s", code, out)
	}
	if got := stateSizes(t, state); strings.Join(got, ",") != "10,8" {
		t.Fatalf("the state remembers %v", got)
	}

	// The backup of 8 leaves, restored, signs two other people: a second
	// log of 10 leaves under the same key.
	forkBase, forked := serveDir(t, restored)
	signOn(forked, next+2)
	signOn(forked, next+3)
	waitCheckpoint(t, forkBase, 10)
	if code, out := verify(t, forkBase, "--no-state"); code != 0 {
		t.Fatalf("without memory the fork passes: exit %d\n%s", code, out)
	}
	code, out = verify(t, forkBase, "--state", state)
	if code != 1 || !strings.Contains(out, "!!  RIWAYAT BERCABANG / SPLIT VIEW") ||
		!strings.Contains(out, "fork: the registry serves a checkpoint of size 10 with root") {
		t.Fatalf("fork at a size seen: exit %d\n%s", code, out)
	}
	if k, s := evidenceFrom(t, r, state); k.Size != 10 || s.Size != 10 || k.Root == s.Root {
		t.Errorf("evidence %d/%s and %d/%s", k.Size, k.Root, s.Size, s.Root)
	}
	signOn(forked, next+4)
	waitCheckpoint(t, forkBase, 11)
	code, out = verify(t, forkBase, "--state", state)
	if code != 1 || !strings.Contains(out, "fork: the checkpoint of size 10 is not a prefix of the checkpoint of size 11") {
		t.Fatalf("growth from another history: exit %d\n%s", code, out)
	}
	// The failed proof is backed by the registry's own checkpoint of the
	// size remembered, which now has another root: written last.
	if !strings.Contains(out, "fork: the registry serves a checkpoint of size 10 with root") {
		t.Errorf("the registry's own copy of size 10 not compared:\n%s", out)
	}
	if k, s := evidenceFrom(t, r, state); k.Size != 10 || s.Size != 10 || k.Root == s.Root {
		t.Errorf("evidence %d/%s and %d/%s", k.Size, k.Root, s.Size, s.Root)
	}
	if got := stateSizes(t, state); strings.Join(got, ",") != "10,8" {
		t.Errorf("a conflict changed the state: %v", got)
	}

	// A state file edited by hand is named, not replaced.
	files, _ := filepath.Glob(filepath.Join(state, "logs", "*", "8-*.checkpoint"))
	if len(files) != 1 {
		t.Fatalf("state files %v", files)
	}
	if err := os.WriteFile(files[0], []byte("ikrar.test/registry\n8\nAAAA\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = verify(t, base, "--state", state)
	if code != 1 || !strings.Contains(out, "!!  INGATAN / MEMORY: state file "+files[0]) {
		t.Errorf("corrupted state: exit %d\n%s", code, out)
	}
	if got := stateSizes(t, state); strings.Join(got, ",") != "10,8" {
		t.Errorf("a corrupted state was reset: %v", got)
	}

	for _, args := range [][]string{{"--state", state, "--no-state"}} {
		if code, out := verify(t, base, args...); code != 2 {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	if code, out := runTrust(t, "verify", "--qr", qr, "--key", keyFile, "--state", state); code != 2 {
		t.Errorf("--state without --online: exit %d\n%s", code, out)
	}
}
