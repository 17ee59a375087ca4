package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar"
	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// memLog is another registry's log, kept in memory: its tree and its key.
type memLog struct {
	keys   *translog.Keyring
	hashes []tlog.Hash
	size   int64
}

func newMemLog(t *testing.T, origin string) *memLog {
	t.Helper()
	keys, err := translog.LoadOrCreateKeyring(filepath.Join(t.TempDir(), "keys"), origin)
	if err != nil {
		t.Fatal(err)
	}
	return &memLog{keys: keys}
}

func (l *memLog) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = l.hashes[x]
	}
	return out, nil
}

func (l *memLog) append(t *testing.T, n int) {
	t.Helper()
	for range n {
		h, err := tlog.StoredHashes(l.size, []byte(fmt.Sprintf("leaf %d\n", l.size)), l)
		if err != nil {
			t.Fatal(err)
		}
		l.hashes = append(l.hashes, h...)
		l.size++
	}
}

func (l *memLog) checkpoint(t *testing.T) (translog.Checkpoint, []byte) {
	t.Helper()
	root, err := tlog.TreeHash(l.size, l)
	if err != nil {
		t.Fatal(err)
	}
	c := translog.Checkpoint{Origin: l.keys.Name(), Size: l.size, Root: root}
	msg, err := l.keys.SignCheckpoint(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, msg
}

func (l *memLog) proof(t *testing.T, from int64) string {
	t.Helper()
	p, err := translog.ConsistencyProof(from, l.size, l)
	if err != nil {
		t.Fatal(err)
	}
	return translog.EncodeProof(p)
}

// newWitnessApp starts a registry that witnesses the logs given.
func newWitnessApp(t *testing.T, logs ...*memLog) (url string, db *sqlite.DB, key *translog.Cosigner) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ikrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc := registry.NewService(db, []byte("ikrar-test-link-key-of-32-bytes!"))
	certs, err := certificate.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	t.Cleanup(ts.Close)
	base := "http://" + ts.Listener.Addr().String()
	log := slog.New(slog.NewTextHandler(failOnError{t: t}, &slog.HandlerOptions{Level: slog.LevelError}))
	keysDir := filepath.Join(t.TempDir(), "keys")
	keys, err := translog.LoadOrCreateKeyring(keysDir, "ikrar.test/witness-host")
	if err != nil {
		t.Fatal(err)
	}
	if key, err = translog.LoadOrCreateCosigner(keysDir, "ikrar.test/witness"); err != nil {
		t.Fatal(err)
	}
	var forText strings.Builder
	for _, l := range logs {
		for _, k := range l.keys.VerifierKeys() {
			fmt.Fprintf(&forText, "%s %s\n", l.keys.Name(), k)
		}
	}
	witnessFor, err := translog.ParseWitnessFor(forText.String())
	if err != nil {
		t.Fatal(err)
	}
	cp := &translog.Checkpointer{Store: db, Keys: keys, Now: svc.Now, Log: log}
	tl := web.Transparency{Store: db, Keys: keys, Checkpointer: cp,
		Witness: &translog.Witness{Key: key, Logs: witnessFor, Store: db}}
	srv, err := web.New(web.Options{BaseURL: base, Templates: ikrar.Templates, Static: ikrar.Static,
		DownloadKey: []byte("ikrar-test-download-key-32-bytes"), RateLimit: true}, svc, db, certs, tl, log)
	if err != nil {
		t.Fatal(err)
	}
	runCheckpointer(t, cp, db.Appended())
	ts.Config.Handler = srv.Handler()
	ts.Start()
	return base, db, key
}

