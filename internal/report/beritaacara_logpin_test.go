package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

// The checkpoint block names the witnesses whose cosignatures the note
// carries, and says so plainly when the event's last record is not yet
// covered.
func TestBeritaAcaraLogPin(t *testing.T) {
	b := report.BeritaAcara{EventHeader: header(), Pledge: registry.DefaultPledge(), Date: t0, Units: units, Generated: t0.Add(time.Hour),
		Log: &report.LogPin{Origin: "ikrar.deliserdangkab.go.id/ikrar", Size: 1234, Root: "5289JXXpihIhLyjXlZ205ylb4lquAzTmpSAni5Mfyto=",
			Witnesses: []string{"ikrar.bantulkab.go.id/witness", "ikrar.slemankab.go.id/witness"}}}
	var buf bytes.Buffer
	if err := report.WriteBeritaAcaraPDF(&buf, b); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(pdftest.Text(t, buf.Bytes()), ": ", ":")
	for _, want := range []string{"Nama log :ikrar.deliserdangkab.go.id/ikrar", "Ukuran log :1234",
		"Akar pohon :5289JXXpihIhLyjXlZ205ylb4lquAzTmpSAni5Mfyto=",
		"Saksi :ikrar.bantulkab.go.id/witness, ikrar.slemankab.go.id/witness",
		"Catatan terakhir acara ini belum dicakup checkpoint yang ditandatangani."} {
		if !strings.Contains(text, want) {
			t.Errorf("Berita Acara does not show %q:\n%s", want, text)
		}
	}
}
