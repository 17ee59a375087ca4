package publish

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/translog"
)

func TestParseTargets(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o600)
	for _, tt := range []struct {
		text, err string
		n         int
	}{
		{"# comment\n\nhttps://saksi.example.go.id/checkpoint\ndir:" + dir + "\n", "", 2},
		{"http://saksi.example.go.id/checkpoint", "want an https:// URL", 0},
		{"https://user:pw@saksi.example.go.id/", "want an https:// URL", 0},
		{"ftp://x", "want an https:// URL", 0},
		{"\x00garbage", "want an https:// URL", 0},
		{"dir:relative/path", "absolute path", 0},
		{"dir:" + filepath.Join(dir, "missing"), "no such file", 0},
		{"dir:" + file, "not a directory", 0},
		{"# only a comment\n", "no target", 0},
		{strings.Repeat("#", maxTargetsFile+1), "at most", 0},
	} {
		got, err := ParseTargets(tt.text)
		if tt.err == "" && (err != nil || len(got) != tt.n) {
			t.Errorf("%q: %v %v", tt.text, got, err)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%.40q: error %v, want %q", tt.text, err, tt.err)
		}
	}
	if _, err := ParseTargets("https://a.example/\nhttp://b.example/\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error does not name the line: %v", err)
	}
}

func checkpointNote(size int64) translog.SignedCheckpoint {
	return translog.SignedCheckpoint{Size: size, Note: fmt.Appendf(nil, "ikrar.test/log\n%d\nAAAA\n\n— ikrar.test/log sig\n", size)}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A directory target gets <size>.checkpoint and latest.checkpoint; the
// note pushed is the one stored at push time (cosigned since, say);
// latest.checkpoint never goes back.
func TestPublishToDirectory(t *testing.T) {
	dir := t.TempDir()
	cosigned := []byte("ikrar.test/log\n7\nAAAA\n\n— ikrar.test/log sig\n— saksi.example cosig\n")
	p := &Publisher{Targets: []Target{{Dir: dir}}, Log: slog.New(slog.DiscardHandler),
		Note: func(_ context.Context, size int64) ([]byte, error) {
			if size == 7 {
				return cosigned, nil
			}
			return nil, fmt.Errorf("not stored")
		}}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	p.Notify(ctx, checkpointNote(7))
	waitFor(t, "7.checkpoint", func() bool { b, _ := os.ReadFile(filepath.Join(dir, "7.checkpoint")); return bytes.Equal(b, cosigned) })
	waitFor(t, "latest.checkpoint", func() bool {
		b, _ := os.ReadFile(filepath.Join(dir, "latest.checkpoint"))
		return bytes.Equal(b, cosigned)
	})
	if err := writeDir(dir, 5, checkpointNote(5).Note); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "latest.checkpoint")); !bytes.Equal(b, cosigned) {
		t.Errorf("latest.checkpoint went back to an older checkpoint:\n%s", b)
	}
	if info, err := os.Stat(filepath.Join(dir, "7.checkpoint")); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("7.checkpoint: %v %v", info, err)
	}
}

// An endpoint that fails is retried with backoff; while it fails, newer
// checkpoints replace the waiting one (only the newest matters), and
// Notify never blocks the signer, whatever the endpoint does.
func TestPublishRetriesWithLatestOnly(t *testing.T) {
	var mu sync.Mutex
	var got [][]byte
	fail := 3
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if fail > 0 {
			fail--
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		got = append(got, b)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	var logMu sync.Mutex
	p := &Publisher{Targets: []Target{{URL: srv.URL + "/checkpoint"}}, Client: srv.Client(),
		Log: slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil)), MinBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}

	// Before Run, and with nothing draining: Notify returns at once.
	start := time.Now()
	for i := range int64(1000) {
		p.Notify(t.Context(), checkpointNote(i))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Notify blocked: %v for 1000 checkpoints", d)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	p.Notify(ctx, checkpointNote(1000))
	waitFor(t, "the newest checkpoint pushed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) > 0 && bytes.Equal(got[len(got)-1], checkpointNote(1000).Note)
	})
	mu.Lock()
	if len(got) > 2 {
		t.Errorf("%d checkpoints pushed, want only the newest (and at most one older)", len(got))
	}
	mu.Unlock()
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(logs.String(), "publish checkpoint failed; retrying") || !strings.Contains(logs.String(), "503") {
		t.Errorf("failures not logged:\n%s", logs.String())
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
