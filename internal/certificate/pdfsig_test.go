package certificate

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// pdfVector is testdata/pdf-signature-v1.json.
type pdfVector struct {
	Origin         string `json:"origin"`
	Code           string `json:"code"`
	Seed           string `json:"ed25519_seed_hex"`
	SignerKey      string `json:"signer_key"`
	VerifierKey    string `json:"verifier_key"`
	UnsignedPDF    string `json:"unsigned_pdf"`
	UnsignedSHA256 string `json:"unsigned_sha256"`
	Message        string `json:"message"`
	Signature      string `json:"signature_hex"`
	Update         string `json:"update"`
	SignedPDF      string `json:"signed_pdf"`
	SignedSHA256   string `json:"signed_sha256"`
}

func readPDFVector(t *testing.T) (pdfVector, []byte, []byte) {
	t.Helper()
	var v pdfVector
	b, err := os.ReadFile("testdata/pdf-signature-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	unsigned, err := os.ReadFile(filepath.Join("testdata", v.UnsignedPDF))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := os.ReadFile(filepath.Join("testdata", v.SignedPDF))
	if err != nil {
		t.Fatal(err)
	}
	return v, unsigned, signed
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestPDFSignatureVector checks the vector of docs/FORMATS.md §6 step by
// step, the way an outside implementation would: hash, message, Ed25519
// signature from the seed alone, update bytes, signed file.
func TestPDFSignatureVector(t *testing.T) {
	v, unsigned, signed := readPDFVector(t)
	if got := hexSHA256(unsigned); got != v.UnsignedSHA256 {
		t.Fatalf("unsigned PDF SHA-256 %s, vector says %s", got, v.UnsignedSHA256)
	}
	msg := "ikrar-pdf/v1\x00" + v.Origin + "\n" + v.Code + "\n" + v.UnsignedSHA256 + "\n"
	if msg != v.Message {
		t.Fatalf("message %q, vector says %q", msg, v.Message)
	}
	seed, err := hex.DecodeString(v.Seed)
	if err != nil {
		t.Fatal(err)
	}
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(seed), []byte(msg))
	if got := hex.EncodeToString(sig); got != v.Signature {
		t.Fatalf("signature %s, vector says %s", got, v.Signature)
	}
	if !bytes.Equal(signed, append(bytes.Clone(unsigned), v.Update...)) {
		t.Fatal("the signed PDF is not the unsigned PDF followed by the update")
	}
	if !strings.Contains(v.Update, "/Signature <"+v.Signature+">") || !strings.Contains(v.Update, "/Digest <"+v.UnsignedSHA256+">") {
		t.Fatal("the update does not carry the signature and digest")
	}
	if got := hexSHA256(signed); got != v.SignedSHA256 {
		t.Fatalf("signed PDF SHA-256 %s, vector says %s", got, v.SignedSHA256)
	}

	signer, err := note.NewSigner(v.SignerKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := SignPDF(unsigned, v.Code, signer)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, signed) {
		t.Fatalf("SignPDF appends\n%q\nthe vector's update is\n%q", got[len(unsigned):], v.Update)
	}
	s, verifier := mustVerifyPDF(t, signed, v.VerifierKey)
	if s.Origin != v.Origin || s.Code != v.Code || verifier.Name() != v.Origin || s.Signed != len(unsigned) {
		t.Errorf("VerifyPDF: origin %q code %q key %q over %d bytes; want %q %q, %d bytes", s.Origin, s.Code, verifier.Name(), s.Signed, v.Origin, v.Code, len(unsigned))
	}
}

func mustVerifyPDF(t *testing.T, pdf []byte, vkeys ...string) (PDFSignature, note.Verifier) {
	t.Helper()
	vs := testVerifiers(t, vkeys...)
	s, verifier, err := VerifyPDF(pdf, vs)
	if err != nil {
		t.Fatalf("VerifyPDF: %v", err)
	}
	return s, verifier
}

func testVerifiers(t *testing.T, vkeys ...string) note.Verifiers {
	t.Helper()
	var list []note.Verifier
	for _, k := range vkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, v)
	}
	return note.VerifierList(list...)
}

