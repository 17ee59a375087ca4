package translog

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

var updateVectors = flag.Bool("update-vectors", false, "rewrite the claim test vectors under testdata/ from the code")

// claimV2Vector is testdata/claim-v2.json, shown in docs/FORMATS.md §5:
// the inputs of a v2 claim, the exact message signed, the signature, the
// claim's bytes and base32, and the QR text. LookalikeQR is the same QR
// pointed at another host: it must not verify.
type claimV2Vector struct {
	Seed        string `json:"ed25519_seed_hex"`
	SignerKey   string `json:"signer_key"`
	VerifierKey string `json:"verifier_key"`
	Origin      string `json:"origin"`
	BaseURL     string `json:"base_url"`
	Host        string `json:"host"`
	Code        string `json:"code"`
	SignedAt    string `json:"signed_at"`
	SignedAtMs  int64  `json:"signed_at_unix_ms"`
	LeafHash    string `json:"leaf_hash_hex"`
	Message     string `json:"message"`
	MessageHex  string `json:"message_hex"`
	Signature   string `json:"signature_hex"`
	ClaimHex    string `json:"claim_bytes_hex"`
	Claim       string `json:"claim_base32"`
	QRText      string `json:"qr_text"`
	LookalikeQR string `json:"lookalike_qr_text"`
}

const claimV2VectorFile = "testdata/claim-v2.json"

// testSeed is the Ed25519 seed of every test vector: bytes 0x00 to 0x1f.
func testSeed() []byte {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	return seed
}

