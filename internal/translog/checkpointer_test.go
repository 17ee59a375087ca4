package translog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// memLog is a CheckpointStore in memory that an insider can edit.
type memLog struct {
	mu     sync.Mutex
	leaves []tlog.Hash
	hashes MemoryHashes
	cps    map[int64]SignedCheckpoint
}

func newMemLog(t *testing.T, n int) *memLog {
	t.Helper()
	m := &memLog{cps: map[int64]SignedCheckpoint{}}
	for range n {
		m.append(t)
	}
	return m
}

func (m *memLog) append(t *testing.T) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	leaf := tlog.RecordHash([]byte{byte(len(m.leaves)), byte(len(m.cps)), 'x'})
	m.leaves = append(m.leaves, leaf)
	if err := m.hashes.Add(int64(len(m.leaves)-1), leaf); err != nil {
		t.Fatal(err)
	}
}

// rewrite replaces leaf i and rebuilds the stored tree: a database-only
// rewrite, no key.
func (m *memLog) rewrite(t *testing.T, i int, leaf tlog.Hash) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.leaves[i] = leaf
	h, err := Rebuild(m.leaves)
	if err != nil {
		t.Fatal(err)
	}
	m.hashes = h
}

// truncate drops leaves from n on: a rollback.
func (m *memLog) truncate(t *testing.T, n int) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.leaves = m.leaves[:n]
	h, err := Rebuild(m.leaves)
	if err != nil {
		t.Fatal(err)
	}
	m.hashes = h
}

func (m *memLog) LogSize(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return int64(len(m.leaves)), nil
}

func (m *memLog) HashReader(context.Context) tlog.HashReader {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append(MemoryHashes(nil), m.hashes...)
}

func (m *memLog) LatestCheckpoint(context.Context) (SignedCheckpoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var best SignedCheckpoint
	found := false
	for _, c := range m.cps {
		if !found || c.Size > best.Size {
			best, found = c, true
		}
	}
	if !found {
		return SignedCheckpoint{}, errors.New("no checkpoint")
	}
	return best, nil
}

func (m *memLog) SaveCheckpoint(_ context.Context, c SignedCheckpoint, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.cps[c.Size]; !ok {
		m.cps[c.Size] = c
	}
	return nil
}

func (m *memLog) stored() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cps)
}