// mustSignedCertificate renders a real certificate and signs it with the
// vector's key.
func mustSignedCertificate(t *testing.T) (unsigned, signed []byte, v pdfVector) {
	t.Helper()
	v, _, _ = readPDFVector(t)
	unsigned = mustRender(t, mustRenderer(t), testCertificate(t, registry.InkPNG))
	signer, err := note.NewSigner(v.SignerKey)
	if err != nil {
		t.Fatal(err)
	}
	signed, err = SignPDF(unsigned, "K7M49QX2P9AB", signer)
	if err != nil {
		t.Fatal(err)
	}
	return unsigned, signed, v
}

// A signed certificate is still a valid PDF that every reader opens with
// the same text, and its signature verifies.
func TestSignedCertificateStaysValidPDF(t *testing.T) {
	unsigned, signed, v := mustSignedCertificate(t)
	mustVerifyPDF(t, signed, v.VerifierKey)
	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	if err := api.Validate(bytes.NewReader(signed), conf); err != nil {
		t.Errorf("pdfcpu: %v", err)
	}
	if got, want := pdftest.Text(t, signed), pdftest.Text(t, unsigned); got != want {
		t.Errorf("pdftotext reads the signed PDF differently:\n%s\nunsigned:\n%s", got, want)
	}
	if n := pdftest.Pages(t, signed); n != 1 {
		t.Errorf("the signed PDF has %d pages, want 1", n)
	}
	if _, err := SignPDF(signed, "K7M49QX2P9AB", mustSigner(t, v.SignerKey)); err == nil {
		t.Error("SignPDF signs a signed PDF again")
	}
}

