package report_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

func mustKop(t *testing.T) *certificate.Kop {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 140))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	img.SetNRGBA(60, 70, color.NRGBA{R: 10, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	logo, err := certificate.NormalizeLogo(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return &certificate.Kop{Logo: logo, Parent: "Pemerintah Kabupaten Deli Serdang", Name: "Badan Kepegawaian Daerah"}
}

// aboveTitle is the PDF's text before the document's title.
func aboveTitle(t *testing.T, pdf []byte, title string) string {
	t.Helper()
	text := pdftest.PageText(t, pdf, 1)
	before, _, ok := strings.Cut(text, title)
	if !ok {
		t.Fatalf("PDF lacks its title %q:\n%s", title, text)
	}
	return strings.Join(strings.Fields(before), " ")
}

func checkKop(t *testing.T, pdf []byte, title string) {
	t.Helper()
	top := aboveTitle(t, pdf, title)
	for _, w := range []string{"PEMERINTAH KABUPATEN DELI SERDANG", "BADAN KEPEGAWAIAN DAERAH"} {
		if !strings.Contains(top, w) {
			t.Errorf("the letterhead above the title lacks %q; above it: %q", w, top)
		}
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("the letterhead's logo is not in the PDF as an image")
	}
}

func TestBeritaAcaraKopAndNIP(t *testing.T) {
	h := header()
	h.Kop = mustKop(t)
	h.Event.OfficialNIP = "197405052001081005"
	b := report.BeritaAcara{EventHeader: h, Pledge: registry.DefaultPledge(), Place: "Aula Cendana", Date: t0,
		Units: units, Generated: t0}
	var buf bytes.Buffer
	if err := report.WriteBeritaAcaraPDF(&buf, b); err != nil {
		t.Fatal(err)
	}
	checkKop(t, buf.Bytes(), "BERITA ACARA DEKLARASI")
	text := pdftest.Text(t, buf.Bytes())
	if !strings.Contains(text, "NIP 19740505 200108 1 005") {
		t.Errorf("the official's NIP is not under the name:\n%s", text)
	}

	// Officials entered on the form carry their own NIP, or none.
	b.Officials = []report.Official{{Name: "Drs. H. Ahmad Fauzi, M.Si.", Position: "Sekretaris Daerah", NIP: "197405052001081005"},
		{Name: "Rina Marpaung", Position: "Ketua Bawaslu"}}
	buf.Reset()
	if err := report.WriteBeritaAcaraPDF(&buf, b); err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, buf.Bytes()); strings.Count(text, "NIP ") != 1 {
		t.Errorf("want one NIP line, for the official who has one:\n%s", text)
	}
}

func TestRecapKop(t *testing.T) {
	h := header()
	h.Kop = mustKop(t)
	var buf bytes.Buffer
	if err := report.WriteRecapPDF(&buf, report.Recap{EventHeader: h, Units: units, Generated: t0}); err != nil {
		t.Fatal(err)
	}
	checkKop(t, buf.Bytes(), "REKAPITULASI PENANDATANGANAN")
}
