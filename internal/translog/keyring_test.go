package translog

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const testOrigin = "ikrar.example.go.id/registry"

func mustKeyring(t testing.TB, dir string) *Keyring {
	t.Helper()
	k, err := LoadOrCreateKeyring(dir, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustVerifiers(t *testing.T, k *Keyring) string {
	t.Helper()
	return strings.Join(k.VerifierKeys(), "\n") + "\n"
}

func testCheckpoint(size int64) Checkpoint {
	m, _ := Rebuild(testLeaves(size))
	root, _ := TreeHash(size, m)
	return Checkpoint{Origin: testOrigin, Size: size, Root: root}
}

func TestLoadOrCreateKeyring(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k1 := mustKeyring(t, dir)
	k2 := mustKeyring(t, dir)

	if got, want := k2.VerifierKeys(), k1.VerifierKeys(); len(got) != 1 || got[0] != want[0] {
		t.Fatalf("second load has keys %q, first %q", got, want)
	}
	if k1.Signer().KeyHash() != k2.Signer().KeyHash() || k1.Signer().Name() != testOrigin {
		t.Error("second load has another signer")
	}
	msg, err := k2.SignCheckpoint(testCheckpoint(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(msg, k1.Verifiers()); err != nil {
		t.Errorf("first load cannot verify the second's checkpoint: %v", err)
	}

	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{
			dir:                                  0o700,
			filepath.Join(dir, "signer-1.key"):   0o600,
			filepath.Join(dir, "verifier-1.pub"): 0o600, // public, but the data directory is the server's alone
		} {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != want {
				t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), want)
			}
		}
	}
	skey, err := os.ReadFile(filepath.Join(dir, "signer-1.key"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(skey), "PRIVATE+KEY+"+testOrigin+"+") {
		t.Errorf("signer file does not hold a note private key")
	}
	secret := strings.SplitN(strings.TrimSpace(string(skey)), "+", 5)[4]
	if s := fmt.Sprintf("%v %+v %#v %s", k1, k1, k1, k1); strings.Contains(s, "PRIVATE") || strings.Contains(s, secret) {
		t.Errorf("printing a keyring shows its private key: %s", s)
	}
}

func TestKeyringRotate(t *testing.T) {
	dir := t.TempDir()
	k := mustKeyring(t, dir)
	old, err := k.SignCheckpoint(testCheckpoint(5))
	if err != nil {
		t.Fatal(err)
	}
	oldClaim, err := k.SignClaim(sampleClaim())
	if err != nil {
		t.Fatal(err)
	}
	oldHash := k.Signer().KeyHash()

	if err := k.Rotate(DefaultKeyLifetime); err != nil {
		t.Fatal(err)
	}
	if k.Signer().KeyHash() == oldHash {
		t.Fatal("Rotate kept the signer")
	}
	newer, err := k.SignCheckpoint(testCheckpoint(9))
	if err != nil {
		t.Fatal(err)
	}

	reloaded := mustKeyring(t, dir)
	if reloaded.Signer().KeyHash() != k.Signer().KeyHash() {
		t.Error("reloading after Rotate does not pick the newest key")
	}
	keys := reloaded.VerifierKeys()
	if len(keys) != 2 || keys[0] != k.VerifierKeys()[0] {
		t.Fatalf("after rotation the keys are %q", keys)
	}
	published, err := ParseVerifierKeys(mustVerifiers(t, reloaded))
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range [][]byte{old, newer} {
		if _, err := OpenCheckpoint(msg, published); err != nil {
			t.Errorf("after rotation: %v", err)
		}
	}
	if err := VerifyClaim(sampleClaim(), oldClaim, keys); err != nil {
		t.Errorf("claim signed before rotation: %v", err)
	}
	if err := VerifyClaim(sampleClaim(), oldClaim, keys[1:]); !errors.Is(err, ErrUnverified) {
		t.Errorf("claim of a key not given: %v, want ErrUnverified", err)
	}

	// The old private key may be deleted once rotated out.
	if err := os.Remove(filepath.Join(dir, "signer-1.key")); err != nil {
		t.Fatal(err)
	}
	if got := mustKeyring(t, dir).VerifierKeys(); len(got) != 2 {
		t.Errorf("without the old signer: keys %q", got)
	}
}

func TestKeyringRepairsAndRefuses(t *testing.T) {
	t.Run("missing verifier is rebuilt", func(t *testing.T) {
		dir := t.TempDir()
		want := mustKeyring(t, dir).VerifierKeys()
		if err := os.Remove(filepath.Join(dir, "verifier-1.pub")); err != nil {
			t.Fatal(err)
		}
		if got := mustKeyring(t, dir).VerifierKeys(); len(got) != 1 || got[0] != want[0] {
			t.Errorf("rebuilt %q, want %q", got, want)
		}
	})
	tests := []struct {
		name   string
		breaks func(dir string) error
	}{
		{"readable signer key", func(dir string) error {
			if runtime.GOOS == "windows" {
				return errors.New("skip")
			}
			return os.Chmod(filepath.Join(dir, "signer-1.key"), 0o644)
		}},
		{"newest key without signer", func(dir string) error {
			return os.Rename(filepath.Join(dir, "signer-1.key"), filepath.Join(dir, "unused"))
		}},
		{"mismatched verifier", func(dir string) error {
			other := mustKeyring(t, t.TempDir()).VerifierKeys()[0]
			return os.WriteFile(filepath.Join(dir, "verifier-1.pub"), []byte(other+"\n"), 0o644)
		}},
		{"corrupt signer", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "signer-1.key"), []byte("PRIVATE+KEY+x+00000000+AAAA\n"), 0o600)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			mustKeyring(t, dir)
			if err := tt.breaks(dir); err != nil {
				t.Skip(err)
			}
			_, err := LoadOrCreateKeyring(dir, testOrigin)
			if err == nil {
				t.Fatal("LoadOrCreateKeyring succeeded")
			}
			if strings.Contains(err.Error(), "PRIVATE") {
				t.Errorf("error quotes a private key: %v", err)
			}
		})
	}
	t.Run("other name", func(t *testing.T) {
		dir := t.TempDir()
		mustKeyring(t, dir)
		if _, err := LoadOrCreateKeyring(dir, "other.example/log"); err == nil {
			t.Error("loaded keys of another origin")
		}
	})
	for _, name := range []string{"", "has space", "a+b"} {
		if _, err := LoadOrCreateKeyring(t.TempDir(), name); err == nil {
			t.Errorf("accepted key name %q", name)
		}
	}
}

