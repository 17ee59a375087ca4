package translog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A key signs neither checkpoints nor claims outside its validity window:
// before it begins, or after it ended.
func TestKeyOutsideWindowDoesNotSign(t *testing.T) {
	now := time.Now()
	if w, err := parseWindow("not-before - not-after 2026-01-02T03:04:05Z handover 7"); err != nil ||
		w.String() != "not-before - not-after 2026-01-02T03:04:05Z handover 7" {
		t.Errorf("window with a handover: %v, %v", w, err)
	}
	for _, w := range []Window{
		{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)},
		{NotBefore: now.Add(time.Hour), NotAfter: now.Add(48 * time.Hour)},
	} {
		dir := filepath.Join(t.TempDir(), "keys")
		mustKeyring(t, dir)
		if err := os.WriteFile(filepath.Join(dir, "window-1.txt"), []byte(w.String()+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		k := mustKeyring(t, dir)
		if _, err := k.SignCheckpoint(testCheckpoint(3)); !errors.Is(err, ErrKeyWindow) {
			t.Errorf("window %s: SignCheckpoint = %v, want ErrKeyWindow", w, err)
		}
		if _, err := k.SignClaim(sampleClaim()); !errors.Is(err, ErrKeyWindow) {
			t.Errorf("window %s: SignClaim = %v, want ErrKeyWindow", w, err)
		}
	}
}

// A new key's window starts now and lasts DefaultKeyLifetime; it is kept
// beside the key and published with it.
func TestNewKeyWindow(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k := mustKeyring(t, dir)
	pub := k.PublishedKeys()
	if len(pub) != 1 || pub[0].Verifier != k.VerifierKeys()[0] {
		t.Fatalf("published keys %v", pub)
	}
	w := pub[0].Window
	if time.Since(w.NotBefore) > time.Minute || w.NotAfter.Sub(w.NotBefore) != DefaultKeyLifetime {
		t.Errorf("new key's window %s", w)
	}
	if got := mustKeyring(t, dir).CurrentWindow(); !got.NotBefore.Equal(w.NotBefore) || !got.NotAfter.Equal(w.NotAfter) {
		t.Errorf("reloaded window %s, want %s", got, w)
	}
	for _, bad := range []string{"", "not-before x not-after -", "not-after - not-before -",
		"not-before - not-after - handover", "not-before - not-after - handover -1", "not-before - not-after - size 3"} {
		if _, err := parseWindow(bad); err == nil {
			t.Errorf("parseWindow(%q) succeeded", bad)
		}
	}
}

// Between Rotate and Retire a checkpoint is signed by the old and the new
// key, and verifies with either alone. Retire ends the old key's window,
// removes its private key and keeps its verifier published; from then on
// only the new key signs.
func TestRotateHandsOver(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k := mustKeyring(t, dir)
	oldVerifier := k.VerifierKeys()[0]
	if err := k.Rotate(DefaultKeyLifetime); err != nil {
		t.Fatal(err)
	}
	newVerifier := k.VerifierKeys()[1]
	handover, err := k.SignCheckpoint(testCheckpoint(4))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{oldVerifier, newVerifier} {
		vs, err := ParseVerifierKeys(v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := OpenCheckpoint(handover, vs); err != nil {
			t.Errorf("handover checkpoint with %s alone: %v", KeyID(v), err)
		}
	}

	if err := k.Retire(4); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "signer-1.key")); !os.IsNotExist(err) {
		t.Errorf("retired private key still on disk: %v", err)
	}
	after, err := k.SignCheckpoint(testCheckpoint(5))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(after), "\n— "); n != 1 {
		t.Errorf("after Retire a checkpoint carries %d signatures, want 1:\n%s", n, after)
	}
	reloaded := mustKeyring(t, dir)
	pub := reloaded.PublishedKeys()
	if len(pub) != 2 || pub[0].Verifier != oldVerifier || pub[0].Window.NotAfter.IsZero() ||
		pub[0].Window.NotAfter.After(time.Now()) || !pub[0].Window.HandedOver || pub[0].Window.HandoverSize != 4 ||
		pub[1].Window.HandedOver {
		t.Errorf("after Retire the published keys are %v", pub)
	}
}

// LoadKeyring never makes a key: an empty or missing directory is
// ErrNoKeys and stays as it was.
func TestLoadKeyringCreatesNothing(t *testing.T) {
	empty := t.TempDir()
	missing := filepath.Join(t.TempDir(), "keys")
	for _, dir := range []string{empty, missing} {
		if _, err := LoadKeyring(dir, testOrigin); !errors.Is(err, ErrNoKeys) {
			t.Errorf("LoadKeyring(%s) = %v, want ErrNoKeys", dir, err)
		}
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("LoadKeyring wrote %v", entries)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("LoadKeyring created the directory")
	}
}

// ExportSigner writes the current private key to a new file, mode 0600,
// and never over an existing one.
func TestExportSigner(t *testing.T) {
	k := mustKeyring(t, filepath.Join(t.TempDir(), "keys"))
	path := filepath.Join(t.TempDir(), "exported.key")
	if err := k.ExportSigner(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "PRIVATE+KEY+"+testOrigin+"+") {
		t.Fatalf("exported %q, %v", b, err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("exported key has mode %v", info.Mode().Perm())
	}
	if err := k.ExportSigner(path); err == nil {
		t.Error("ExportSigner overwrote an existing file")
	}
}
