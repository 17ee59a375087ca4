package certificate

import (
	"bytes"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestRenderValidPDF checks the files against the PDF specification with
// pdfcpu in strict mode, which is pickier than any viewer.
func TestRenderValidPDF(t *testing.T) {
	r := mustRenderer(t)
	api.DisableConfigDir() // else pdfcpu writes ~/.config/pdfcpu
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationStrict
	for _, kind := range []registry.InkKind{registry.InkStrokes, registry.InkPNG, registry.InkTyped} {
		t.Run(string(kind), func(t *testing.T) {
			pdf := mustRender(t, r, testCertificate(t, kind))
			if err := api.Validate(bytes.NewReader(pdf), conf); err != nil {
				t.Errorf("pdfcpu: %v", err)
			}
			// The validator must be able to say no.
			if err := api.Validate(bytes.NewReader(pdf[:len(pdf)*2/3]), conf); err == nil {
				t.Error("pdfcpu accepts a truncated PDF")
			}
		})
	}
}