func newTestCheckpointer(t *testing.T, store CheckpointStore, dir string) (*Checkpointer, *bytes.Buffer) {
	t.Helper()
	k, err := LoadOrCreateKeyring(dir, "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	return &Checkpointer{Store: store, Keys: k, Now: time.Now, Log: slog.New(slog.NewTextHandler(&logs, nil))}, &logs
}

// An insider rewrites the database (no key) after the registry signed: the
// signer must neither sign the rewritten tree at the signed size (a fork)
// nor any larger tree over it, must keep serving what it signed, and must
// resume once the tree agrees again.
func TestCheckpointerRefusesFork(t *testing.T) {
	for _, tt := range []struct {
		name   string
		tamper func(t *testing.T, m *memLog)
		kind   string
	}{
		{"leaf rewritten, same size", func(t *testing.T, m *memLog) { m.rewrite(t, 2, tlog.Hash{9}) }, "fork"},
		{"leaf rewritten, then one appended", func(t *testing.T, m *memLog) { m.rewrite(t, 2, tlog.Hash{9}); m.append(t) }, "rewritten"},
		{"leaves removed", func(t *testing.T, m *memLog) { m.truncate(t, 3) }, "rollback"},
		{"leaves removed and others appended", func(t *testing.T, m *memLog) { m.truncate(t, 3); m.append(t); m.append(t); m.append(t) }, "rewritten"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemLog(t, 5)
			dir := filepath.Join(t.TempDir(), "keys")
			cp, logs := newTestCheckpointer(t, m, dir)
			var hooked []int64
			cp.Signed = append(cp.Signed, func(_ context.Context, sc SignedCheckpoint) { hooked = append(hooked, sc.Size) })
			good, err := cp.Sign(t.Context())
			if err != nil || good.Size != 5 {
				t.Fatalf("first signing: %v %v", good.Size, err)
			}
			saved := m.stored()
			tt.tamper(t, m)

			// Both the running signer and a fresh one (a restart) refuse.
			restarted, _ := newTestCheckpointer(t, m, dir)
			if err := restarted.Check(t.Context()); err == nil {
				t.Error("start-up check passed over a rewritten tree")
			} else if ie, ok := errors.AsType[*InconsistentError](err); !ok || ie.Kind != tt.kind || ie.Last.Size != 5 {
				t.Errorf("start-up check: %v, want an inconsistency of kind %s against size 5", err, tt.kind)
			}
			// The running signer checks again before it signs, and every
			// minute (Run) even when the log does not grow.
			if err := cp.Check(t.Context()); err == nil {
				t.Error("the running signer's check passed over a rewritten tree")
			}
			for _, c := range []*Checkpointer{cp, restarted} {
				got, err := c.Sign(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if got.Size != good.Size || !bytes.Equal(got.Note, good.Note) {
					t.Errorf("served checkpoint of size %d, want the last good one of size %d", got.Size, good.Size)
				}
				if r := c.Refusal(); r == nil || r.Kind != tt.kind {
					t.Errorf("refusal %v, want kind %s", r, tt.kind)
				}
			}
			if m.stored() != saved || len(hooked) != 1 {
				t.Errorf("a checkpoint was stored (%d, was %d) or announced (%v) over the rewritten tree", m.stored(), saved, hooked)
			}
			last, _, err := cp.Keys.LastSigned()
			if err != nil || !bytes.Equal(last.Note, good.Note) {
				t.Errorf("last-checkpoint now %d (%v), want the good one", last.Size, err)
			}
			if !bytes.Contains(logs.Bytes(), []byte("REFUSING TO SIGN")) || !bytes.Contains(logs.Bytes(), []byte("signed_size=5")) {
				t.Errorf("the refusal was not logged loudly with sizes:\n%s", logs.String())
			}
		})
	}
}

func TestCheckpointerResumesWhenTheTreeAgrees(t *testing.T) {
	m := newMemLog(t, 5)
	cp, _ := newTestCheckpointer(t, m, filepath.Join(t.TempDir(), "keys"))
	if _, err := cp.Sign(t.Context()); err != nil {
		t.Fatal(err)
	}
	orig := m.leaves[2]
	m.rewrite(t, 2, tlog.Hash{9})
	m.append(t)
	if _, err := cp.Sign(t.Context()); err != nil || cp.Refusal() == nil {
		t.Fatalf("not refused: %v", err)
	}
	m.rewrite(t, 2, orig)
	got, err := cp.Sign(t.Context())
	if err != nil || got.Size != 6 || cp.Refusal() != nil {
		t.Fatalf("after repair: size %d, refusal %v, %v", got.Size, cp.Refusal(), err)
	}
}

// A data directory from before last-checkpoint existed (or one whose file
// an insider deleted) starts from the latest stored checkpoint that
// verifies, and writes the file.
func TestCheckpointerMigratesFromStoredCheckpoint(t *testing.T) {
	m := newMemLog(t, 5)
	dir := filepath.Join(t.TempDir(), "keys")
	cp, _ := newTestCheckpointer(t, m, dir)
	good, err := cp.Sign(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, LastSignedFile)); err != nil {
		t.Fatal(err)
	}
	m.rewrite(t, 1, tlog.Hash{7})
	restarted, logs := newTestCheckpointer(t, m, dir)
	if err := restarted.Check(t.Context()); err == nil {
		t.Error("the stored checkpoint was not taken as the starting point")
	}
	if !bytes.Contains(logs.Bytes(), []byte("starting the signer's history from the latest stored checkpoint")) {
		t.Errorf("the fallback was not logged:\n%s", logs.String())
	}
	if last, ok, err := restarted.Keys.LastSigned(); err != nil || !ok || !bytes.Equal(last.Note, good.Note) {
		t.Errorf("last-checkpoint not written from the stored checkpoint: %v %v", ok, err)
	}
}

