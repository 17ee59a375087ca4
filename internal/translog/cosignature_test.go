package translog

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// cosignatureVector is testdata/cosignature-v1.json: a witness key from a
// fixed seed cosigning the checkpoint of checkpoint-v1.json at a fixed time.
type cosignatureVector struct {
	WitnessName    string `json:"witness_name"`
	SeedHex        string `json:"ed25519_seed_hex"`
	VerifierKey    string `json:"verifier_key"`
	KeyHashHex     string `json:"key_hash_hex"`
	Time           int64  `json:"time"`
	LogVerifierKey string `json:"log_verifier_key"`
	SignedNote     string `json:"signed_note"`
	Message        string `json:"signed_message"`
	Line           string `json:"cosignature_line"`
	CosignedNote   string `json:"cosigned_note"`
}

const cosignatureVectorFile = "testdata/cosignature-v1.json"

func readCosignatureVector(t *testing.T) cosignatureVector {
	t.Helper()
	raw, err := os.ReadFile(cosignatureVectorFile)
	if err != nil {
		t.Fatal(err)
	}
	var v cosignatureVector
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// cosignatureVectorKeys are the vector's log keys and witness key.
func cosignatureVectorKeys(t *testing.T, v cosignatureVector) (note.Verifiers, *CosignatureVerifier) {
	t.Helper()
	logKeys, err := ParseVerifierKeys(v.LogVerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewCosignatureVerifier(v.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	return logKeys, w
}

func vectorCosigner(t *testing.T, name, seedHex string, at int64) *Cosigner {
	t.Helper()
	seed, err := hex.DecodeString(seedHex)
	if err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(seed)
	skey := fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, cosignerKeyHash(name, priv.Public().(ed25519.PublicKey)),
		base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, seed...)))
	c, err := NewCosigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	c.Now = func() time.Time { return time.Unix(at, 0) }
	return c
}

func TestCosignatureVector(t *testing.T) {
	if os.Getenv("IKRAR_WRITE_VECTORS") == "1" {
		writeCosignatureVector(t)
	}
	v := readCosignatureVector(t)
	c := vectorCosigner(t, v.WitnessName, v.SeedHex, v.Time)
	if got := c.VerifierKey(); got != v.VerifierKey {
		t.Errorf("verifier key %q, vector %q", got, v.VerifierKey)
	}
	if got := fmt.Sprintf("%08x", c.hash); got != v.KeyHashHex {
		t.Errorf("key hash %s, vector %s", got, v.KeyHashHex)
	}
	body, _, _ := strings.Cut(v.SignedNote, "\n\n")
	body += "\n"
	if got := string(CosignatureMessage(body, v.Time)); got != v.Message {
		t.Errorf("signed message %q, vector %q", got, v.Message)
	}
	if got := c.Cosign(body); got != v.Line {
		t.Errorf("cosignature line %q, vector %q", got, v.Line)
	}
	if v.SignedNote+v.Line != v.CosignedNote {
		t.Errorf("the cosigned note is not the signed note followed by the line")
	}
	logKeys, w := cosignatureVectorKeys(t, v)
	cp, found, err := OpenCosignedCheckpoint([]byte(v.CosignedNote), logKeys, []*CosignatureVerifier{w}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != 3 || len(found) != 1 || found[0].Witness != v.WitnessName || found[0].Time.Unix() != v.Time {
		t.Errorf("opened %+v with %+v", cp, found)
	}
}

// TestCosignatureAttacks: what a registry that wants a quorum without
// witnesses could try.
func TestCosignatureAttacks(t *testing.T) {
	v := readCosignatureVector(t)
	logKeys, w := cosignatureVectorKeys(t, v)
	trusted := []*CosignatureVerifier{w}
	sigB64 := strings.Fields(strings.TrimSuffix(v.Line, "\n"))[2]
	sig, _ := base64.StdEncoding.DecodeString(sigB64)
	redate := func(at int64) string {
		s := append([]byte(nil), sig...)
		for i := 0; i < 8; i++ {
			s[4+i] = byte(uint64(at) >> (56 - 8*i))
		}
		return v.SignedNote + "— " + v.WitnessName + " " + base64.StdEncoding.EncodeToString(s) + "\n"
	}
	// A key of the same name that the auditor does not trust.
	stranger := vectorCosigner(t, v.WitnessName, strings.Repeat("ab", 32), v.Time)
	body, _, _ := strings.Cut(v.SignedNote, "\n\n")
	cases := []struct {
		name   string
		note   string
		quorum int
		want   error
	}{
		{"no cosignature", v.SignedNote, 1, ErrQuorum},
		{"cosignature moved to another time", redate(v.Time - 3600), 1, nil},
		{"cosignature by an untrusted key of the same name", v.SignedNote + stranger.Cosign(body+"\n"), 1, ErrQuorum},
		{"one cosignature twice against a quorum of 2", v.CosignedNote + v.Line, 2, nil},
		{"quorum of 2 with one witness", v.CosignedNote, 2, ErrQuorum},
	}
	for _, tc := range cases {
		_, _, err := OpenCosignedCheckpoint([]byte(tc.note), logKeys, trusted, tc.quorum)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
		} else if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, _, err := OpenCosignedCheckpoint([]byte(v.CosignedNote), logKeys, trusted, 1); err != nil {
		t.Fatalf("the genuine cosigned note: %v", err)
	}
}

func TestCosignerKeyRoundTrip(t *testing.T) {
	skey, err := GenerateCosignerKey("saksi.example.go.id/witness")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCosigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewCosignatureVerifier(c.VerifierKey()); err != nil {
		t.Fatal(err)
	}
	// A log key (algorithm 0x01) is not a witness key.
	if _, err := NewCosignatureVerifier("ikrar.example.go.id/ikrar+f4d6afb1+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"); err == nil {
		t.Error("a log's Ed25519 key was taken as a cosignature/v1 key")
	}
	if _, err := NewCosigner(strings.Replace(skey, "witness", "witnesz", 1)); err == nil {
		t.Error("a key whose hash does not match its name was accepted")
	}
}

func writeCosignatureVector(t *testing.T) {
	var cv struct {
		VerifierKey string `json:"verifier_key"`
		SignedNote  string `json:"signed_note"`
	}
	raw, err := os.ReadFile(checkpointVectorFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &cv); err != nil {
		t.Fatal(err)
	}
	v := cosignatureVector{
		WitnessName: "saksi.kab-contoh.go.id/witness", SeedHex: "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
		Time: 1765000000, LogVerifierKey: cv.VerifierKey, SignedNote: cv.SignedNote,
	}
	c := vectorCosigner(t, v.WitnessName, v.SeedHex, v.Time)
	v.VerifierKey, v.KeyHashHex = c.VerifierKey(), fmt.Sprintf("%08x", c.hash)
	body, _, _ := strings.Cut(v.SignedNote, "\n\n")
	v.Message = string(CosignatureMessage(body+"\n", v.Time))
	v.Line = c.Cosign(body + "\n")
	v.CosignedNote = v.SignedNote + v.Line
	out, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(cosignatureVectorFile, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
