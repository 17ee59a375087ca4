package certificate

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pdftest"
)

// TestQRImage: the event's QR for a screen has whole pixels a module, the
// quiet zone light all round, every module drawn as its symbol has it, and
// it reads back as its text once through PNG, also at one pixel a module,
// the scale at which rsc.io/qr's own PNG writer panics.
func TestQRImage(t *testing.T) {
	const text = "https://ikrar.example.go.id/e/apel-netralitas-2024"
	code, err := qrCode(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ width, scale int }{{512, 512 / (code.Size + 2*qrQuiet)}, {1, 1}} {
		pic, err := QRImage(text, tc.width)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, pic); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		side := (code.Size + 2*qrQuiet) * tc.scale
		if b := img.Bounds(); b.Dx() != side || b.Dy() != side {
			t.Fatalf("width %d: image is %v, want %d pixels square", tc.width, b, side)
		}
		for py := range side {
			for px := range side {
				r, _, _, _ := img.At(px, py).RGBA()
				if dark, want := r == 0, code.Black(px/tc.scale-qrQuiet, py/tc.scale-qrQuiet); dark != want {
					t.Fatalf("width %d: pixel (%d, %d) dark %v, module dark %v", tc.width, px, py, dark, want)
				}
			}
		}
		if tc.scale == 1 {
			continue // too small for a finder-pattern search; the modules were checked
		}
		if got := pdftest.DecodeQR(t, img); got != text {
			t.Errorf("width %d: QR reads %q, want %q", tc.width, got, text)
		}
	}
}
