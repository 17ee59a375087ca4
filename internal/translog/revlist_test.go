package translog

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// revocationVector is the test vector of docs/TRUST.md: inputs, the note
// text, the note signed with a fixed test key, and its SHA-256.
type revocationVector struct {
	Origin           string   `json:"origin"`
	Size             int64    `json:"size"`
	Codes            []string `json:"codes"`
	Seed             string   `json:"ed25519_seed_hex"`
	SignerKey        string   `json:"signer_key"`
	VerifierKey      string   `json:"verifier_key"`
	Text             string   `json:"note_text"`
	SignedNote       string   `json:"signed_note"`
	SignedNoteSHA256 string   `json:"signed_note_sha256"`
}

const revocationVectorFile = "testdata/revocation-list-v1.json"

// signerKeyFromSeed writes the note signer key of an Ed25519 seed, the
// format note.NewSigner reads: the key hash is the one of its verifier key.
func signerKeyFromSeed(t *testing.T, name string, seed []byte) (skey, vkey string) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(seed)
	vkey, err := note.NewEd25519VerifierKey(name, priv.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(vkey, "+")
	return "PRIVATE+KEY+" + name + "+" + parts[1] + "+" + base64.StdEncoding.EncodeToString(append([]byte{algEd25519}, seed...)), vkey
}

func TestRevocationListVector(t *testing.T) {
	b, err := os.ReadFile(revocationVectorFile)
	if err != nil {
		t.Fatal(err)
	}
	var v revocationVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	seed, err := hex.DecodeString(v.Seed)
	if err != nil || len(seed) != ed25519.SeedSize {
		t.Fatalf("seed %q: %v", v.Seed, err)
	}
	skey, vkey := signerKeyFromSeed(t, v.Origin, seed)
	if skey != v.SignerKey || vkey != v.VerifierKey {
		t.Errorf("keys from the seed:\n%s\n%s\nvector:\n%s\n%s", skey, vkey, v.SignerKey, v.VerifierKey)
	}
	l, err := NewRevocationList(v.Origin, v.Size, v.Codes)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Body(); got != v.Text {
		t.Errorf("note text:\n%q\nvector:\n%q", got, v.Text)
	}
	signer, err := note.NewSigner(v.SignerKey)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := note.Sign(&note.Note{Text: l.Body()}, signer)
	if err != nil {
		t.Fatal(err)
	}
	if string(signed) != v.SignedNote {
		t.Errorf("signed note:\n%s\nvector:\n%s", signed, v.SignedNote)
	}
	if sum := sha256.Sum256([]byte(v.SignedNote)); hex.EncodeToString(sum[:]) != v.SignedNoteSHA256 {
		t.Errorf("SHA-256 of the vector's signed note is %x, the vector says %s", sum, v.SignedNoteSHA256)
	}
	verifiers, err := ParseVerifierKeys(v.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	opened, err := OpenRevocationList([]byte(v.SignedNote), verifiers)
	if err != nil {
		t.Fatal(err)
	}
	if opened.Body() != v.Text || opened.Size != v.Size {
		t.Errorf("opened %+v", opened)
	}
	// docs/TRUST.md §9 shows the vector; it must show this one.
	doc, err := os.ReadFile("../../docs/TRUST.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{v.Text, v.SignedNote, v.SignedNoteSHA256, v.SignerKey, v.VerifierKey} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/TRUST.md does not show the vector's %q", want)
		}
	}
	// The vector's own inputs are out of order and repeat a code, so the
	// test also shows the canonical text does not depend on them.
	if len(opened.Codes) >= len(v.Codes) {
		t.Errorf("the vector's codes should include a repeat: %q", v.Codes)
	}
}

