package translog

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

const testBaseURL = "https://ikrar.example.go.id"

func sampleClaim() Claim {
	return Claim{
		Code:         "K7M4QX2P9ABC",
		EventID:      1234,
		PledgeHash:   pledgeHex,
		SignedAt:     time.Date(2024, 10, 23, 2, 0, 0, 123_000_000, time.UTC),
		IdentityHash: identityHex,
	}
}

func TestClaimQRRoundTrip(t *testing.T) {
	k := mustKeyring(t, t.TempDir())
	c := sampleClaim()
	token, err := k.SignClaim(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 91 {
		t.Errorf("token has %d characters, want 91", len(token))
	}
	qr := FormatQR(testBaseURL+"/", c, token)
	t.Logf("QR text (%d characters): %s", len(qr), qr)
	if len(qr) > 220 {
		t.Errorf("QR text has %d characters, want at most 220", len(qr))
	}
	if !strings.HasPrefix(qr, testBaseURL+"/v/K7M4QX2P9ABC?e=1234&t=1729648800123&p=") {
		t.Errorf("QR text %q", qr)
	}

	got, gotToken, err := ParseQR(qr)
	if err != nil {
		t.Fatal(err)
	}
	want := c
	want.PledgeHash, want.IdentityHash = c.PledgeHash[:32], c.IdentityHash[:32]
	if got != want || gotToken != token {
		t.Errorf("ParseQR = %+v, %q\nwant %+v, %q", got, gotToken, want, token)
	}
	keys := k.VerifierKeys()
	if err := VerifyClaim(got, gotToken, keys); err != nil {
		t.Errorf("claim from the QR: %v", err)
	}
	if err := VerifyClaim(c, token, keys); err != nil {
		t.Errorf("claim with full hashes: %v", err)
	}
	other := mustKeyring(t, t.TempDir()).VerifierKeys()
	if err := VerifyClaim(got, gotToken, other); !errors.Is(err, ErrUnverified) {
		t.Errorf("with another registry's key: %v, want ErrUnverified", err)
	}
}

func TestClaimTampering(t *testing.T) {
	k := mustKeyring(t, t.TempDir())
	keys := k.VerifierKeys()
	c := sampleClaim()
	token, err := k.SignClaim(c)
	if err != nil {
		t.Fatal(err)
	}

	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range token {
		flipped := token[:i] + string(alphabet[(strings.IndexByte(alphabet, token[i])+1)%64]) + token[i+1:]
		if err := VerifyClaim(c, flipped, keys); err == nil {
			t.Errorf("token with character %d changed verifies", i)
		}
	}

	fields := map[string]func(*Claim){
		"code":        func(c *Claim) { c.Code = "K7M4QX2P9ABD" },
		"event":       func(c *Claim) { c.EventID++ },
		"pledge":      func(c *Claim) { c.PledgeHash = "ac" + c.PledgeHash[2:] },
		"pledge tail": func(c *Claim) { c.PledgeHash = c.PledgeHash[:31] + "c" },
		"signed at":   func(c *Claim) { c.SignedAt = c.SignedAt.Add(time.Millisecond) },
		"identity":    func(c *Claim) { c.IdentityHash = c.IdentityHash[:20] + "1" + c.IdentityHash[21:] },
	}
	for name, modify := range fields {
		changed := c
		modify(&changed)
		if err := VerifyClaim(changed, token, keys); !errors.Is(err, ErrBadSignature) {
			t.Errorf("claim with another %s: %v, want ErrBadSignature", name, err)
		}
	}

	// Every character of the QR text that carries the claim matters.
	qr := FormatQR(testBaseURL, c, token)
	start := strings.Index(qr, "/v/") + len("/v/")
	for i := start; i < len(qr); i++ {
		j := strings.IndexByte(alphabet, qr[i])
		if j < 0 {
			continue // separators
		}
		mutated := qr[:i] + string(alphabet[(j+1)%64]) + qr[i+1:]
		got, tok, err := ParseQR(mutated)
		if err == nil && VerifyClaim(got, tok, keys) == nil {
			t.Errorf("QR text with character %d changed verifies: %s", i, mutated)
		}
	}
}

func TestClaimRejects(t *testing.T) {
	k := mustKeyring(t, t.TempDir())
	tests := map[string]func(*Claim){
		"lower-case code":   func(c *Claim) { c.Code = "k7m4qx2p9abc" },
		"empty code":        func(c *Claim) { c.Code = "" },
		"zero event":        func(c *Claim) { c.EventID = 0 },
		"odd hash length":   func(c *Claim) { c.PledgeHash = c.PledgeHash[:40] },
		"upper-case hash":   func(c *Claim) { c.IdentityHash = strings.ToUpper(c.IdentityHash) },
		"zero signing time": func(c *Claim) { c.SignedAt = time.Time{} },
	}
	for name, modify := range tests {
		c := sampleClaim()
		modify(&c)
		if _, err := k.SignClaim(c); err == nil {
			t.Errorf("SignClaim accepted a claim with %s", name)
		}
	}
}

func TestParseQRRejects(t *testing.T) {
	k := mustKeyring(t, t.TempDir())
	c := sampleClaim()
	token, err := k.SignClaim(c)
	if err != nil {
		t.Fatal(err)
	}
	qr := FormatQR(testBaseURL, c, token)
	ms := strconv.FormatInt(c.SignedAt.UnixMilli(), 10)
	for _, bad := range []string{
		"",
		"K7M4QX2P9ABC",
		strings.Replace(qr, "https://", "ftp://", 1),
		strings.Replace(qr, "/v/", "/x/", 1),
		strings.Replace(qr, "/v/K7M4QX2P9ABC", "/v/k7m4qx2p9abc", 1),
		qr + "&e=1",
		strings.Replace(qr, "&t="+ms, "", 1),
		strings.Replace(qr, "e=1234", "e=-1", 1),
		strings.Replace(qr, "t="+ms, "t=soon", 1),
		strings.Replace(qr, "&p=", "&p=A", 1),
		strings.Replace(qr, "&i=", "&i=%", 1),
	} {
		if c, _, err := ParseQR(bad); err == nil {
			t.Errorf("ParseQR(%q) = %+v", bad, c)
		}
	}
	if _, _, err := ParseQR(qr + "&utm_source=poster"); err != nil {
		t.Errorf("an unknown parameter: %v", err)
	}
}

func BenchmarkSignClaim(b *testing.B) {
	k := mustKeyring(b, b.TempDir())
	c := sampleClaim()
	for b.Loop() {
		if _, err := k.SignClaim(c); err != nil {
			b.Fatal(err)
		}
	}
}