func postCheckpoint(t *testing.T, url, body string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Post(url+"/log/witness/add-checkpoint", "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b.Bytes()
}

// TestWitnessEndpoint submits what a log, an impostor and a forked log
// would, and checks each answer's C2SP status and that no refused
// submission moved the witness's state.
func TestWitnessEndpoint(t *testing.T) {
	ctx := context.Background()
	log := newMemLog(t, "kab-satu.example.go.id/ikrar")
	url, db, key := newWitnessApp(t, log)
	wv, err := translog.NewCosignatureVerifier(key.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	logKeys, err := translog.ParseVerifierKeys(strings.Join(log.keys.VerifierKeys(), "\n"))
	if err != nil {
		t.Fatal(err)
	}

	log.append(t, 3)
	cp3, msg3 := log.checkpoint(t)
	status, _, body := postCheckpoint(t, url, "old 0\n\n"+string(msg3))
	if status != http.StatusOK {
		t.Fatalf("first submission: %d %s", status, body)
	}
	got, found, err := translog.OpenCosignedCheckpoint(append(msg3, body...), logKeys, []*translog.CosignatureVerifier{wv}, 1)
	if err != nil || got != cp3 || len(found) != 1 {
		t.Fatalf("the cosignature does not verify: %v %+v", err, found)
	}

	// The log grows to 5; what the witness must hold on to is size 3.
	log.append(t, 2)
	cp5, msg5 := log.checkpoint(t)
	good := "old 3\n" + log.proof(t, 3) + "\n" + string(msg5)

	other := newMemLog(t, "kab-lain.example.go.id/ikrar")
	other.append(t, 5)
	_, otherMsg := other.checkpoint(t)
	impostor := newMemLog(t, log.keys.Name()) // the log's name, another key
	impostor.append(t, 5)
	_, impostorMsg := impostor.checkpoint(t)
	fork := newMemLog(t, "x")
	fork.keys = log.keys // the log's own key over another history
	for range 3 {
		h, _ := tlog.StoredHashes(fork.size, []byte(fmt.Sprintf("rewritten %d\n", fork.size)), fork)
		fork.hashes, fork.size = append(fork.hashes, h...), fork.size+1
	}
	_, forkMsg := fork.checkpoint(t)
	badProof := strings.Replace(good, good[6:10], "AAAA", 1)

	cases := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"garbage", "hello\n", http.StatusBadRequest, "witness_malformed"},
		{"no old line", "\n" + string(msg5), http.StatusBadRequest, "witness_malformed"},
		{"old size with a leading zero", "old 03\n" + log.proof(t, 3) + "\n" + string(msg5), http.StatusBadRequest, "witness_malformed"},
		{"old size above the checkpoint", "old 9\n\n" + string(msg5), http.StatusBadRequest, "witness_malformed"},
		{"64 proof lines", "old 3\n" + strings.Repeat(strings.SplitN(log.proof(t, 3), "\n", 2)[0]+"\n", 64) + "\n" + string(msg5), http.StatusBadRequest, "witness_malformed"},
		{"unknown origin", "old 0\n\n" + string(otherMsg), http.StatusNotFound, "witness_unknown_log"},
		{"signed by a key the witness does not trust", "old 3\n" + log.proof(t, 3) + "\n" + string(impostorMsg), http.StatusForbidden, "witness_bad_signature"},
		{"bad proof", badProof, http.StatusUnprocessableEntity, "witness_bad_proof"},
		{"proof of the wrong size", "old 3\n" + log.proof(t, 2) + "\n" + string(msg5), http.StatusUnprocessableEntity, "witness_bad_proof"},
		{"fork: another root for the cosigned size", "old 3\n\n" + string(forkMsg), http.StatusConflict, ""},
		{"stale old size", "old 0\n\n" + string(msg5), http.StatusConflict, ""},
		{"huge body", "old 3\n" + strings.Repeat("A", 2<<20), http.StatusRequestEntityTooLarge, ""},
	}
	for _, tc := range cases {
		status, ctype, body := postCheckpoint(t, url, tc.body)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, status, tc.status, body)
		}
		if tc.status == http.StatusConflict && (ctype != "text/x.tlog.size" || string(body) != "3\n") {
			t.Errorf("%s: 409 answered %q %q, want the size 3 as text/x.tlog.size", tc.name, ctype, body)
		}
		if tc.code != "" && !bytes.Contains(body, []byte(`"code":"`+tc.code+`"`)) {
			t.Errorf("%s: body %s, want code %s", tc.name, body, tc.code)
		}
		st, _, err := db.Witnessed(ctx, cp3.Origin)
		if err != nil || st.Size != 3 || st.Root != cp3.Root {
			t.Fatalf("%s: the witness's state moved to %d %x", tc.name, st.Size, st.Root)
		}
	}

	status, _, body = postCheckpoint(t, url, good)
	if status != http.StatusOK {
		t.Fatalf("a consistent extension: %d %s", status, body)
	}
	if st, _, _ := db.Witnessed(ctx, cp5.Origin); st.Size != 5 || st.Root != cp5.Root {
		t.Fatalf("state after the extension: %d", st.Size)
	}
	// The fork is refused after the witness moved on too.
	if status, _, body := postCheckpoint(t, url, "old 5\n\n"+string(forkMsg)); status != http.StatusBadRequest {
		t.Errorf("a smaller forked checkpoint after size 5: %d %s", status, body)
	}
	if status, ctype, body := postCheckpoint(t, url, "old 3\n\n"+string(forkMsg)); status != http.StatusConflict || string(body) != strconv.Itoa(5)+"\n" || ctype != "text/x.tlog.size" {
		t.Errorf("the fork from the old size: %d %q %s", status, ctype, body)
	}
}

