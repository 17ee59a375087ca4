package seen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

const origin = "ikrar.test/registry"

func mustKeys(t *testing.T, origin string) *translog.Keyring {
	t.Helper()
	k, err := translog.LoadOrCreateKeyring(t.TempDir(), origin)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// tree returns the stored hashes of a log of these leaves.
func tree(t *testing.T, leaves []tlog.Hash) tlog.HashReader {
	t.Helper()
	var stored []tlog.Hash
	for i, l := range leaves {
		hs, err := tlog.StoredHashesForRecordHash(int64(i), l, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for j, x := range idx {
				out[j] = stored[x]
			}
			return out, nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, hs...)
	}
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for j, x := range idx {
			out[j] = stored[x]
		}
		return out, nil
	})
}

type fakeLog struct {
	t    *testing.T
	keys *translog.Keyring
	hr   tlog.HashReader
}

func newFakeLog(t *testing.T, keys *translog.Keyring, n int, salt byte) *fakeLog {
	leaves := make([]tlog.Hash, n)
	for i := range leaves {
		leaves[i] = tlog.RecordHash([]byte{byte(i), salt})
	}
	return &fakeLog{t: t, keys: keys, hr: tree(t, leaves)}
}

func (f *fakeLog) checkpoint(size int64) (translog.Checkpoint, []byte) {
	f.t.Helper()
	root, err := tlog.TreeHash(size, f.hr)
	if err != nil {
		f.t.Fatal(err)
	}
	c := translog.Checkpoint{Origin: f.keys.Name(), Size: size, Root: root}
	n, err := f.keys.SignCheckpoint(c)
	if err != nil {
		f.t.Fatal(err)
	}
	return c, n
}

func (f *fakeLog) prove(from, to int64) ([]tlog.Hash, error) {
	return translog.ConsistencyProof(from, to, f.hr)
}