// A forged last-checkpoint (not signed by the ring's keys) is an error,
// never "no history".
func TestLastSignedForged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := LoadOrCreateKeyring(dir, "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	other, err := LoadOrCreateKeyring(filepath.Join(t.TempDir(), "keys"), "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	note, err := other.SignCheckpoint(Checkpoint{Origin: "ikrar.test/log", Size: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, LastSignedFile), note, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.LastSigned(); !errors.Is(err, ErrUnverified) {
		t.Errorf("forged last-checkpoint: %v, want ErrUnverified", err)
	}
}

// The key directory holds last-checkpoint and a witness's key beside the
// log's keys; neither is taken for a log key.
func TestKeyringIgnoresOtherFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := LoadOrCreateKeyring(dir, "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	note, err := k.SignCheckpoint(Checkpoint{Origin: "ikrar.test/log", Size: 0})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.KeepSigned(SignedCheckpoint{Note: note}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "witness-1.key"), []byte("PRIVATE+KEY+elsewhere+00000000+AAAA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := LoadKeyring(dir, "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(again.VerifierKeys()); n != 1 {
		t.Errorf("%d verifier keys, want 1", n)
	}
	if _, ok, err := again.LastSigned(); !ok || err != nil {
		t.Errorf("last-checkpoint not read back: %v %v", ok, err)
	}
}

func TestCosigners(t *testing.T) {
	k, err := LoadOrCreateKeyring(filepath.Join(t.TempDir(), "keys"), "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	note, err := k.SignCheckpoint(Checkpoint{Origin: "ikrar.test/log", Size: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := Cosigners(note, "ikrar.test/log"); len(got) != 0 {
		t.Errorf("the log's own signature taken for a witness: %q", got)
	}
	cosigned := append(append([]byte(nil), note...), "\u2014 kab-bantul.example/witness AAAAAAAA\n\u2014 kab-sleman.example/witness BBBBBBBB\n\u2014 kab-bantul.example/witness CCCC\n"...)
	if got := Cosigners(cosigned, "ikrar.test/log"); len(got) != 2 || got[0] != "kab-bantul.example/witness" || got[1] != "kab-sleman.example/witness" {
		t.Errorf("cosigners %q", got)
	}
	if got := Cosigners([]byte("garbage"), "ikrar.test/log"); got != nil {
		t.Errorf("garbage: %q", got)
	}
}

// listingLog is a memLog that lists its checkpoints, as the database does.
type listingLog struct{ *memLog }

func (l listingLog) Checkpoints(context.Context) ([]SignedCheckpoint, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []SignedCheckpoint
	for _, c := range l.cps {
		out = append(out, c)
	}
	return out, nil
}

// The fallback skips a forged latest checkpoint that an insider stored
// (after deleting last-checkpoint) and takes the largest that verifies.
func TestCheckpointerMigrationSkipsForgedCheckpoints(t *testing.T) {
	m := newMemLog(t, 5)
	dir := filepath.Join(t.TempDir(), "keys")
	cp, _ := newTestCheckpointer(t, listingLog{m}, dir)
	good, err := cp.Sign(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	other, err := LoadOrCreateKeyring(filepath.Join(t.TempDir(), "keys"), "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.SignCheckpoint(Checkpoint{Origin: "ikrar.test/log", Size: 9, Root: tlog.Hash{9}})
	if err != nil {
		t.Fatal(err)
	}
	m.cps[9] = SignedCheckpoint{Size: 9, Root: tlog.Hash{9}, Note: forged}
	if err := os.Remove(filepath.Join(dir, LastSignedFile)); err != nil {
		t.Fatal(err)
	}
	restarted, logs := newTestCheckpointer(t, listingLog{m}, dir)
	if err := restarted.Check(t.Context()); err != nil {
		t.Fatalf("start-up check: %v", err)
	}
	if last, ok, err := restarted.Keys.LastSigned(); err != nil || !ok || !bytes.Equal(last.Note, good.Note) {
		t.Errorf("fallback took size %d (%v %v), want the genuine checkpoint of size 5", last.Size, ok, err)
	}
	if !bytes.Contains(logs.Bytes(), []byte("does not verify")) {
		t.Errorf("the forged checkpoint was not logged:\n%s", logs.String())
	}
}

// A cosigned note replaces the served one only for the same checkpoint.
func TestCheckpointerCosigned(t *testing.T) {
	m := newMemLog(t, 3)
	cp, _ := newTestCheckpointer(t, m, filepath.Join(t.TempDir(), "keys"))
	sc, err := cp.Sign(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cosigned := sc
	cosigned.Note = append(append([]byte(nil), sc.Note...), "\u2014 saksi.example/witness AAAAAAAA\n"...)
	other, err := cp.Keys.SignCheckpoint(Checkpoint{Origin: "ikrar.test/log", Size: 3, Root: tlog.Hash{3}})
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]SignedCheckpoint{
		"another root":       {Size: 3, Root: tlog.Hash{3}, Note: other},
		"note of other root": {Size: 3, Root: sc.Root, Note: other},
		"garbage":            {Size: 3, Root: sc.Root, Note: []byte("garbage")},
	} {
		if err := cp.Cosigned(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := cp.Cosigned(cosigned); err != nil {
		t.Fatal(err)
	}
	if got, err := cp.Sign(t.Context()); err != nil || !bytes.Equal(got.Note, cosigned.Note) {
		t.Errorf("served\n%s\nwant the cosigned note (%v)", got.Note, err)
	}
}

// Two instances share one store and one key: the one that signs (Run) and
// one that follows. The follower serves each checkpoint the signer
// stores, at once when told the log changed, and never one that does not
// verify with the log's keys.
func TestCheckpointerFollow(t *testing.T) {
	m := newMemLog(t, 2)
	dir := filepath.Join(t.TempDir(), "keys")
	signer, _ := newTestCheckpointer(t, m, dir)
	follower, logs := newTestCheckpointer(t, m, dir)
	follower.MinInterval = time.Hour // only changed wakes it
	changed := make(chan struct{})
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { follower.Follow(ctx, changed); close(done) }()
	defer func() { stop(); <-done }()
	served := func(size int64) SignedCheckpoint {
		t.Helper()
		sc, err := follower.Latest(t.Context(), size-1, 10*time.Second)
		if err != nil || sc.Size != size {
			t.Fatalf("the follower serves size %d (%v), want %d", sc.Size, err, size)
		}
		return sc
	}
	for _, grow := range []int{0, 3} {
		for range grow {
			m.append(t)
		}
		sc, err := signer.Sign(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		changed <- struct{}{}
		if got := served(sc.Size); !bytes.Equal(got.Note, sc.Note) {
			t.Errorf("the follower serves\n%s\nwant what the signer signed\n%s", got.Note, sc.Note)
		}
	}
	// A checkpoint in the store that another key signed (an insider's)
	// is not served.
	other, err := LoadOrCreateKeyring(filepath.Join(t.TempDir(), "keys"), "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	m.append(t)
	root, err := TreeHash(6, m.HashReader(t.Context()))
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.SignCheckpoint(Checkpoint{Origin: "ikrar.test/log", Size: 6, Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SaveCheckpoint(t.Context(), SignedCheckpoint{Size: 6, Root: root, Note: forged}, time.Now()); err != nil {
		t.Fatal(err)
	}
	changed <- struct{}{}
	changed <- struct{}{} // the first read is over once the second send is taken
	stop()
	<-done
	if sc, _ := follower.Latest(t.Context(), -1, 0); sc.Size != 5 {
		t.Errorf("the follower serves size %d after a forged checkpoint was stored, want 5", sc.Size)
	}
	if !bytes.Contains(logs.Bytes(), []byte("does not verify")) {
		t.Errorf("the forged checkpoint was not logged:\n%s", logs.String())
	}
}
