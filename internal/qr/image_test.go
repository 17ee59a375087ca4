package qr

import (
	"bytes"
	"image/png"
	"testing"
)

// TestImage: the drawn symbol has the quiet zone light all round and each
// module drawn as a full square of its colour, and it survives PNG.
func TestImage(t *testing.T) {
	code, err := Encode("https://ikrar.example.go.id/e/apel-netralitas-2024", M)
	if err != nil {
		t.Fatal(err)
	}
	const scale = 5
	var buf bytes.Buffer
	if err := png.Encode(&buf, code.Image(scale)); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	side := (code.Size() + 2*QuietZone) * scale
	if b := img.Bounds(); b.Dx() != side || b.Dy() != side {
		t.Fatalf("image is %v, want %d pixels square", b, side)
	}
	for py := range side {
		for px := range side {
			r, _, _, _ := img.At(px, py).RGBA()
			dark := r == 0
			if want := code.Dark(px/scale-QuietZone, py/scale-QuietZone); dark != want {
				t.Fatalf("pixel (%d, %d) dark %v, module dark %v", px, py, dark, want)
			}
		}
	}
	if w := code.Image(0).Bounds().Dx(); w != code.Size()+2*QuietZone {
		t.Errorf("scale 0 gives %d pixels, want one per module", w)
	}
}
