package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/ikrar-id/ikrar/internal/web"
)

// Issued certificates are kept on disk: a re-download is the same bytes,
// a copy edited on disk is never served, and erasing a record's personal
// data removes its file.
func TestCertificateDiskCache(t *testing.T) {
	dir := t.TempDir()
	a := newTestApp(t, func(o *web.Options) {
		o.PDFDir = dir
		o.PDFCacheBytes = 1 // nothing fits in memory: every re-download goes to disk
	})
	super := a.mustToken(t, a.mustSuperadmin(t))
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 2, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	a.mustOpen(t, token, e.ID)
	signed := a.mustSign(t, e, people[0])
	code := signed.Certificate.Code

	first := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil)
	if first.Status != http.StatusOK || !bytes.HasPrefix(first.Body, []byte("%PDF")) {
		t.Fatalf("first download: %d %.40q", first.Status, first.Body)
	}
	file := filepath.Join(dir, code[:2], code+".pdf")
	onDisk, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the issued PDF is not on disk: %v", err)
	}
	if !bytes.Equal(onDisk, first.Body) {
		t.Fatal("the file on disk differs from the PDF issued")
	}
	sum := sha256.Sum256(first.Body)
	var cert struct {
		PDFSHA256 string `json:"pdf_sha256"`
	}
	a.api(t, "GET", "/api/v1/certificates/"+code, "", nil).decode(t, &cert)
	if cert.PDFSHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("recorded fingerprint %s, issued %x", cert.PDFSHA256, sum)
	}

	again := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil)
	if again.Status != http.StatusOK || !bytes.Equal(again.Body, first.Body) {
		t.Fatalf("re-download: status %d, same bytes %v", again.Status, bytes.Equal(again.Body, first.Body))
	}

	// An edited copy fails its fingerprint: the certificate is rendered
	// again, byte-identical, and the copy replaced.
	edited := append(bytes.Clone(first.Body), "1 0 obj << /Title (Sertifikat palsu) >> endobj\n"...)
	if err := os.WriteFile(file, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	third := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil)
	if !bytes.Equal(third.Body, first.Body) {
		t.Fatal("an edited copy on disk was served")
	}
	if onDisk, _ := os.ReadFile(file); !bytes.Equal(onDisk, first.Body) {
		t.Fatal("the edited copy was not replaced")
	}

	r := a.api(t, "POST", fmt.Sprintf("/api/v1/certificates/%s/erase", code), super, map[string]any{"reason": "Permintaan pemilik data, surat no. 800/12"})
	if r.Status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.Status, r.Body)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the PDF with the erased name and NIP is still on disk: %v", err)
	}
	if r := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil); r.Status != http.StatusGone {
		t.Fatalf("download after erasure: %d", r.Status)
	}
}
