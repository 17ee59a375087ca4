package certificate

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// `ikrar verify FILE.pdf` reads files anyone can make: the signature check
// and the printed-QR reader must refuse what they do not understand without
// panicking, and only the bytes the key signed may verify.

func fuzzPDFs(f *testing.F) (signed []byte, verifiers note.Verifiers) {
	f.Helper()
	var v struct {
		VerifierKey string `json:"verifier_key"`
		UnsignedPDF string `json:"unsigned_pdf"`
		SignedPDF   string `json:"signed_pdf"`
	}
	b, err := os.ReadFile("testdata/pdf-signature-v1.json")
	if err != nil {
		f.Fatal(err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		f.Fatal(err)
	}
	unsigned, err := os.ReadFile("testdata/" + v.UnsignedPDF)
	if err != nil {
		f.Fatal(err)
	}
	if signed, err = os.ReadFile("testdata/" + v.SignedPDF); err != nil {
		f.Fatal(err)
	}
	verifier, err := note.NewVerifier(v.VerifierKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(unsigned)
	f.Add(signed[len(unsigned):])
	f.Add([]byte("%PDF-1.7\n%%EOF\n"))
	return signed, note.VerifierList(verifier)
}

func FuzzVerifyPDF(f *testing.F) {
	signed, verifiers := fuzzPDFs(f)
	f.Fuzz(func(t *testing.T, pdf []byte) {
		if _, _, err := VerifyPDF(pdf, verifiers); err == nil && !bytes.Equal(pdf, signed) {
			t.Fatalf("a file the key never signed verified (%d bytes)", len(pdf))
		}
	})
}

func FuzzPrintedQR(f *testing.F) {
	fuzzPDFs(f)
	f.Fuzz(func(t *testing.T, pdf []byte) {
		PrintedQR(pdf) // must return, not panic, whatever the file draws
	})
}
