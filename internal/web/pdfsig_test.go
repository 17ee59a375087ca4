package web_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/ikrar-id/ikrar/internal/certificate"
)

// A certificate as issued is signed over its own bytes with the registry's
// current key, for its own code and origin; its printed QR is its metadata
// QR; the verification page calls it PDF ASLI, and a copy with one byte
// changed PDF BERBEDA.
func TestIssuedPDFIsSigned(t *testing.T) {
	a, e, people := storedApp(t, 1)
	s := a.mustSign(t, e, people[0])
	pdf := mustDownload(t, a, s)
	sig, key, err := certificate.VerifyPDF(pdf, a.keys.Verifiers())
	if err != nil {
		t.Fatalf("the issued certificate's own signature: %v", err)
	}
	if sig.Code != s.Certificate.Code || sig.Origin != a.keys.Name() || key.KeyHash() != a.keys.Signer().KeyHash() {
		t.Errorf("signed for %s at %s with key %08x; want %s, %s, the current key", sig.Code, sig.Origin, key.KeyHash(), s.Certificate.Code, a.keys.Name())
	}
	printed, err := certificate.PrintedQR(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if meta, err := certificate.QRTextFromPDF(pdf); err != nil || meta != printed {
		t.Errorf("printed QR %q, metadata QR %q (%v)", printed, meta, err)
	}
	if again := mustDownload(t, a, s); !bytes.Equal(again, pdf) {
		t.Error("a second download is signed anew")
	}
	wantOriginal(t, a, s.Certificate.Code, pdf)

	altered := bytes.Clone(pdf)
	altered[len(altered)/2] ^= 1
	visitor := a.browser(t)
	got := visitor.upload(visitor.get("/v/"+s.Certificate.Code), "/v/"+s.Certificate.Code+"/pdf", nil, "pdf", "sertifikat.pdf", "application/pdf", altered)
	wantPage(t, got, http.StatusOK, "PDF BERBEDA")
}
