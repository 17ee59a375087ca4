package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pdftest"
)

// The Berita Acara prints the signed checkpoint that covers the event's
// records (the revocation, the last of them, included): the paper pins the
// registry's history, so a later rewrite shows against it.
func TestBeritaAcaraPinsTheCheckpoint(t *testing.T) {
	f := newExportFixture(t)
	f.a.waitCheckpointed(t) // to compare with the latest checkpoint below
	q := url.Values{"place": {"Aula Kantor Bupati"}, "date": {"2024-10-23"},
		"name": {"Drs. H. Ahmad Fauzi, M.Si."}, "position": {"Sekretaris Daerah"}}
	pdf := wantDownload(t, f.admin.get(f.path("/berita-acara.pdf?")+q.Encode()), "application/pdf", "berita-acara-")
	// The text extraction spaces a cell's edge as it likes.
	text := strings.ReplaceAll(pdftest.Text(t, pdf), ": ", ":")
	cp := f.admin.get("/api/v1/log/checkpoint")
	if cp.Status != http.StatusOK {
		t.Fatalf("checkpoint: %d", cp.Status)
	}
	lines := strings.Split(string(cp.Body), "\n")
	for _, want := range []string{
		"Checkpoint yang mencakup catatan acara ini",
		"Nama log :" + lines[0],
		"Ukuran log :" + lines[1],
		"Akar pohon :" + lines[2],
		"Saksi :tidak ada",
		"siapa pun dapat memeriksa bahwa riwayat log",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Berita Acara does not show %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "belum dicakup") {
		t.Errorf("the event's records are said not to be covered:\n%s", text)
	}
}
