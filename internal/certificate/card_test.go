package certificate

import (
	"bytes"
	"image/color"
	"image/png"
	"testing"
)

func TestRenderCard(t *testing.T) {
	for _, tc := range []struct {
		tone    Tone
		verdict string
		r, g, b uint32
	}{
		{ToneValid, "SAH", 0x15, 0x80, 0x3d},
		{ToneRevoked, "DICABUT", 0xb9, 0x1c, 0x1c},
		{ToneInvalid, "TIDAK SAH", 0x7f, 0x1d, 0x1d},
	} {
		b, err := RenderCard(Card{Tone: tc.tone, Verdict: tc.verdict,
			Event: "Apel Ikrar Netralitas ASN Pemilihan Kepala Daerah Serentak Tahun 2024 di Lingkungan Pemerintah Kabupaten Contoh yang Sangat Panjang",
			Org:   "Pemerintah Kabupaten Contoh", Name: "B*** S***", Date: "Rabu, 23 Oktober 2024", Site: "ikrar.example", Code: "K7M4-QX2P-9ABC"})
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: not a PNG: %v", tc.verdict, err)
		}
		if sz := img.Bounds().Size(); sz.X != CardWidth || sz.Y != CardHeight {
			t.Fatalf("%s: size %v", tc.verdict, sz)
		}
		r, g, bl, _ := img.At(CardWidth-3, 3).RGBA()
		if r>>8 != tc.r || g>>8 != tc.g || bl>>8 != tc.b {
			t.Errorf("%s: band colour %02x%02x%02x", tc.verdict, r>>8, g>>8, bl>>8)
		}
		// Text was drawn: the band holds white verdict letters, the body dark text.
		if !hasColor(img, 0, 0, CardWidth, 84, 0xff, 0xff, 0xff) {
			t.Errorf("%s: no verdict word in the band", tc.verdict)
		}
		if len(b) > 60<<10 {
			t.Errorf("%s: card is %d bytes", tc.verdict, len(b))
		}
	}
}

func hasColor(img interface {
	At(x, y int) color.Color
}, x0, y0, x1, y1 int, r, g, b uint32) bool {
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr>>8 == r && cg>>8 == g && cb>>8 == b {
				return true
			}
		}
	}
	return false
}
