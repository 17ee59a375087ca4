package translog

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The document signer is the current key, verifiable with the published
// key file, and signs nothing outside its validity window.
func TestDocumentSigner(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k := mustKeyring(t, dir)
	s, err := k.DocumentSigner()
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("ikrar-pdf/v1\x00test\n")
	sig, err := s.Sign(msg)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := ParseVerifierKeys(k.VerifierKeys()[0])
	if err != nil {
		t.Fatal(err)
	}
	v, err := vs.Verifier(k.Name(), s.KeyHash())
	if err != nil || !v.Verify(msg, sig) {
		t.Fatalf("the document signature does not verify with the published key (%v)", err)
	}

	now := time.Now()
	w := Window{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)}
	if err := os.WriteFile(filepath.Join(dir, "window-1.txt"), []byte(w.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := mustKeyring(t, dir).DocumentSigner(); !errors.Is(err, ErrKeyWindow) {
		t.Errorf("a key past its window: DocumentSigner = %v, want ErrKeyWindow", err)
	}
}
