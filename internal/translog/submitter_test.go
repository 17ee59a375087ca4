package translog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// memWitnessStore is a WitnessStore in memory, one lock for check and
// update as the database's transaction.
type memWitnessStore struct {
	mu sync.Mutex
	m  map[string]WitnessState
}

func (s *memWitnessStore) AdvanceWitnessed(ctx context.Context, origin string, check func(WitnessState) error, next WitnessState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := check(s.m[origin]); err != nil {
		return err
	}
	s.m[origin] = next
	return nil
}

func (s *memWitnessStore) Witnessed(ctx context.Context, origin string) (WitnessState, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[origin]
	return st, ok, nil
}

// memLogStore is a log in memory with its kept checkpoints.
type memLogStore struct {
	mu     sync.Mutex
	hashes []tlog.Hash
	size   int64
	cps    map[int64]SignedCheckpoint
}

func (l *memLogStore) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = l.hashes[x]
	}
	return out, nil
}
func (l *memLogStore) HashReader(ctx context.Context) tlog.HashReader { return l }
func (l *memLogStore) LogSize(ctx context.Context) (int64, error)     { return l.size, nil }
func (l *memLogStore) LatestCheckpoint(ctx context.Context) (SignedCheckpoint, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var best SignedCheckpoint
	for _, c := range l.cps {
		if c.Size >= best.Size {
			best = c
		}
	}
	return best, nil
}
func (l *memLogStore) CheckpointAt(ctx context.Context, size int64) (SignedCheckpoint, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.cps[size]
	if !ok {
		return c, fmt.Errorf("no checkpoint of size %d", size)
	}
	return c, nil
}
func (l *memLogStore) SaveCheckpoint(ctx context.Context, c SignedCheckpoint, at time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.cps[c.Size]; !ok {
		l.cps[c.Size] = c
	}
	return nil
}
func (l *memLogStore) SaveCosignedCheckpoint(ctx context.Context, c SignedCheckpoint, at time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.cps[c.Size]; ok && old.Root != c.Root {
		return fmt.Errorf("another root")
	}
	l.cps[c.Size] = c
	return nil
}

func (l *memLogStore) append(t *testing.T, n int) {
	t.Helper()
	for range n {
		h, err := tlog.StoredHashes(l.size, []byte("leaf "+strconv.FormatInt(l.size, 10)), l)
		if err != nil {
			t.Fatal(err)
		}
		l.hashes = append(l.hashes, h...)
		l.size++
	}
}

// TestSubmitterAfterRestart: a registry whose submitter forgot what its
// witness cosigned (a restart) learns the size from the witness's 409 and
// submits again with a proof from it; a witness that is down does not hold
// up signing, and is caught up once it answers.
func TestSubmitterAfterRestart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	keys, err := LoadOrCreateKeyring(filepath.Join(t.TempDir(), "keys"), "kab.test/ikrar")
	if err != nil {
		t.Fatal(err)
	}
	skey, _ := GenerateCosignerKey("saksi.test/witness")
	wkey, _ := NewCosigner(skey)
	logKeys, _ := ParseVerifierKeys(keys.VerifierKeys()[0])
	w := &Witness{Key: wkey, Logs: map[string]note.Verifiers{"kab.test/ikrar": logKeys}, Store: &memWitnessStore{m: map[string]WitnessState{}}}
	var down sync.Mutex
	up := true
	ts := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		down.Lock()
		ok := up
		down.Unlock()
		if !ok {
			http.Error(rw, "down", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		lines, err := w.AddCheckpoint(r.Context(), body)
		if rf, isRefusal := IsWitnessRefusal(err); isRefusal {
			if rf.Fault == WitnessConflict {
				rw.Header().Set("Content-Type", "text/x.tlog.size")
				rw.WriteHeader(http.StatusConflict)
				fmt.Fprintf(rw, "%d\n", rf.Size)
				return
			}
			http.Error(rw, rf.Reason, http.StatusUnprocessableEntity)
			return
		}
		rw.Write(lines)
	}))
	defer ts.Close()
	wv, _ := NewCosignatureVerifier(wkey.VerifierKey())
	store := &memLogStore{cps: map[int64]SignedCheckpoint{}}
	log := slog.New(slog.DiscardHandler)
	var cosignedSeen atomic.Int64 // the last size handed on cosigned
	start := func() (*Checkpointer, *Submitter, context.CancelFunc) {
		sctx, stop := context.WithCancel(ctx)
		sub := &Submitter{Witnesses: []*CosignatureVerifier{wv}, URLs: []string{ts.URL}, Quorum: 1, Store: store, Log: log, Now: time.Now, MaxBackoff: 50 * time.Millisecond,
			Cosigned: func(sc SignedCheckpoint) {
				// What publication is handed: the note with its cosignature.
				if _, found, err := OpenCosignedCheckpoint(sc.Note, logKeys, []*CosignatureVerifier{wv}, 1); err == nil && len(found) == 1 {
					cosignedSeen.Store(sc.Size)
				}
			}}
		cp := &Checkpointer{Store: store, Keys: keys, Now: time.Now, Log: log, Signed: []func(context.Context, SignedCheckpoint){func(_ context.Context, sc SignedCheckpoint) { sub.Signed(sc) }}}
		go sub.Run(sctx)
		return cp, sub, stop
	}
	waitWitnessed := func(sub *Submitter, size int64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if l, ok := sub.Latest(); ok && l.Size == size {
				if _, found, err := OpenCosignedCheckpoint(l.Note, logKeys, []*CosignatureVerifier{wv}, 1); err == nil && len(found) == 1 {
					return
				}
			}
		}
		t.Fatalf("checkpoint %d was not cosigned", size)
	}

	store.append(t, 3)
	cp, sub, stop := start()
	if _, err := cp.Sign(ctx); err != nil {
		t.Fatal(err)
	}
	waitWitnessed(sub, 3)
	for deadline := time.Now().Add(5 * time.Second); cosignedSeen.Load() != 3; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the cosigned checkpoint was not handed on (got size %d)", cosignedSeen.Load())
		}
	}
	stop()

	// Restarted, with the witness down: signing goes on.
	down.Lock()
	up = false
	down.Unlock()
	store.append(t, 4)
	cp, sub, stop = start()
	defer stop()
	signed := make(chan error, 1)
	go func() { _, err := cp.Sign(ctx); signed <- err }()
	select {
	case err := <-signed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("signing waited for a witness that is down")
	}
	// Meanwhile a key rotation cross-signs the kept checkpoint: its second
	// signature must survive the cosignatures added after it.
	store.mu.Lock()
	crossSigned := store.cps[7]
	crossLine := "— kab.test/ikrar-next AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	crossSigned.Note = append(append([]byte(nil), crossSigned.Note...), crossLine...)
	store.cps[7] = crossSigned
	store.mu.Unlock()
	time.Sleep(100 * time.Millisecond)
	down.Lock()
	up = true
	down.Unlock()
	waitWitnessed(sub, 7)
	if st, _, _ := w.Store.Witnessed(ctx, "kab.test/ikrar"); st.Size != 7 {
		t.Fatalf("the witness is at %d, want 7", st.Size)
	}
	store.mu.Lock()
	kept := store.cps[7]
	store.mu.Unlock()
	if !hasCosignature(kept.Note, wv) {
		t.Fatal("the kept checkpoint of size 7 lacks the cosignature")
	}
	if !strings.Contains(string(kept.Note), crossLine) {
		t.Fatalf("the rotation's signature was dropped:\n%s", kept.Note)
	}
}
