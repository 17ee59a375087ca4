package fastpng

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"testing"
)

// testLimits are the sizes the ink package accepts.
var testLimits = Limits{MinWidth: 50, MaxWidth: 2000, MinHeight: 20, MaxHeight: 1000}

// msgCorrupt marks a test case that must be rejected.
const msgCorrupt = "rejected"

func appendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// referenceGray flattens m onto white the slow, obviously right way: the
// generic draw.Draw and color.GrayModel.
func referenceGray(m image.Image) *image.Gray {
	r := m.Bounds()
	white := image.NewRGBA(r)
	draw.Draw(white, r, image.White, image.Point{}, draw.Src)
	draw.Draw(white, r, m, r.Min, draw.Over)
	g := image.NewGray(r)
	draw.Draw(g, r, white, r.Min, draw.Src)
	return g
}

// sampleCanvas is a signature as a phone's canvas exports it at
// devicePixelRatio 2: 600×200, transparent, dark anti-aliased loops whose
// edges are partly transparent.
func sampleCanvas() *image.NRGBA {
	const radius = 1.5
	m := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	ink := color.NRGBA{R: 0x10, G: 0x18, B: 0x30}
	point := func(s float64) (float64, float64) {
		a := 5 * 2 * math.Pi * s
		return 2 * (20 + 200*s + 14*math.Cos(a)), 2 * (55 - 28*math.Sin(a)*(0.6+0.4*math.Sin(math.Pi*s)))
	}
	const n = 300
	for i := 1; i < n; i++ {
		ax, ay := point(float64(i-1) / (n - 1))
		bx, by := point(float64(i) / (n - 1))
		for y := int(math.Min(ay, by) - radius - 1); y < int(math.Max(ay, by)+radius+2); y++ {
			for x := int(math.Min(ax, bx) - radius - 1); x < int(math.Max(ax, bx)+radius+2); x++ {
				dx, dy := bx-ax, by-ay
				px, py := float64(x)+0.5, float64(y)+0.5
				s := 0.0
				if l := dx*dx + dy*dy; l > 0 {
					s = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l))
				}
				d := math.Hypot(px-(ax+s*dx), py-(ay+s*dy))
				a := uint8(math.Round(math.Min(1, math.Max(0, radius+0.5-d)) * 255))
				if !(image.Point{x, y}.In(m.Rect)) || a <= m.NRGBAAt(x, y).A {
					continue
				}
				c := ink
				c.A = a
				m.SetNRGBA(x, y, c)
			}
		}
	}
	return m
}

func mustPNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngWithHeader is an RGBA PNG header of w×h followed by rest.
func pngWithHeader(w, h uint32, rest []byte) []byte {
	ihdr := make([]byte, 0, 17)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit, RGBA, deflate, no filter, no interlace
	b := append([]byte{}, pngMagic...)
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
	return append(b, rest...)
}
