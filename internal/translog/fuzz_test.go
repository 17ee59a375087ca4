package translog

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The decoders below read text that reaches ikrar from outside: the QR text
// a phone scans (and anyone can print), checkpoints a monitor or witness
// sends back, proofs an offline verifier is handed. Each must reject what it
// does not understand without panicking, and what it accepts must be the
// canonical form the encoder writes, so that two texts never mean one thing.

func FuzzParseQR(f *testing.F) {
	k := mustKeyring(f, f.TempDir())
	token, err := k.SignClaim(sampleClaim())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(FormatQR(testBaseURL, sampleClaim(), token))
	f.Add(testBaseURL + "/v/K7M4QX2P9ABC?e=1&t=1&p=AAAAAAAAAAAAAAAAAAAAAA&i=AAAAAAAAAAAAAAAAAAAAAA&s=x")
	f.Add("http://h/v/%00?e=1&e=2")
	f.Add("https://h/x/v/ABC?e=-1&t=0&p=&i=&s=")
	keys := k.VerifierKeys()
	f.Fuzz(func(t *testing.T, text string) {
		c, tok, err := ParseQR(text)
		if err != nil {
			return
		}
		if !validCode(c.Code) || c.EventID <= 0 || c.SignedAt.UnixMilli() <= 0 ||
			len(c.PledgeHash) != 2*claimHashSize || len(c.IdentityHash) != 2*claimHashSize {
			t.Fatalf("ParseQR(%q) accepted an invalid claim %+v", text, c)
		}
		// What parsed must survive a round trip through the encoder.
		again, tok2, err := ParseQR(FormatQR(testBaseURL, c, tok))
		if err != nil || again != c || tok2 != tok {
			t.Fatalf("round trip of %q: %+v %q %v, want %+v %q", text, again, tok2, err, c, tok)
		}
		// Only the registry's own signature verifies, whatever the text says.
		if err := VerifyClaim(c, tok, keys); err == nil && tok != token {
			t.Fatalf("a token the registry never issued verified: %q", tok)
		}
	})
}

func FuzzParseQRV2(f *testing.F) {
	k := mustKeyring(f, f.TempDir())
	var leaf tlog.Hash
	signed, err := k.SignClaimV2("ikrar.example.go.id", "K7M4QX2P9ABC", sampleClaim().SignedAt, leaf)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(FormatQRV2("https", signed))
	f.Add(strings.ToLower(FormatQRV2("http", signed)))
	f.Add("HTTPS://H:0/V/A/" + strings.Repeat("7", ClaimV2Len))
	f.Add("https://h/v/a/" + strings.Repeat("a", ClaimV2Len-1) + "=")
	f.Add(strings.Replace(FormatQRV2("https", signed), "IKRAR", "I\u212ARAR", 1))
	keys := k.VerifierKeys()
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseQRV2(text)
		if err != nil {
			return
		}
		if !ValidClaimHost(c.Host) || !validCode(c.Code) || !isASCII(text) {
			t.Fatalf("ParseQRV2(%q) accepted an invalid claim %+v", text, c)
		}
		// What parsed is the text up to letter case, so two spellings of a
		// claim always mean one claim.
		canon := FormatQRV2("https", c)
		if !strings.EqualFold(canon, text) && !strings.EqualFold(FormatQRV2("http", c), text) {
			t.Fatalf("ParseQRV2 accepted %q, which is not a spelling of %q", text, canon)
		}
		if again, err := ParseQRV2(canon); err != nil || again != c {
			t.Fatalf("round trip of %q: %+v %v, want %+v", text, again, err, c)
		}
		if _, err := VerifyClaimV2(c, keys); err == nil && c != signed {
			t.Fatalf("a claim the registry never signed verified: %+v", c)
		}
	})
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add("ikrar.example.go.id/log\n42\n" + strings.Repeat("A", 43) + "=\n")
	f.Add("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
	f.Add("o\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
	f.Add("o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nextension\n")
	f.Fuzz(func(t *testing.T, body string) {
		c, err := ParseCheckpoint(body)
		if err != nil {
			return
		}
		if c.Body() != body {
			t.Fatalf("ParseCheckpoint accepted a non-canonical body %q (canonical %q)", body, c.Body())
		}
		if c.Size < 0 || !validKeyName(c.Origin) {
			t.Fatalf("accepted %+v", c)
		}
	})
}

func FuzzOpenCheckpoint(f *testing.F) {
	k := mustKeyring(f, f.TempDir())
	signed, err := k.SignCheckpoint(Checkpoint{Origin: k.name, Size: 7})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add([]byte("o\n1\nAAAA\n\n— o AAAA\n"))
	f.Add([]byte{})
	verifier, err := note.NewVerifier(k.VerifierKeys()[0])
	if err != nil {
		f.Fatal(err)
	}
	verifiers := note.VerifierList(verifier)
	f.Fuzz(func(t *testing.T, msg []byte) {
		c, err := OpenCheckpoint(msg, verifiers)
		if err != nil {
			return
		}
		// Anything accepted was signed by the registry over exactly the
		// checkpoint it parses to.
		if c.Origin != k.name {
			t.Fatalf("accepted a checkpoint of origin %q", c.Origin)
		}
		resigned, err := k.SignCheckpoint(c)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := OpenCheckpoint(resigned, verifiers); err != nil || again != c {
			t.Fatalf("re-signed %+v opened as %+v, %v", c, again, err)
		}
		if c.Size != 7 {
			t.Fatalf("a checkpoint the registry never signed verified: %+v", c)
		}
	})
}

func FuzzDecodeProof(f *testing.F) {
	f.Add("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
	f.Add("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
	f.Add("\n\n")
	f.Add(strings.Repeat("x\n", 200))
	f.Fuzz(func(t *testing.T, text string) {
		hashes, err := DecodeProof(text)
		if err != nil {
			return
		}
		if len(hashes) > maxProofHashes {
			t.Fatalf("decoded %d hashes, more than %d", len(hashes), maxProofHashes)
		}
		enc := EncodeProof(hashes)
		// The last newline may be missing, and an empty proof may be a
		// lone newline; nothing else may differ from the canonical text.
		if enc != text && enc != text+"\n" && !(enc == "" && text == "\n") {
			t.Fatalf("DecodeProof accepted a non-canonical proof %q (canonical %q)", text, enc)
		}
	})
}

// FuzzParseEntry reads leaf preimages, which the API hands to verifiers and
// monitors: what it accepts must be valid and encode back to the same bytes.
func FuzzParseEntry(f *testing.F) {
	for _, name := range []string{"leaf-v1-signature", "leaf-v1-revocation", "leaf-v2-signature", "leaf-v2-revocation", "leaf-v2-issuance", "leaf-v2-paper"} {
		b, err := os.ReadFile("testdata/" + name + ".json")
		if err != nil {
			f.Fatal(err)
		}
		var v struct {
			Preimage string `json:"preimage"`
		}
		if err := json.Unmarshal(b, &v); err != nil || v.Preimage == "" {
			f.Fatalf("%s: no preimage (%v)", name, err)
		}
		f.Add([]byte(v.Preimage))
	}
	f.Add([]byte("ikrar-leaf/v2\nkind issuance\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseEntry(b)
		if err != nil {
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("ParseEntry accepted an invalid entry %+v: %v", e, err)
		}
		if got := e.Encode(); string(got) != string(b) {
			t.Fatalf("ParseEntry(%q) encodes back as %q", b, got)
		}
	})
}