// TestWitnessConcurrentSubmissions races two submissions from the same old
// size, the larger and the smaller: c2sp.org/tlog-witness's rollback race.
// The check and the update are one transaction, so the witness never ends
// on the smaller tree after cosigning the larger.
func TestWitnessConcurrentSubmissions(t *testing.T) {
	ctx := context.Background()
	log := newMemLog(t, "kab-dua.example.go.id/ikrar")
	url, db, _ := newWitnessApp(t, log)
	log.append(t, 2)
	_, msg2 := log.checkpoint(t)
	if status, _, body := postCheckpoint(t, url, "old 0\n\n"+string(msg2)); status != http.StatusOK {
		t.Fatalf("first: %d %s", status, body)
	}
	for round := range 10 {
		base := log.size
		log.append(t, 1)
		small, smallMsg := log.checkpoint(t)
		smallBody := fmt.Sprintf("old %d\n%s\n%s", base, log.proof(t, base), smallMsg)
		log.append(t, 2)
		large, largeMsg := log.checkpoint(t)
		largeBody := fmt.Sprintf("old %d\n%s\n%s", base, log.proof(t, base), largeMsg)
		statuses := make(chan int, 2)
		for _, b := range []string{smallBody, largeBody} {
			go func() {
				resp, err := http.Post(url+"/log/witness/add-checkpoint", "text/plain", strings.NewReader(b))
				if err != nil {
					statuses <- 0
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			}()
		}
		a, b := <-statuses, <-statuses
		if !(a == http.StatusOK && b == http.StatusConflict || a == http.StatusConflict && b == http.StatusOK) {
			t.Fatalf("round %d: statuses %d and %d, want one 200 and one 409", round, a, b)
		}
		st, _, _ := db.Witnessed(ctx, log.keys.Name())
		if st.Size != small.Size && st.Size != large.Size {
			t.Fatalf("round %d: state %d", round, st.Size)
		}
		// Bring the witness to the larger tree for the next round.
		if st.Size == small.Size {
			body := fmt.Sprintf("old %d\n%s\n%s", small.Size, log.proof(t, small.Size), largeMsg)
			if status, _, out := postCheckpoint(t, url, body); status != http.StatusOK {
				t.Fatalf("round %d: catching up: %d %s", round, status, out)
			}
		}
		if st, _, _ := db.Witnessed(ctx, log.keys.Name()); st.Size != large.Size || st.Root != large.Root {
			t.Fatalf("round %d: state %d, want %d", round, st.Size, large.Size)
		}
	}
}

// TestWitnessRateLimit: a flood of submissions is turned away with 429
// before any is parsed, and the witness keeps answering the log it serves.
func TestWitnessRateLimit(t *testing.T) {
	log := newMemLog(t, "kab-tiga.example.go.id/ikrar")
	url, _, _ := newWitnessApp(t, log)
	limited := 0
	for range 80 {
		status, _, body := postCheckpoint(t, url, "garbage\n")
		switch status {
		case http.StatusTooManyRequests:
			limited++
		case http.StatusBadRequest:
		default:
			t.Fatalf("status %d: %s", status, body)
		}
	}
	if limited == 0 {
		t.Fatal("80 submissions in a burst were all parsed: no rate limit")
	}
}
