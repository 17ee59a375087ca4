package main

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/certificate"
)

// Offline, with the key file alone, a one-byte change anywhere in an
// issued certificate is refused: in the header, the page's drawing, an
// embedded font or image, the metadata, the cross-reference tables and
// trailers of the file and of its signature, the signature itself, and
// bytes appended after its end.
func TestVerifyPDFCatchesEveryByteOffline(t *testing.T) {
	r := seededTrustRegistry(t)
	keyFile := writeKeyFile(t, r.dir)
	pdf := r.renderPDF(t, r.sigs[0], "https://ikrar.example.go.id")
	if code, out := runTrust(t, "verify", writeTrustFile(t, "asli.pdf", pdf), "--key", keyFile); code != 0 {
		t.Fatalf("the genuine certificate: exit %d\n%s", code, out)
	}
	sig, _, err := certificate.VerifyPDF(pdf, mustVerifiers(t, keyFile))
	if err != nil {
		t.Fatal(err)
	}
	rendered := pdf[:sig.Signed]
	at := func(in []byte, marker string, off int) int {
		t.Helper()
		i := bytes.Index(in, []byte(marker))
		if i < 0 {
			t.Fatalf("no %q in the certificate", marker)
		}
		return i + off
	}
	flips := map[string]int{
		"header":                    6,
		"page content stream":       at(pdf, "stream\n", 50),
		"embedded font or image":    at(pdf, "/Length1", 400),
		"metadata title":            at(pdf, "/Title (", 12),
		"metadata QR":               at(pdf, "ikrar-qr:", 40),
		"cross-reference table":     at(rendered, "\nxref\n", 45),
		"trailer":                   at(rendered, "trailer\n", 14),
		"startxref":                 len(rendered) - 9,
		"signature object number":   sig.Signed,
		"signed origin":             at(pdf, "/Origin <", 10),
		"signed code":               at(pdf, "/Code (", 8),
		"digest":                    at(pdf, "/Digest <", 20),
		"signature":                 at(pdf, "/Signature <", 70),
		"signature's xref offset":   at(pdf[sig.Signed:], "00000 n", sig.Signed-2),
		"signature's trailer /Prev": at(pdf[sig.Signed:], "/Prev ", sig.Signed+6),
		"final %%EOF":               len(pdf) - 3,
	}
	for name, i := range flips {
		b := bytes.Clone(pdf)
		b[i] ^= 0x04
		wantRefused(t, name, b, keyFile)
	}
	for name, b := range map[string][]byte{
		"a byte after %%EOF":         append(bytes.Clone(pdf), ' '),
		"an end of line after %%EOF": append(bytes.Clone(pdf), '\r', '\n'),
		"an edit saved in place":     incrementalUpdate(pdf),
	} {
		wantRefused(t, name, b, keyFile, "HASIL / RESULT: PDF DIUBAH / ALTERED PDF")
	}
}

// wantRefused runs ikrar verify offline on pdf and wants exit 1 with a
// result that is not valid.
func wantRefused(t *testing.T, name string, pdf []byte, keyFile string, want ...string) {
	t.Helper()
	code, out := runTrust(t, "verify", writeTrustFile(t, "diubah.pdf", pdf), "--key", keyFile)
	if code != 1 || strings.Contains(out, "HASIL / RESULT: SAH / VALID") {
		t.Errorf("%s: exit %d\n%s", name, code, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: output lacks %q\n%s", name, w, out)
		}
	}
}

// A certificate whose metadata QR names another genuine certificate is
// refused for its printed QR, signed or not: the metadata's claim alone
// would verify.
func TestVerifyPDFPrintedQRDiffers(t *testing.T) {
	r := seededTrustRegistry(t)
	keyFile := writeKeyFile(t, r.dir)
	const base = "https://ikrar.example.go.id"
	mine, other := r.sigs[0], r.sigs[2]
	myQR, otherQR := r.qrText(t, mine, base), r.qrText(t, other, base)
	if len(myQR) != len(otherQR) || myQR == otherQR {
		t.Fatalf("want two QR texts of one length, to swap in place: %q, %q", myQR, otherQR)
	}
	for name, pdf := range map[string][]byte{
		"signed":             r.renderPDF(t, mine, base),
		"unsigned (earlier)": r.renderUnsignedPDF(t, mine, base),
	} {
		swapped := bytes.Replace(pdf, []byte("ikrar-qr:"+myQR), []byte("ikrar-qr:"+otherQR), 1)
		if bytes.Equal(swapped, pdf) {
			t.Fatalf("%s: the metadata QR was not found", name)
		}
		wantRefused(t, name, swapped, keyFile,
			"Sertifikat / Certificate:   "+other.Code, "SAH / VALID: tanda tangan registri "+trustOrigin,
			"HASIL / RESULT: QR TERCETAK BERBEDA / PRINTED QR DIFFERS", "printed: "+myQR)
	}
}

func mustVerifiers(t *testing.T, keyFile string) note.Verifiers {
	t.Helper()
	_, vs, err := readVerifierKeys(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// A PDF signed by the registry for another certificate than its QR names
// is refused: the signature binds the code.
func TestVerifyPDFSignedForAnotherCode(t *testing.T) {
	r := seededTrustRegistry(t)
	keyFile := writeKeyFile(t, r.dir)
	signer, err := r.a.keys.DocumentSigner()
	if err != nil {
		t.Fatal(err)
	}
	mine, other := r.sigs[0], r.sigs[2]
	pdf, err := certificate.SignPDF(r.renderUnsignedPDF(t, mine, "https://ikrar.example.go.id"), other.Code, signer)
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "signed for another code", pdf, keyFile, "HASIL / RESULT: PDF DIUBAH / ALTERED PDF",
		"the PDF is signed for certificate "+other.Code+", not "+mine.Code)
}
