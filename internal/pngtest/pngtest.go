// Package pngtest makes the PNGs the signature tests feed to decoders: a
// phone canvas's export, hand-built headers and chunks, and the slow,
// obviously right flattening onto white that fast decoders are held to.
// Only tests import it.
package pngtest

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

// Signature is the eight bytes every PNG starts with.
const Signature = "\x89PNG\r\n\x1a\n"

// Point is a point of a stroke, in the canvas's pixels.
type Point struct{ X, Y float64 }

// Canvas draws strokes as a phone's canvas exports them: w×h,
// transparent, dark ink of the given radius, anti-aliased, so that the
// edges are partly transparent.
func Canvas(w, h int, radius float64, strokes ...[]Point) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	ink := color.NRGBA{R: 0x10, G: 0x18, B: 0x30}
	for _, s := range strokes {
		for i := 1; i < len(s); i++ {
			a, b := s[i-1], s[i]
			x0, x1 := int(math.Min(a.X, b.X)-radius-1), int(math.Max(a.X, b.X)+radius+2)
			y0, y1 := int(math.Min(a.Y, b.Y)-radius-1), int(math.Max(a.Y, b.Y)+radius+2)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					d := segmentDistance(Point{float64(x) + 0.5, float64(y) + 0.5}, a, b)
					cover := uint8(math.Round(math.Min(1, math.Max(0, radius+0.5-d)) * 255))
					if !(image.Point{x, y}.In(m.Rect)) || cover <= m.NRGBAAt(x, y).A {
						continue
					}
					c := ink
					c.A = cover
					m.SetNRGBA(x, y, c)
				}
			}
		}
	}
	return m
}

// segmentDistance is the distance from p to the segment ab.
func segmentDistance(p, a, b Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	s := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		s = math.Max(0, math.Min(1, ((p.X-a.X)*dx+(p.Y-a.Y)*dy)/l))
	}
	return math.Hypot(p.X-(a.X+s*dx), p.Y-(a.Y+s*dy))
}

// ReferenceGray flattens m onto white the slow, obviously right way: the
// generic draw.Draw and color.GrayModel.
func ReferenceGray(m image.Image) *image.Gray {
	r := m.Bounds()
	white := image.NewRGBA(r)
	draw.Draw(white, r, image.White, image.Point{}, draw.Src)
	draw.Draw(white, r, m, r.Min, draw.Over)
	g := image.NewGray(r)
	draw.Draw(g, r, white, r.Min, draw.Src)
	return g
}

// Encode is m as image/png writes it.
func Encode(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// AppendChunk appends a chunk of type typ with its length and CRC.
func AppendChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// WithHeader is a PNG signature and the IHDR chunk of a w×h 8-bit RGBA
// image, followed by rest.
func WithHeader(w, h uint32, rest []byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit, RGBA, deflate, no filter, no interlace
	return append(AppendChunk([]byte(Signature), "IHDR", ihdr), rest...)
}