// seedKeyring is a keyring whose one key has seed: the vector's key.
func seedKeyring(t *testing.T, origin string, seed []byte) *Keyring {
	t.Helper()
	dir := t.TempDir()
	skey, _ := signerKeyFromSeed(t, origin, seed)
	if err := os.WriteFile(filepath.Join(dir, "signer-1.key"), []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKeyring(dir, origin)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// checkVector returns the vector in path, failing unless it is got, the
// vector computed from its inputs; -update-vectors writes got there first.
func checkClaimVector[V comparable](t *testing.T, path string, got V) V {
	t.Helper()
	if *updateVectors {
		writeVector(t, path, got)
	}
	var want V
	readVector(t, path, &want)
	if got != want {
		t.Errorf("%s computed from its inputs:\n%+v\nthe file says:\n%+v", path, got, want)
	}
	return want
}

// wantInFormats fails unless docs/FORMATS.md shows each of the vector's
// values (hex is wrapped there at 64 digits).
func wantInFormats(t *testing.T, values ...string) {
	t.Helper()
	doc, err := os.ReadFile("../../docs/FORMATS.md")
	if err != nil {
		t.Fatal(err)
	}
	unwrapped := strings.ReplaceAll(string(doc), "\n", "")
	for _, v := range values {
		if !strings.Contains(unwrapped, v) {
			t.Errorf("docs/FORMATS.md does not show the vector's %q", v)
		}
	}
}

func readVector(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func writeVector(t *testing.T, path string, v any) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestClaimV2Vector computes the vector's claim from its inputs alone,
// with the keyring the registry signs with, and checks every step; and
// that docs/FORMATS.md shows this vector.
func TestClaimV2Vector(t *testing.T) {
	const origin, base = "ikrar.example.go.id/ikrar", "https://ikrar.example.go.id"
	signedAt := time.Date(2024, 10, 23, 2, 0, 0, 123_000_000, time.UTC)
	leafHex := "c0b9e4a1f3c7d25e8a6b40f1e29d7c3b5a4f6e8d9c0b1a2f3e4d5c6b7a8f9e0d"
	seed := testSeed()
	k := seedKeyring(t, origin, seed)
	var leaf tlog.Hash
	if n, err := hex.Decode(leaf[:], []byte(leafHex)); err != nil || n != len(leaf) {
		t.Fatalf("leaf %q: %v", leafHex, err)
	}
	host, err := ClaimHost(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	c, err := k.SignClaimV2(host, "K7M4QX2P9ABC", signedAt, leaf)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := c.Message(origin)
	if err != nil {
		t.Fatal(err)
	}
	skey, vkey := signerKeyFromSeed(t, origin, seed)
	raw, _ := claimBase32.DecodeString(c.Token())
	lookalike := c
	lookalike.Host = "ikrar.example-go.id"
	got := claimV2Vector{
		Seed: hex.EncodeToString(seed), SignerKey: skey, VerifierKey: vkey, Origin: origin, BaseURL: base, Host: host,
		Code: c.Code, SignedAt: signedAt.Format("2006-01-02T15:04:05.000Z"), SignedAtMs: signedAt.UnixMilli(), LeafHash: leafHex,
		Message: string(msg), MessageHex: hex.EncodeToString(msg), Signature: hex.EncodeToString(c.Sig[:]),
		ClaimHex: hex.EncodeToString(raw), Claim: c.Token(), QRText: FormatQRV2("https", c), LookalikeQR: FormatQRV2("https", lookalike),
	}
	want := checkClaimVector(t, claimV2VectorFile, got)

	// The vector checks by itself, as an outside verifier would use it.
	wantMsg, _ := hex.DecodeString(want.MessageHex)
	if string(wantMsg) != want.Message {
		t.Errorf("message_hex is not message")
	}
	sig, _ := hex.DecodeString(want.Signature)
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	if !ed25519.Verify(pub, wantMsg, sig) {
		t.Error("the vector's signature does not verify over its message")
	}
	for _, text := range []string{want.QRText, strings.ToLower(want.QRText), "https://" + strings.TrimPrefix(want.QRText, "HTTPS://")} {
		p, err := ParseQRV2(text)
		if err != nil {
			t.Errorf("ParseQRV2(%q): %v", text, err)
			continue
		}
		if p != c {
			t.Errorf("ParseQRV2(%q) = %+v, want %+v", text, p, c)
		}
		if key, err := VerifyClaimV2(p, []string{want.VerifierKey}); err != nil || key != want.VerifierKey {
			t.Errorf("%q: VerifyClaimV2 = %q, %v", text, key, err)
		}
	}
	p, err := ParseQRV2(want.LookalikeQR)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyClaimV2(p, []string{want.VerifierKey}); !errors.Is(err, ErrBadSignature) {
		t.Errorf("the look-alike QR %q: %v, want ErrBadSignature", want.LookalikeQR, err)
	}

	wantInFormats(t, want.MessageHex, want.Signature, want.Claim, want.QRText)
}

// claimV1Vector is testdata/claim-v1.json: a v1 claim, as certificates
// issued before v2 carry it, from inputs to QR text.
type claimV1Vector struct {
	Seed         string `json:"ed25519_seed_hex"`
	VerifierKey  string `json:"verifier_key"`
	BaseURL      string `json:"base_url"`
	Code         string `json:"code"`
	EventID      int64  `json:"event_id"`
	SignedAt     string `json:"signed_at"`
	SignedAtMs   int64  `json:"signed_at_unix_ms"`
	PledgeHash   string `json:"pledge_hash"`
	IdentityHash string `json:"identity_hash"`
	MessageHex   string `json:"message_hex"`
	KeyHash      string `json:"key_hash_hex"`
	Signature    string `json:"signature_hex"`
	Token        string `json:"token"`
	QRText       string `json:"qr_text"`
}

const claimV1VectorFile = "testdata/claim-v1.json"

func TestClaimV1Vector(t *testing.T) {
	const origin = "ikrar.example.go.id/ikrar"
	seed := testSeed()
	k := seedKeyring(t, origin, seed)
	c := sampleClaim()
	token, err := k.SignClaim(c)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := c.message()
	if err != nil {
		t.Fatal(err)
	}
	_, vkey := signerKeyFromSeed(t, origin, seed)
	tok, _ := base64RawURL(token)
	got := claimV1Vector{
		Seed: hex.EncodeToString(seed), VerifierKey: vkey, BaseURL: testBaseURL, Code: c.Code, EventID: c.EventID,
		SignedAt: c.SignedAt.Format("2006-01-02T15:04:05.000Z"), SignedAtMs: c.SignedAt.UnixMilli(),
		PledgeHash: c.PledgeHash, IdentityHash: c.IdentityHash, MessageHex: hex.EncodeToString(msg),
		KeyHash: hex.EncodeToString(tok[:4]), Signature: hex.EncodeToString(tok[4:]), Token: token, QRText: FormatQR(testBaseURL, c, token),
	}
	want := checkClaimVector(t, claimV1VectorFile, got)
	p, ptok, err := ParseQR(want.QRText)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyClaim(p, ptok, []string{want.VerifierKey}); err != nil {
		t.Errorf("the vector's QR does not verify: %v", err)
	}
	wantInFormats(t, want.MessageHex, want.QRText)
}

func base64RawURL(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

// Every field of a v2 claim is signed: change any and it fails; and a
// key named for another origin does not verify it either.
func TestClaimV2Binds(t *testing.T) {
	k := seedKeyring(t, "ikrar.example.go.id/ikrar", testSeed())
	var leaf tlog.Hash
	leaf[0] = 0xc0
	c, err := k.SignClaimV2("ikrar.example.go.id", "K7M4QX2P9ABC", time.UnixMilli(1729648800123), leaf)
	if err != nil {
		t.Fatal(err)
	}
	keys := k.VerifierKeys()
	if _, err := VerifyClaimV2(c, keys); err != nil {
		t.Fatal(err)
	}
	changes := map[string]func(c *ClaimV2){
		"host":             func(c *ClaimV2) { c.Host = "ikrar.example.go.id.evil.example" },
		"host port":        func(c *ClaimV2) { c.Host = "ikrar.example.go.id:8443" },
		"code":             func(c *ClaimV2) { c.Code = "K7M4QX2P9ABD" },
		"signing time":     func(c *ClaimV2) { c.SignedAt = c.SignedAt.Add(time.Millisecond) },
		"leaf":             func(c *ClaimV2) { c.Leaf[15] ^= 1 },
		"signature":        func(c *ClaimV2) { c.Sig[0] ^= 1 },
		"upper-case host":  func(c *ClaimV2) { c.Host = "IKRAR.EXAMPLE.GO.ID" },
		"lower-case code ": func(c *ClaimV2) { c.Code = "k7m4qx2p9abc" },
	}
	for name, change := range changes {
		d := c
		change(&d)
		if _, err := VerifyClaimV2(d, keys); err == nil {
			t.Errorf("%s changed: the claim still verifies", name)
		}
	}
	other := seedKeyring(t, "ikrar.other.go.id/ikrar", testSeed()) // same key, another origin
	if _, err := VerifyClaimV2(c, other.VerifierKeys()); !errors.Is(err, ErrBadSignature) {
		t.Errorf("with the same key named for another origin: %v", err)
	}
}

func TestParseQRV2Rejects(t *testing.T) {
	var v claimV2Vector
	readVector(t, claimV2VectorFile, &v)
	good := v.QRText
	claim := v.Claim
	last := claim[len(claim)-1:] // carries 3 bits and 2 zero bits
	bad := map[string]string{
		"no scheme":           strings.TrimPrefix(good, "HTTPS://"),
		"ftp":                 "FTP://" + strings.TrimPrefix(good, "HTTPS://"),
		"short claim":         good[:len(good)-1],
		"long claim":          good + "A",
		"padded claim":        good + "======",
		"non-zero pad bits":   good[:len(good)-1] + string(rune(last[0]+1)),
		"base32 digit 1":      good[:len(good)-2] + "1" + last,
		"query":               good + "?e=1",
		"extra path":          good + "/X",
		"no /V/":              strings.Replace(good, "/V/", "/W/", 1),
		"code with dash":      strings.Replace(good, "K7M4QX2P9ABC", "K7M4-QX2P-9ABC", 1),
		"host with user":      strings.Replace(good, "IKRAR.", "U@IKRAR.", 1),
		"host with bad port":  strings.Replace(good, ".ID/", ".ID:0/", 1),
		"empty host":          "HTTPS:///V/K7M4QX2P9ABC/" + claim,
		"Kelvin sign in host": strings.Replace(good, "IKRAR", "I\u212ARAR", 1),
		"long s in claim":     good[:len(good)-len(claim)] + strings.Replace(claim, "S", "\u017f", 1),
	}
	for name, text := range bad {
		if c, err := ParseQRV2(text); err == nil {
			t.Errorf("%s: ParseQRV2(%q) = %+v", name, text, c)
		}
	}
}

func TestClaimHost(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://ikrar.example.go.id", "ikrar.example.go.id"},
		{"https://IKRAR.Example.GO.ID/", "ikrar.example.go.id"},
		{"http://127.0.0.1:8080", "127.0.0.1:8080"},
		{"https://ikrar.example.go.id/registri", ""},
		{"https://ikrar.example.go.id?x=1", ""},
		{"https://[::1]:8080", ""},
		{"https://ikrar_example.go.id", ""},
		{"ikrar.example.go.id", ""},
	}
	for _, tt := range tests {
		got, err := ClaimHost(tt.base)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ClaimHost(%q) = %q, %v; want %q", tt.base, got, err, tt.want)
		}
	}
}
