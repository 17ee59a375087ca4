package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func pdfOf(n int) ([]byte, string) {
	b := bytes.Repeat([]byte{byte('a' + n%26)}, 1000)
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

// The disk cache stays within its bound, dropping the least recently used
// certificates first, and finds its files again after a restart, without
// the pieces of a write cut short.
func TestPDFDiskBoundAndRestart(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	d, err := openPDFDisk(dir, 3000, log)
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{"AAAA00000001", "AAAA00000002", "BBBB00000003", "CCCC00000004"}
	for i, c := range codes[:3] {
		pdf, _ := pdfOf(i)
		d.put(c, pdf)
	}
	_, h0 := pdfOf(0)
	if _, ok := d.get(codes[0], h0); !ok { // now the most recently used
		t.Fatal("a stored certificate was not found")
	}
	pdf3, _ := pdfOf(3)
	d.put(codes[3], pdf3) // over the bound: the second one goes
	if _, err := os.Stat(filepath.Join(dir, "AA", codes[1]+".pdf")); !os.IsNotExist(err) {
		t.Fatalf("the least recently used file is still there: %v", err)
	}
	for _, i := range []int{0, 2, 3} {
		_, h := pdfOf(i)
		if _, ok := d.get(codes[i], h); !ok {
			t.Fatalf("%s was dropped instead", codes[i])
		}
	}

	// A restart: the index comes from the files, a half-written temporary
	// file is removed, and a smaller bound trims the oldest.
	if err := os.WriteFile(filepath.Join(dir, "CC", ".tmp-123"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "BB", codes[2]+".pdf"), old, old); err != nil {
		t.Fatal(err)
	}
	d, err = openPDFDisk(dir, 2000, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "CC", ".tmp-123")); !os.IsNotExist(err) {
		t.Fatal("a temporary file survived the restart")
	}
	_, h2 := pdfOf(2)
	if _, ok := d.get(codes[2], h2); ok {
		t.Fatal("the oldest file survived a smaller bound")
	}
	_, h3 := pdfOf(3)
	if pdf, ok := d.get(codes[3], h3); !ok || !bytes.Equal(pdf, pdf3) {
		t.Fatal("a file was lost across the restart")
	}
	// A file that does not have the record's fingerprint is not served,
	// and goes.
	if _, ok := d.get(codes[3], "00"+h3[2:]); ok {
		t.Fatal("a file was served under another fingerprint")
	}
	if _, err := os.Stat(filepath.Join(dir, "CC", codes[3]+".pdf")); !os.IsNotExist(err) {
		t.Fatalf("a file that failed its fingerprint is still there: %v", err)
	}
	// Names come from certificate codes only.
	d.put("../../etc", pdf3)
	if _, err := os.Stat(filepath.Join(dir, "..", "..", "etc.pdf")); !os.IsNotExist(err) {
		t.Fatal("a file was written outside the cache")
	}
}

// A render that began before its record was erased does not put the PDF
// back, in memory or on disk.
func TestPDFCacheKeepsErasedOut(t *testing.T) {
	dir := t.TempDir()
	d, err := openPDFDisk(dir, 1<<20, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	c := newPDFCache(1<<20, d)
	pdf, hash := pdfOf(1)
	c.put("ERASED000001", pdf)
	c.drop("ERASED000001") // the erasure
	c.put("ERASED000001", pdf)
	if _, ok := c.get("ERASED000001", hash); ok {
		t.Fatal("an erased certificate was cached again")
	}
	if _, err := os.Stat(filepath.Join(dir, "ER", "ERASED000001.pdf")); !os.IsNotExist(err) {
		t.Fatalf("an erased certificate was written to disk again: %v", err)
	}
	c.put("KEPT00000001", pdf)
	if got, ok := c.get("KEPT00000001", hash); !ok || !bytes.Equal(got, pdf) {
		t.Fatal("another certificate was not cached")
	}
}