func TestRevocationListParse(t *testing.T) {
	const origin = "ikrar.example.go.id/ikrar"
	good := origin + "\nrevocations 120\n2EKCVQAZNK2E\nK7M4QX2P9ABC\n"
	l, err := ParseRevocationList(good)
	if err != nil {
		t.Fatal(err)
	}
	if l.Size != 120 || !l.Revoked("K7M4QX2P9ABC") || l.Revoked("K7M4QX2P9ABD") || l.Body() != good {
		t.Errorf("parsed %+v", l)
	}
	if l, err := ParseRevocationList(origin + "\nrevocations 0\n"); err != nil || len(l.Codes) != 0 || l.Revoked("") {
		t.Errorf("empty list: %+v, %v", l, err)
	}
	for _, bad := range []string{
		"",
		origin + "\n",
		origin + "\nrevocations 120",     // no final newline
		origin + "\nrevocations 120\n\n", // blank line
		origin + "\nrevocations 120\nK7M4QX2P9ABC\n2EKCVQAZNK2E\n", // out of order
		origin + "\nrevocations 120\nK7M4QX2P9ABC\nK7M4QX2P9ABC\n", // repeated
		origin + "\nrevocations 120\nk7m4qx2p9abc\n",               // not a code
		origin + "\nrevocations 120\nK7M4QX2P9ABC \n",              // trailing space
		origin + "\nrevocations 0120\n",
		origin + "\nrevocations -1\n",
		origin + "\nrevocations  120\n",
		origin + "\nRevocations 120\n",
		origin + "\n120\n",
		"ikrar example\nrevocations 120\n",
		// A checkpoint is never a revocation list, however many lines.
		origin + "\n120\nu5mM2r9XJ3p0t8k3a6b1kq4oR2Vv0zvWQb8bPzr0w9E=\n",
	} {
		if _, err := ParseRevocationList(bad); err == nil {
			t.Errorf("ParseRevocationList(%q) succeeded", bad)
		}
	}
	// Nor is a revocation list a checkpoint, whatever its codes.
	for _, list := range []string{
		origin + "\nrevocations 120\n",
		origin + "\nrevocations 120\nK7M4QX2P9ABC\n",
		origin + "\nrevocations 120\nU5MM2R9XJ3P0T8K3A6B1KQ4OR2VV0ZVW\n",
	} {
		if _, err := ParseCheckpoint(list); err == nil {
			t.Errorf("ParseCheckpoint(%q) succeeded", list)
		}
	}
}

func TestRevocationListSignAndOpen(t *testing.T) {
	k := mustKeyring(t, t.TempDir())
	l, err := NewRevocationList(k.Name(), 9, []string{"K7M4QX2P9ABC", "2EKCVQAZNK2E", "K7M4QX2P9ABC"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(l.Codes, ",") != "2EKCVQAZNK2E,K7M4QX2P9ABC" {
		t.Fatalf("codes %q: want sorted without repeats", l.Codes)
	}
	msg, err := k.SignRevocationList(l)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenRevocationList(msg, k.Verifiers())
	if err != nil || got.Body() != l.Body() {
		t.Fatalf("open: %+v, %v", got, err)
	}
	// The same key signs checkpoints; neither opens as the other.
	if _, err := OpenCheckpoint(msg, k.Verifiers()); err == nil {
		t.Error("a signed revocation list opened as a checkpoint")
	}
	cp, err := k.SignCheckpoint(Checkpoint{Origin: k.Name(), Size: 9})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRevocationList(cp, k.Verifiers()); err == nil {
		t.Error("a signed checkpoint opened as a revocation list")
	}

	other := mustKeyring(t, t.TempDir())
	if _, err := OpenRevocationList(msg, other.Verifiers()); !errors.Is(err, ErrUnverified) {
		t.Errorf("list opened with another registry's key: %v", err)
	}
	tampered := strings.Replace(string(msg), "K7M4QX2P9ABC\n", "", 1)
	if _, err := OpenRevocationList([]byte(tampered), k.Verifiers()); err == nil || errors.Is(err, ErrUnverified) {
		t.Errorf("list with a code removed: %v, want a bad signature", err)
	}
	if _, err := k.SignRevocationList(RevocationList{Origin: "other.example/log", Size: 1}); err == nil {
		t.Error("signed a list of another origin")
	}
	if _, err := k.SignRevocationList(RevocationList{Origin: k.Name(), Size: 1, Codes: []string{"B", "A"}}); err == nil {
		t.Error("signed a list out of order")
	}
	if _, err := NewRevocationList(k.Name(), 1, []string{"not a code"}); err == nil {
		t.Error("made a list with an invalid code")
	}
}