func mustOpen(t *testing.T, path string) *Dir {
	t.Helper()
	d, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestCheck(t *testing.T) {
	keys := mustKeys(t, origin)
	honest := newFakeLog(t, keys, 20, 0)
	forked := newFakeLog(t, keys, 20, 1) // another history from leaf 0 on
	d := mustOpen(t, t.TempDir())
	l, err := d.Log(origin, keys.Verifiers())
	if err != nil {
		t.Fatal(err)
	}
	remember := func(f *fakeLog, size int64) {
		c, n := f.checkpoint(size)
		if err := d.Remember(l, Seen{Checkpoint: c, Note: n, At: time.Unix(1700000000+size, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	c8, n8 := honest.checkpoint(8)
	if _, ok, conflict, err := Check(l, c8, n8, true, honest.prove); ok || conflict != nil || err != nil {
		t.Fatalf("first sight: %v %v %v", ok, conflict, err)
	}
	remember(honest, 8)
	remember(honest, 12)

	tests := []struct {
		name   string
		log    *fakeLog
		size   int64
		newest bool
		want   ConflictKind
		prove  *fakeLog
	}{
		{"same", honest, 12, true, "", honest},
		{"grown", honest, 15, true, "", honest},
		{"older, consistent, not newest", honest, 10, false, "", honest},
		{"older seen, not newest", honest, 8, false, "", honest},
		{"rollback", honest, 10, true, Rollback, honest},
		{"rollback to a size seen", honest, 8, true, Rollback, honest},
		{"fork at the latest size", forked, 12, true, Fork, forked},
		{"fork at an older size", forked, 8, false, Fork, forked},
		{"grown from another history", forked, 15, true, Inconsistent, forked},
		{"older, other history", forked, 10, false, Inconsistent, forked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, n := tt.log.checkpoint(tt.size)
			against, ok, conflict, err := Check(l, c, n, tt.newest, tt.prove.prove)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && (conflict != nil || !ok):
				t.Fatalf("conflict %v, want none", conflict)
			case tt.want == "" && against.Checkpoint.Size != 12 && against.Checkpoint.Size != tt.size:
				t.Errorf("checked against size %d", against.Checkpoint.Size)
			case tt.want != "" && (conflict == nil || conflict.Kind != tt.want):
				t.Fatalf("conflict %v, want %s", conflict, tt.want)
			case tt.want != "":
				if _, err := translog.OpenCheckpoint(conflict.Kept.Note, keys.Verifiers()); err != nil {
					t.Error("kept evidence does not verify:", err)
				}
				if _, err := translog.OpenCheckpoint(conflict.ServedNote, keys.Verifiers()); err != nil {
					t.Error("served evidence does not verify:", err)
				}
			}
		})
	}
	if _, _, _, err := Check(l, c8, n8, false, func(int64, int64) ([]tlog.Hash, error) { return nil, errors.New("offline") }); err != nil {
		t.Errorf("a checkpoint seen needs no proof: %v", err)
	}
	c15, n15 := honest.checkpoint(15)
	if _, _, _, err := Check(l, c15, n15, true, func(int64, int64) ([]tlog.Hash, error) { return nil, errors.New("offline") }); err == nil {
		t.Error("no proof had, yet no error")
	}

	// Read back by another run: the same.
	l2, err := d.Log(origin, keys.Verifiers())
	if err != nil || len(l2.Seen) != 2 || l2.Seen[1].Checkpoint.Size != 12 || l2.Seen[0].At.Unix() != 1700000008 {
		t.Fatalf("read back: %+v, %v", l2, err)
	}
}

func TestStateRefusesForeignAndCorrupted(t *testing.T) {
	keys := mustKeys(t, origin)
	log := newFakeLog(t, keys, 10, 0)
	c5, n5 := log.checkpoint(5)
	_, n6 := log.checkpoint(6)
	other := mustKeys(t, "other.test/registry")
	_, on := newFakeLog(t, other, 10, 0).checkpoint(5)

	setup := func(t *testing.T) (string, string) {
		t.Helper()
		dir := t.TempDir()
		d := mustOpen(t, dir)
		l, err := d.Log(origin, keys.Verifiers())
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Remember(l, Seen{Checkpoint: c5, Note: n5, At: time.Unix(1700000000, 0)}); err != nil {
			t.Fatal(err)
		}
		d.Close()
		return dir, d.logDir(origin)
	}
	forged, err := mustKeys(t, origin).SignCheckpoint(c5)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(logDir string)
		want string
	}{
		{"garbage", func(ld string) { os.WriteFile(filepath.Join(ld, "5-1700000000.checkpoint"), []byte("garbage"), 0o644) }, "does not verify with the registry's keys"},
		{"signed by another key", func(ld string) { os.WriteFile(filepath.Join(ld, "5-1700000000.checkpoint"), forged, 0o644) }, "does not verify with the registry's keys"},
		{"renamed", func(ld string) {
			os.Rename(filepath.Join(ld, "5-1700000000.checkpoint"), filepath.Join(ld, "6-1700000000.checkpoint"))
		}, "under the name of size 6"},
		{"two of one size", func(ld string) {
			os.WriteFile(filepath.Join(ld, "6-1.checkpoint"), n6, 0o644)
			os.WriteFile(filepath.Join(ld, "6-2.checkpoint"), n6, 0o644)
		}, "two checkpoints of size 6"},
		{"foreign file", func(ld string) { os.WriteFile(filepath.Join(ld, "notes.txt"), nil, 0o644) }, "a foreign file"},
		{"another log's checkpoint", func(ld string) { os.WriteFile(filepath.Join(ld, "5-1700000000.checkpoint"), on, 0o644) }, "does not verify"},
		{"huge", func(ld string) {
			os.WriteFile(filepath.Join(ld, "5-1700000000.checkpoint"), make([]byte, 1<<20), 0o644)
		}, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, ld := setup(t)
			tt.edit(ld)
			d := mustOpen(t, dir)
			_, err := d.Log(origin, keys.Verifiers())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}

	t.Run("a directory of other things", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "thesis.pdf"), []byte("%PDF"), 0o644)
		if _, err := Open(dir, nil); err == nil || !strings.Contains(err.Error(), "not an ikrar state directory") {
			t.Fatalf("got %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "ikrar-state")); err == nil {
			t.Error("wrote into a foreign directory")
		}
	})
	t.Run("another format", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "ikrar-state"), []byte("ikrar checkpoint memory v9\n"), 0o644)
		if _, err := Open(dir, nil); err == nil || !strings.Contains(err.Error(), "another format") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("origin dot dot", func(t *testing.T) {
		d := mustOpen(t, t.TempDir())
		if got := filepath.Base(d.logDir("..")); got != "%2E." {
			t.Errorf("origin .. kept in %q", got)
		}
	})
}

// Runs that remember at once neither lose a checkpoint nor leave half a
// file: each waits for the lock.
func TestConcurrentRemember(t *testing.T) {
	keys := mustKeys(t, origin)
	log := newFakeLog(t, keys, 40, 0)
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			d, err := Open(dir, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer d.Close()
			l, err := d.Log(origin, keys.Verifiers())
			if err != nil {
				t.Error(err)
				return
			}
			c, n := log.checkpoint(int64(i + 1))
			if _, _, conflict, err := Check(l, c, n, false, log.prove); conflict != nil || err != nil {
				t.Error(conflict, err)
				return
			}
			if err := d.Remember(l, Seen{Checkpoint: c, Note: n, At: time.Now()}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	d := mustOpen(t, dir)
	l, err := d.Log(origin, keys.Verifiers())
	if err != nil || len(l.Seen) != 16 {
		t.Fatalf("%d remembered, %v", len(l.Seen), err)
	}
}

func TestWriteEvidence(t *testing.T) {
	d := mustOpen(t, t.TempDir())
	now := time.Unix(1800000000, 0)
	a, err := d.WriteEvidence(now, []byte("kept"), []byte("served"), "report")
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.WriteEvidence(now, []byte("kept2"), nil, "report2")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(a.Kept) != "1800000000-kept.checkpoint" || filepath.Base(a.Served) != "1800000000-served.checkpoint" ||
		filepath.Base(b.Kept) != "1800000001-kept.checkpoint" || b.Served != "" {
		t.Errorf("evidence names %+v, %+v", a, b)
	}
}