func TestCheckpointSignOpen(t *testing.T) {
	k := mustKeyring(t, t.TempDir())
	c := testCheckpoint(17)
	msg, err := k.SignCheckpoint(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(msg), c.Body()+"\n— "+testOrigin+" ") {
		t.Errorf("signed checkpoint is not a signed note of the body:\n%s", msg)
	}
	published, err := ParseVerifierKeys(mustVerifiers(t, k))
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenCheckpoint(msg, published)
	if err != nil {
		t.Fatal(err)
	}
	if got != c {
		t.Errorf("OpenCheckpoint = %+v, want %+v", got, c)
	}

	other := mustKeyring(t, t.TempDir())
	if _, err := OpenCheckpoint(msg, other.Verifiers()); !errors.Is(err, ErrUnverified) {
		t.Errorf("with another key: %v, want ErrUnverified", err)
	}
	tampered := strings.Replace(string(msg), "\n17\n", "\n18\n", 1)
	if _, err := OpenCheckpoint([]byte(tampered), published); err == nil {
		t.Error("opened a checkpoint with an edited size")
	}
	if _, err := k.SignCheckpoint(Checkpoint{Origin: "elsewhere.example/log", Size: 1}); err == nil {
		t.Error("signed a checkpoint of another origin")
	}
}

func TestParseCheckpoint(t *testing.T) {
	root := tlog.RecordHash([]byte("x"))
	c := Checkpoint{Origin: testOrigin, Size: 40, Root: root}
	body := c.Body()
	b64 := strings.Split(body, "\n")[2]
	if want := testOrigin + "\n40\n" + b64 + "\n"; body != want || len(b64) != 44 {
		t.Fatalf("Body = %q", body)
	}
	got, err := ParseCheckpoint(body)
	if err != nil || got != c {
		t.Fatalf("ParseCheckpoint(Body) = %+v, %v", got, err)
	}
	for _, bad := range []string{
		"",
		testOrigin + "\n40\n" + b64, // no final newline
		testOrigin + "\n40\n" + b64 + "\nextra\n",            // extension line
		testOrigin + "\n040\n" + b64 + "\n",                  // leading zero
		testOrigin + "\n-1\n" + b64 + "\n",                   // negative
		testOrigin + "\n+40\n" + b64 + "\n",                  // sign
		testOrigin + "\n40\n" + b64[:43] + "\n",              // unpadded
		testOrigin + "\n40\n" + b64[:42] + "B=\n",            // non-canonical
		testOrigin + "\n40\nAAAA\n",                          // short hash
		"has space\n40\n" + b64 + "\n",                       // origin
		"a+b\n40\n" + b64 + "\n",                             // origin
		"\n40\n" + b64 + "\n",                                // empty origin
		testOrigin + "\r\n40\n" + b64 + "\n",                 // CR
		testOrigin + "\n40\n" + b64 + "\n\n",                 // blank line
		testOrigin + "\n99999999999999999999\n" + b64 + "\n", // overflow
	} {
		if c, err := ParseCheckpoint(bad); err == nil {
			t.Errorf("ParseCheckpoint(%q) = %+v", bad, c)
		}
	}
}

func TestParseNoteKeys(t *testing.T) {
	msg := []byte("message")
	for i := 0; i < 200; i++ { // enough keys that some base64 holds '+' and '/'
		skey, vkey, err := note.GenerateKey(rand.Reader, testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		priv, derived, err := parseSignerKey(skey)
		if err != nil {
			t.Fatalf("parseSignerKey: %v", err)
		}
		if derived != vkey {
			t.Fatalf("verifier derived from %d: %q, want %q", i, derived, vkey)
		}
		v, err := note.NewVerifier(vkey)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Verify(msg, ed25519.Sign(priv, msg)) {
			t.Fatal("note verifier rejects a signature by the parsed private key")
		}
		hash, pub, err := parseVerifierKey(vkey)
		if err != nil {
			t.Fatalf("parseVerifierKey: %v", err)
		}
		if hash != v.KeyHash() || !pub.Equal(priv.Public()) {
			t.Fatal("parseVerifierKey disagrees with the note package")
		}
	}
	for _, bad := range []string{"", "PRIVATE+KEY+n+00000000+AQ==", "n+00000000+AQ=="} {
		if _, _, err := parseSignerKey(bad); err == nil {
			t.Errorf("parseSignerKey(%q) succeeded", bad)
		}
		if _, _, err := parseVerifierKey(bad); err == nil {
			t.Errorf("parseVerifierKey(%q) succeeded", bad)
		}
	}
}