func mustSigner(t *testing.T, skey string) note.Signer {
	t.Helper()
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Any one-byte change to a signed certificate is caught, wherever it is:
// in the header, the page's content stream, an image, the metadata, the
// cross-reference tables, the trailers, the signature itself; and so is
// anything appended after it or cut from its end.
func TestSignedPDFDetectsEveryByte(t *testing.T) {
	unsigned, signed, v := mustSignedCertificate(t)
	vs := testVerifiers(t, v.VerifierKey)
	at := func(marker string, off int) int {
		i := bytes.LastIndex(signed, []byte(marker))
		if i < 0 {
			t.Fatalf("no %q in the signed PDF", marker)
		}
		return i + off
	}
	positions := map[string]int{
		"header":                 5,
		"content stream":         at("stream\n", 40),
		"image data":             at("/Subtype /Image", 300),
		"metadata QR":            at("ikrar-qr:", 30),
		"rendered xref":          bytes.Index(signed, []byte("\nxref\n")) + 30,
		"rendered trailer root":  bytes.Index(signed, []byte("/Root")) + 6,
		"rendered startxref":     len(unsigned) - 8,
		"rendered %%EOF":         len(unsigned) - 3,
		"signature object":       len(unsigned) + 1,
		"origin":                 at("/Origin <", 12),
		"code":                   at("/Code (", 9),
		"key hash":               at("/Key <", 7),
		"digest":                 at("/Digest <", 40),
		"signature":              at("/Signature <", 60),
		"update xref offset":     at("00000 n \ntrailer", -3),
		"update trailer root":    at("/Prev", -5),
		"update trailer prev":    at("/Prev ", 7),
		"update startxref":       len(signed) - 9,
		"final %%EOF":            len(signed) - 2,
		"final end of line":      len(signed) - 1,
		"signature object type":  at("/IkrarSignature", 3),
		"signature dict opening": at("/Type /IkrarSignature", -2),
	}
	// A spread of positions across the whole file besides.
	for i := 0; i < len(signed); i += len(signed) / 97 {
		positions["offset "+strconv.Itoa(i)] = i
	}
	for name, i := range positions {
		for _, flip := range []byte{0x01, 0x20, 0x80} {
			b := bytes.Clone(signed)
			b[i] ^= flip
			if _, _, err := VerifyPDF(b, vs); err == nil {
				t.Errorf("%s (byte %d ^ %#x): the altered PDF verifies", name, i, flip)
			}
		}
	}
	for name, b := range map[string][]byte{
		"a byte appended":         append(bytes.Clone(signed), 'x'),
		"an end of line appended": append(bytes.Clone(signed), '\n'),
		"a second update appended": append(bytes.Clone(signed),
			"17 0 obj\n<< >>\nendobj\nxref\n17 1\n0000038000 00000 n \ntrailer\n<< /Size 18 >>\nstartxref\n38600\n%%EOF\n"...),
		"the last byte cut": signed[:len(signed)-1],
		"a byte inserted":   append(append(bytes.Clone(signed[:100]), ' '), signed[100:]...),
	} {
		if _, _, err := VerifyPDF(b, vs); err == nil {
			t.Errorf("%s: the altered PDF verifies", name)
		}
	}
	if _, _, err := VerifyPDF(unsigned, vs); !errors.Is(err, ErrNoPDFSignature) {
		t.Errorf("an unsigned certificate: %v, want ErrNoPDFSignature", err)
	}
	_, otherKey, err := note.GenerateKey(rand.Reader, v.Origin)
	if err != nil {
		t.Fatal(err)
	}
	other := testVerifiers(t, otherKey)
	if _, _, err := VerifyPDF(signed, other); !errors.Is(err, ErrPDFKeyUnknown) {
		t.Errorf("a key file without the signing key: %v, want ErrPDFKeyUnknown", err)
	}
}

// The QR read from the drawn modules is the one printed, whatever the
// metadata says.
func TestPrintedQR(t *testing.T) {
	c := testCertificate(t, registry.InkStrokes)
	for _, text := range []string{c.QRText, "HTTPS://IKRAR.EXAMPLE.GO.ID/V/K7M4QX2P9ABC/AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTCQKRMFYYDENBWHA5DYPSAIJCEMSCKJRHFAUSUKZMFUXC6MBRGIZTINJWG44DSOBZHE"} {
		c.QRText = text
		pdf := mustRender(t, mustRenderer(t), c)
		got, err := PrintedQR(pdf)
		if err != nil {
			t.Fatalf("%.40s…: %v", text, err)
		}
		if got != text {
			t.Errorf("printed QR reads %q, drawn from %q", got, text)
		}
	}
	if _, err := PrintedQR([]byte("%PDF-1.3\n1 0 obj\n<< >>\nendobj\n%%EOF\n")); !errors.Is(err, ErrNoPrintedQR) {
		t.Errorf("a PDF without a QR: %v, want ErrNoPrintedQR", err)
	}
}

// A page that draws a second QR code of another text is refused rather
// than read by whichever comes first.
func TestPrintedQRRefusesTwoDifferentCodes(t *testing.T) {
	c := testCertificate(t, registry.InkStrokes)
	one := mustRender(t, mustRenderer(t), c)
	c.QRText = "HTTPS://IKRAR.EXAMPLE.GO.ID/V/K7M4QX2P9ABC"
	two := mustRender(t, mustRenderer(t), c)
	both := append(append(bytes.Clone(one), '\n'), two...)
	if _, err := PrintedQR(both); !errors.Is(err, ErrSeveralQRs) {
		t.Errorf("two different QR codes: %v, want ErrSeveralQRs", err)
	}
	if got, err := PrintedQR(append(append(bytes.Clone(one), '\n'), one...)); err != nil || got != testQR {
		t.Errorf("the same QR code twice: %q, %v", got, err)
	}
}
