package translog

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// checkpointVector is docs/FORMATS.md §1's test vector: a tree of three
// leaves, its checkpoint signed with the test key, and one inclusion and
// one consistency proof in it, so an outside verifier can check its tree
// hashing, proof checking and note verification against known bytes.
type checkpointVector struct {
	Origin      string   `json:"origin"`
	Seed        string   `json:"ed25519_seed_hex"`
	VerifierKey string   `json:"verifier_key"`
	Leaves      []string `json:"leaf_preimages"`  // UTF-8 text
	LeafHashes  []string `json:"leaf_hashes_hex"` // SHA-256(0x00 || preimage)
	Root        string   `json:"root_hex"`        // RFC 6962 tree hash of all leaves
	Text        string   `json:"note_text"`       // the checkpoint body
	SignedNote  string   `json:"signed_note"`     // body, blank line, signature line
	Inclusion   struct {
		Index int64    `json:"index"`
		Size  int64    `json:"size"`
		Proof []string `json:"proof_hex"`
	} `json:"inclusion"`
	Consistency struct {
		From     int64    `json:"from"`
		To       int64    `json:"to"`
		FromRoot string   `json:"from_root_hex"`
		Proof    []string `json:"proof_hex"`
	} `json:"consistency"`
}

const checkpointVectorFile = "testdata/checkpoint-v1.json"

func hexHashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h[:])
	}
	return out
}

// buildCheckpointVector computes the vector from its inputs with the
// registry's own code.
func buildCheckpointVector(t *testing.T, origin, seedHex string, leaves []string) checkpointVector {
	t.Helper()
	seed, err := hex.DecodeString(seedHex)
	if err != nil || len(seed) != ed25519.SeedSize {
		t.Fatalf("seed %q: %v", seedHex, err)
	}
	skey, vkey := signerKeyFromSeed(t, origin, seed)
	v := checkpointVector{Origin: origin, Seed: seedHex, VerifierKey: vkey, Leaves: leaves}
	var hs []tlog.Hash
	for _, l := range leaves {
		hs = append(hs, tlog.RecordHash([]byte(l)))
	}
	v.LeafHashes = hexHashes(hs)
	mem, err := Rebuild(hs)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(leaves))
	root, err := TreeHash(n, mem)
	if err != nil {
		t.Fatal(err)
	}
	v.Root = hex.EncodeToString(root[:])
	v.Text = Checkpoint{Origin: origin, Size: n, Root: root}.Body()
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := note.Sign(&note.Note{Text: v.Text}, signer)
	if err != nil {
		t.Fatal(err)
	}
	v.SignedNote = string(signed)
	incl, err := InclusionProof(1, n, mem)
	if err != nil {
		t.Fatal(err)
	}
	v.Inclusion.Index, v.Inclusion.Size, v.Inclusion.Proof = 1, n, hexHashes(incl)
	fromRoot, err := TreeHash(2, mem)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := ConsistencyProof(2, n, mem)
	if err != nil {
		t.Fatal(err)
	}
	v.Consistency.From, v.Consistency.To = 2, n
	v.Consistency.FromRoot, v.Consistency.Proof = hex.EncodeToString(fromRoot[:]), hexHashes(cons)
	return v
}

func TestCheckpointVector(t *testing.T) {
	b, err := os.ReadFile(checkpointVectorFile)
	if err != nil {
		t.Fatal(err)
	}
	var want checkpointVector
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	got := buildCheckpointVector(t, want.Origin, want.Seed, want.Leaves)
	gb, _ := json.MarshalIndent(got, "", "  ")
	wb, _ := json.MarshalIndent(want, "", "  ")
	if string(gb) != string(wb) {
		t.Fatalf("the code computes\n%s\nthe vector says\n%s", gb, wb)
	}
	// The signed note opens with the vector's verifier key, and its proofs
	// check against the signed root.
	verifiers, err := ParseVerifierKeys(want.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := OpenCheckpoint([]byte(want.SignedNote), verifiers)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(c.Root[:]) != want.Root || c.Size != int64(len(want.Leaves)) {
		t.Fatalf("opened %+v", c)
	}
	var proof tlog.RecordProof
	for _, h := range want.Inclusion.Proof {
		var x tlog.Hash
		hex.Decode(x[:], []byte(h))
		proof = append(proof, x)
	}
	leaf := tlog.RecordHash([]byte(want.Leaves[want.Inclusion.Index]))
	if err := CheckInclusion(proof, want.Inclusion.Size, c.Root, want.Inclusion.Index, leaf); err != nil {
		t.Fatal(err)
	}
	// docs/FORMATS.md §1 prints the vector.
	doc, err := os.ReadFile("../../docs/FORMATS.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{want.Text, want.SignedNote, want.Root, want.VerifierKey} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("docs/FORMATS.md does not show the vector's %q", s)
		}
	}
}

// TestWriteCheckpointVector regenerates the vector file when asked
// (IKRAR_WRITE_VECTORS=1); the vector is otherwise fixed.
func TestWriteCheckpointVector(t *testing.T) {
	if os.Getenv("IKRAR_WRITE_VECTORS") != "1" {
		t.Skip("set IKRAR_WRITE_VECTORS=1 to regenerate testdata/checkpoint-v1.json")
	}
	v := buildCheckpointVector(t, "ikrar.example.go.id/ikrar", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		[]string{"ikrar test leaf 0\n", "ikrar test leaf 1\n", "ikrar test leaf 2\n"})
	b, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(checkpointVectorFile, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
