package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The data directory is the server's alone: under a umask of 022 and in
// a directory that was 0755 (as a Docker volume's /data is), after `ikrar
// serve` has issued a certificate every directory is 0700 and every file —
// database, WAL, shared memory, keys, secret, origin — 0600; so is a
// backup. The certificate cache an older version left (copies with names
// and NIPs) is gone: issued certificates are in the database.
func TestDataDirectoryModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	data := t.TempDir()
	stale := filepath.Join(data, "pdf-cache", "AB", "ABCDEFGHJKLM.pdf")
	for _, d := range []string{data, filepath.Join(data, "pdf-cache"), filepath.Dir(stale), filepath.Join(data, "keys")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(stale, []byte("%PDF-1.7 stale copy"), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	addr := freeAddr(t)
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", addr, "--data", data, "--demo"}, strings.NewReader(""), &stdout, &stderr, noEnv)
	}()
	base := "http://" + addr
	waitHealthy(t, base, done)
	demo := parseDemo(t, stdout.String())

	// The demo prints the first NIP with its owner's name, the only name
	// a typed signature may carry.
	owner := regexp.MustCompile(regexp.QuoteMeta(demo.NIPs[0]) + ` \(([^)]+)\)`).FindStringSubmatch(stdout.String())
	if owner == nil {
		t.Fatalf("demo output names nobody for %s:\n%s", demo.NIPs[0], stdout.String())
	}
	body, _ := json.Marshal(map[string]any{"nip": strings.ReplaceAll(demo.NIPs[0], " ", ""), "event_code": demo.Code,
		"consent": true, "typed_name": owner[1]})
	res, err := http.Post(base+"/api/v1/events/1/signatures", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var signed struct {
		Certificate struct {
			PDFURL string `json:"pdf_url"`
		} `json:"certificate"`
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || json.Unmarshal(b, &signed) != nil {
		t.Fatalf("sign: %d %s", res.StatusCode, b)
	}
	_, issued := httpGet(t, signed.Certificate.PDFURL)

	// While the server runs: the WAL and shared-memory files exist.
	files := wantPrivateTree(t, data)
	for _, name := range []string{"ikrar.db", "ikrar.db-wal", "ikrar.db-shm", "secret.key", "origin"} {
		if !files[name] {
			t.Errorf("%s not found in the data directory: the test checks nothing about it", name)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "pdf-cache")); !os.IsNotExist(err) {
		t.Errorf("the old certificate cache is still there: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}

	archive := filepath.Join(t.TempDir(), "ikrar-backup.tar.gz")
	if _, errOut, err := runCLI(t.Context(), "", "backup", "--data", data, archive); err != nil {
		t.Fatalf("backup: %v\n%s", err, errOut)
	}
	wantPrivateTree(t, data)
	if info, err := os.Stat(archive); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("backup: %v (%v), want mode 0600", info.Mode().Perm(), err)
	}
	// Restored, every directory is 0700 and every file 0600 again,
	// whatever the umask.
	restoredDir := filepath.Join(t.TempDir(), "restored")
	if _, errOut, err := runCLI(t.Context(), "", "restore", archive, "--data", restoredDir); err != nil {
		t.Fatalf("restore: %v\n%s", err, errOut)
	}
	wantPrivateTree(t, restoredDir)
	backup := filepath.Join(restoredDir, "ikrar.db")
	// The issued certificate is a record: the backup holds its bytes, and
	// the fingerprint recorded is their SHA-256.
	restored, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var pdf []byte
	var fingerprint string
	if err := restored.QueryRow(`SELECT p.pdf, s.pdf_hash FROM certificate_pdfs p JOIN signatures s ON s.id = p.signature_id`).Scan(&pdf, &fingerprint); err != nil {
		t.Fatalf("the issued certificate in the backup: %v", err)
	}
	if sum := sha256.Sum256(issued); !bytes.Equal(pdf, issued) || fingerprint != hex.EncodeToString(sum[:]) {
		t.Errorf("the backup holds %d bytes with fingerprint %s; issued %d bytes, SHA-256 %x", len(pdf), fingerprint, len(issued), sum)
	}
}

// wantPrivateTree checks every directory under root is 0700 and every
// file 0600, and returns the names of the files it saw.
func wantPrivateTree(t *testing.T, root string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			seen[d.Name()] = true
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", strings.TrimPrefix(path, root), got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}
