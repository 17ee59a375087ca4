package certificate

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image/png"
	"strconv"
	"testing"

	"rsc.io/qr/coding"

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

// TestQRMaskChosenByPenalty: every symbol ikrar draws carries the mask the
// specification's penalty rates best, not always mask 0 as rsc.io/qr's
// Encode leaves it. Personal links (random tokens) are encoded, each with
// all eight masks: none scores below the chosen one, the chosen one is not
// always the same, and each symbol reads back with zbar at a few pixels a
// module.
func TestQRMaskChosenByPenalty(t *testing.T) {
	masks := map[int]bool{}
	for i := range 24 {
		text := fmt.Sprintf("https://ikrar.example.go.id/e/apel-netralitas-2024/p/%s.%d.%x", strconv.FormatInt(int64(1000+i*7919), 36), i%3, sha256.Sum256([]byte{byte(i)}))
		code, err := qrCode(text)
		if err != nil {
			t.Fatal(err)
		}
		chosen := -1
		best := 1 << 30
		for m := range coding.Mask(8) {
			p, err := coding.NewPlan(coding.Version(code.Size-17)/4, coding.M, m)
			if err != nil {
				t.Fatal(err)
			}
			enc := coding.String(text)
			c, err := p.Encode(enc)
			if err != nil {
				t.Fatal(err)
			}
			score := qrPenalty(c)
			if score < best {
				best = score
			}
			if bytes.Equal(c.Bitmap, code.Bitmap) {
				chosen = int(m)
			}
		}
		if chosen < 0 {
			t.Fatalf("%s: the symbol is none of the eight masks' encodings", text)
		}
		if got := qrPenalty(&coding.Code{Bitmap: code.Bitmap, Size: code.Size, Stride: code.Stride}); got != best {
			t.Errorf("%s: mask %d scores %d, the best mask %d", text, chosen, got, best)
		}
		masks[chosen] = true
		pic, err := QRImage(text, 3*(code.Size+2*qrQuiet))
		if err != nil {
			t.Fatal(err)
		}
		if got := pdftest.DecodeQR(t, pic); got != text {
			t.Errorf("QR of %s reads back as %q", text, got)
		}
	}
	if len(masks) < 2 {
		t.Errorf("24 links all took mask %v: the mask is not being chosen", masks)
	}
}
