package report_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

// TestBeritaAcaraWitnessesPDFA: each witness gets a signature block
// (institution, position, name), and the file is PDF/A-2b as a signing
// service checks it: the pdfaid XMP, an sRGB output intent with its ICC
// profile embedded, every font embedded, a file identifier, and it parses
// in pdfcpu's strict mode.
func TestBeritaAcaraWitnessesPDFA(t *testing.T) {
	b := report.BeritaAcara{
		EventHeader: header(), Pledge: registry.DefaultPledge(), Place: "Aula Cendana", Date: t0.In(registry.LoadLocation("Asia/Jakarta")),
		Units: units, Generated: t0.Add(6 * time.Hour),
		Witnesses: []registry.Witness{
			{Name: "Rina Marpaung, S.Sos.", Position: "Ketua", Institution: "Bawaslu Kabupaten Deli Serdang"},
			{Name: "Ir. Bonar Sitompul", Position: "Anggota Divisi Teknis", Institution: "KPU Kabupaten Deli Serdang"},
			{Name: "Letkol Inf. Agus Salim", Position: "Dandim 0204", Institution: "Forkopimda"},
		},
	}
	var buf bytes.Buffer
	if err := report.WriteBeritaAcaraPDF(&buf, b); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	text := pdftest.Text(t, pdf)
	for _, want := range []string{"Saksi-saksi", "Bawaslu Kabupaten Deli Serdang", "Ketua", "Rina Marpaung, S.Sos.",
		"KPU Kabupaten Deli Serdang", "Anggota Divisi Teknis", "Ir. Bonar Sitompul", "Forkopimda", "Dandim 0204", "Letkol Inf. Agus Salim"} {
		if !strings.Contains(text, want) {
			t.Errorf("Berita Acara does not show witness text %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "Saksi-saksi") < strings.Index(text, "Demikian Berita Acara") {
		t.Error("the witnesses' blocks come before the closing sentence")
	}

	for _, want := range []string{"<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>", "/Type /Metadata /Subtype /XML",
		"/S /GTS_PDFA1", "/ID [<"} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("the PDF does not carry %q", want)
		}
	}

	api.DisableConfigDir()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	if err := api.Validate(bytes.NewReader(pdf), conf); err != nil {
		t.Fatalf("pdfcpu strict: %v", err)
	}
	ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		t.Fatal(err)
	}
	root, err := ctx.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	intents, err := ctx.DereferenceArray(root["OutputIntents"])
	if err != nil || len(intents) != 1 {
		t.Fatalf("output intents %v (%v), want one", intents, err)
	}
	oi, err := ctx.DereferenceDict(intents[0])
	if err != nil {
		t.Fatal(err)
	}
	profile, _, err := ctx.DereferenceStreamDict(oi["DestOutputProfile"])
	if err != nil || profile == nil {
		t.Fatalf("output intent without an ICC profile: %v", err)
	}
	if err := profile.Decode(); err != nil {
		t.Fatal(err)
	}
	if n := profile.IntEntry("N"); n == nil || *n != 3 || len(profile.Content) < 128 || string(profile.Content[36:40]) != "acsp" {
		t.Errorf("the output intent's profile is not an embedded RGB ICC profile (N %v, %d bytes)", n, len(profile.Content))
	}
	if s, ok := oi["S"].(types.Name); !ok || s != "GTS_PDFA1" {
		t.Errorf("output intent subtype %v", oi["S"])
	}

	tool := pdftest.NeedTool(t, "pdffonts")
	file := filepath.Join(t.TempDir(), "berita-acara.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", out)
	}
	for _, l := range lines[2:] {
		// name type encoding emb sub uni object ID: emb is the fourth
		// column from the right.
		f := strings.Fields(l)
		if len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
}
