package ink

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pngtest"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// referenceBox is the bounding box of the pixels darker than inkLevel.
func referenceBox(g *image.Gray) image.Rectangle {
	var box image.Rectangle
	for y := g.Rect.Min.Y; y < g.Rect.Max.Y; y++ {
		for x := g.Rect.Min.X; x < g.Rect.Max.X; x++ {
			if g.GrayAt(x, y).Y < inkLevel {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}

func mustNormalize(t *testing.T, b []byte) *image.Gray {
	t.Helper()
	ink, err := NormalizePNG(b)
	if err != nil {
		t.Fatal(err)
	}
	if ink.Kind != registry.InkPNG || ink.Strokes != nil || ink.Typed != "" {
		t.Fatalf("ink = %+v, want only a PNG", ink)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(ink.PNG))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ColorModel != color.GrayModel {
		t.Fatalf("colour model %v, want 8-bit gray", cfg.ColorModel)
	}
	m, err := png.Decode(bytes.NewReader(ink.PNG))
	if err != nil {
		t.Fatal(err)
	}
	return m.(*image.Gray)
}

func TestNormalizePNGPhoneCanvas(t *testing.T) {
	canvas := sampleCanvas()
	in := pngtest.Encode(t, canvas)
	out, err := NormalizePNG(in)
	if err != nil {
		t.Fatal(err)
	}
	got := mustNormalize(t, in)
	t.Logf("%d-byte 600×200 RGBA PNG → %d-byte %v gray PNG", len(in), len(out.PNG), got.Rect.Size())

	if len(out.PNG) >= len(in) {
		t.Errorf("output is %d bytes, input %d: want smaller", len(out.PNG), len(in))
	}
	ref := pngtest.ReferenceGray(canvas)
	box := referenceBox(ref)
	crop := box.Inset(-cropMargin).Intersect(ref.Rect)
	if got.Rect.Size() != crop.Size() {
		t.Fatalf("output is %v, want the ink's box plus the margin, %v", got.Rect.Size(), crop.Size())
	}
	if crop.Dx() >= 600 || crop.Dy() >= 200 {
		t.Fatalf("output %v is not cropped", crop.Size())
	}
	var dark, white int
	for y := range crop.Dy() {
		for x := range crop.Dx() {
			v := got.GrayAt(x, y).Y
			sx, sy := crop.Min.X+x, crop.Min.Y+y
			if w := ref.GrayAt(sx, sy).Y; int(v)-int(w) > 1 || int(w)-int(v) > 1 {
				t.Fatalf("pixel (%d,%d) = %d, draw.Draw gives %d", sx, sy, v, w)
			}
			switch a := canvas.NRGBAAt(sx, sy).A; {
			case a == 0xff:
				dark++
				if v > 0x40 {
					t.Fatalf("pixel (%d,%d) under full ink is %d, want dark", sx, sy, v)
				}
			case a == 0:
				white++
				if v != 0xff {
					t.Fatalf("pixel (%d,%d) with no ink is %d, want white", sx, sy, v)
				}
			}
		}
	}
	if dark < 1000 || white < 1000 {
		t.Fatalf("checked %d inked and %d blank pixels; the drawing is not what the test means", dark, white)
	}
}

// Every image type png.Decode can return gives the same pixels as the
// generic path.
func TestNormalizePNGImageTypes(t *testing.T) {
	canvas := sampleCanvas()
	r := canvas.Rect
	opaque := image.NewRGBA(r)
	draw.Draw(opaque, r, image.White, image.Point{}, draw.Src)
	draw.Draw(opaque, r, canvas, image.Point{}, draw.Over)
	gray := image.NewGray(r)
	draw.Draw(gray, r, opaque, image.Point{}, draw.Src)
	pal := make(color.Palette, 16)
	for i := range pal {
		pal[i] = color.NRGBA{R: 0x10, G: 0x18, B: 0x30, A: uint8(i * 17)}
	}
	paletted := image.NewPaletted(r, pal)
	draw.Draw(paletted, r, canvas, image.Point{}, draw.Src)
	deep := image.NewNRGBA64(r)
	draw.Draw(deep, r, canvas, image.Point{}, draw.Src)
	grayAlpha := image.NewNRGBA(r) // gray with alpha decodes as NRGBA
	for i := 0; i < len(canvas.Pix); i += 4 {
		copy(grayAlpha.Pix[i:i+4], []byte{0x30, 0x30, 0x30, canvas.Pix[i+3]})
	}

	tests := []struct {
		name string
		img  image.Image
		want string // the type png.Decode returns
	}{
		{"transparent RGBA", canvas, "*image.NRGBA"},
		{"opaque RGB", opaque, "*image.RGBA"},
		{"gray", gray, "*image.Gray"},
		{"paletted with transparency", paletted, "*image.Paletted"},
		{"16-bit RGBA", deep, "*image.NRGBA64"},
		{"gray with alpha", grayAlpha, "*image.NRGBA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := pngtest.Encode(t, tt.img)
			decoded, err := png.Decode(bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			if got := typeName(decoded); got != tt.want {
				t.Fatalf("png.Decode returned %s, want %s: the case does not test what it says", got, tt.want)
			}
			ref := pngtest.ReferenceGray(decoded)
			crop := referenceBox(ref).Inset(-cropMargin).Intersect(ref.Rect)
			got := mustNormalize(t, in)
			if got.Rect.Size() != crop.Size() {
				t.Fatalf("output is %v, want %v", got.Rect.Size(), crop.Size())
			}
			for y := range crop.Dy() {
				for x := range crop.Dx() {
					v, w := got.GrayAt(x, y).Y, ref.GrayAt(crop.Min.X+x, crop.Min.Y+y).Y
					if int(v)-int(w) > 1 || int(w)-int(v) > 1 {
						t.Fatalf("pixel (%d,%d) = %d, draw.Draw gives %d", crop.Min.X+x, crop.Min.Y+y, v, w)
					}
				}
			}
		})
	}
}

func typeName(m image.Image) string {
	switch m.(type) {
	case *image.NRGBA:
		return "*image.NRGBA"
	case *image.RGBA:
		return "*image.RGBA"
	case *image.Gray:
		return "*image.Gray"
	case *image.Paletted:
		return "*image.Paletted"
	case *image.NRGBA64:
		return "*image.NRGBA64"
	}
	return "other"
}

func TestNormalizePNGIsDeterministic(t *testing.T) {
	in := pngtest.Encode(t, sampleCanvas())
	first, err := NormalizePNG(in)
	if err != nil {
		t.Fatal(err)
	}
	// Concurrently, so pooled buffers are shared and reused.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 10 {
				again, err := NormalizePNG(in)
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(again.PNG, first.PNG) {
					t.Error("same input, different output")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNormalizePNGRejects(t *testing.T) {
	canvas := pngtest.Encode(t, sampleCanvas())
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, sampleCanvas(), nil); err != nil {
		t.Fatal(err)
	}
	dot := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	draw.Draw(dot, image.Rect(300, 100, 308, 108), image.Black, image.Point{}, draw.Src)
	line := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	draw.Draw(line, image.Rect(100, 100, 400, 104), image.Black, image.Point{}, draw.Src)
	speck := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	draw.Draw(speck, image.Rect(300, 100, 305, 105), image.Black, image.Point{}, draw.Src)
	// Light gray smudges below the ink level do not count as ink.
	faint := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	draw.Draw(faint, image.Rect(100, 50, 500, 150), &image.Uniform{color.NRGBA{A: 40}}, image.Point{}, draw.Src)

	tests := []struct {
		name    string
		b       []byte
		message string
	}{
		{"over 256 KiB", append(append([]byte{}, pngMagic...), make([]byte, maxPNGBytes)...), msgImageLarge},
		{"empty", nil, msgNotPNG},
		{"a JPEG", jpg.Bytes(), msgNotPNG},
		{"text", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), msgNotPNG},
		{"truncated", canvas[:len(canvas)/2], "rusak"},
		{"header only", canvas[:33], "rusak"},
		{"bad checksum", append(pngtest.WithHeader(600, 200, nil)[:29], 0, 0, 0, 0), "rusak"},
		{"100000×100000", pngtest.WithHeader(100000, 100000, nil), "Ukuran"},
		{"too wide", pngtest.Encode(t, image.NewGray(image.Rect(0, 0, 2001, 200))), "Ukuran"},
		{"too tall", pngtest.Encode(t, image.NewGray(image.Rect(0, 0, 600, 1001))), "Ukuran"},
		{"too narrow", pngtest.Encode(t, image.NewGray(image.Rect(0, 0, 49, 200))), "Ukuran"},
		{"too short", pngtest.Encode(t, image.NewGray(image.Rect(0, 0, 600, 19))), "Ukuran"},
		{"blank transparent canvas", pngtest.Encode(t, image.NewNRGBA(image.Rect(0, 0, 600, 200))), msgBlank},
		{"a speck", pngtest.Encode(t, speck), msgBlank},
		{"a faint smudge", pngtest.Encode(t, faint), msgBlank},
		{"a dot", pngtest.Encode(t, dot), msgTooSimple},
		{"a flat line", pngtest.Encode(t, line), msgTooSimple},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NormalizePNG(tt.b)
			mustReject(t, err, tt.message)
		})
	}
}

// A header claiming a huge image is rejected from the header alone: no
// 40 GB decode, no allocation beyond the header's.
func TestNormalizePNGHugeHeaderAllocatesLittle(t *testing.T) {
	// Valid image data after the header, so only the bound stops it.
	b := pngtest.WithHeader(100000, 100000, pngtest.Encode(t, image.NewNRGBA(image.Rect(0, 0, 600, 200)))[33:])
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 100 {
		if _, err := NormalizePNG(b); !registry.IsCode(err, registry.EBADINK) {
			t.Fatalf("err = %v, want code %s", err, registry.EBADINK)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / 100; per > 16<<10 {
		t.Fatalf("rejecting the header allocated %d bytes per call", per)
	}
}

func TestDecodeBase64PNG(t *testing.T) {
	png := pngtest.Encode(t, sampleCanvas())
	std := base64.StdEncoding.EncodeToString(png)
	url := base64.URLEncoding.EncodeToString(png)
	wrapped := ""
	for s := std; s != ""; s = s[min(76, len(s)):] {
		wrapped += s[:min(76, len(s))] + "\r\n"
	}
	tests := []struct {
		name    string
		s       string
		message string // when rejected
	}{
		{name: "standard alphabet", s: std},
		{name: "standard, unpadded", s: base64.RawStdEncoding.EncodeToString(png)},
		{name: "URL alphabet", s: url},
		{name: "URL alphabet, unpadded", s: base64.RawURLEncoding.EncodeToString(png)},
		{name: "data URL", s: "data:image/png;base64," + std},
		{name: "data URL in capitals", s: "DATA:IMAGE/PNG;BASE64," + std},
		{name: "wrapped lines and surrounding space", s: "  " + wrapped + "\n"},

		{name: "JPEG data URL", s: "data:image/jpeg;base64," + std, message: msgNotPNG},
		{name: "data URL without base64", s: "data:image/png," + std, message: msgNotPNG},
		{name: "not base64", s: "iVBORw0KGgo*AAA", message: "base64"},
		{name: "both alphabets", s: "iVBORw0K+Ggo_AAA", message: "base64"},
		{name: "too long to decode", s: strings.Repeat("A", maxBase64Len+1), message: msgImageLarge},
		{name: "decodes to over 256 KiB", s: base64.StdEncoding.EncodeToString(make([]byte, maxPNGBytes+1)), message: msgImageLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := DecodeBase64PNG(tt.s)
			if tt.message != "" {
				mustReject(t, err, tt.message)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, png) {
				t.Fatal("decoded bytes differ from the PNG")
			}
		})
	}
}

// BenchmarkNormalizePNG times a phone canvas's signature, a 600×200 RGBA
// PNG of anti-aliased strokes on transparency, through NormalizePNG (the
// fast decoder) and through the png.Decode path it replaces.
func BenchmarkNormalizePNG(b *testing.B) {
	in := pngtest.Encode(b, sampleCanvas())
	for _, bm := range []struct {
		name      string
		normalize func([]byte) (registry.Ink, error)
	}{
		{"fast", NormalizePNG},
		{"generic", normalizeGeneric},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bm.normalize(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNormalizePNGDrawDraw is the path NormalizePNG avoids: decode,
// flatten with the generic draw.Draw, encode the whole image as gray.
func BenchmarkNormalizePNGDrawDraw(b *testing.B) {
	in := pngtest.Encode(b, sampleCanvas())
	b.ReportAllocs()
	for b.Loop() {
		m, err := png.Decode(bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := png.Encode(&out, pngtest.ReferenceGray(m)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePNG(b *testing.B) {
	in := pngtest.Encode(b, sampleCanvas())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := png.Decode(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

// encodeGray writes what compress/zlib would have.
func TestEncodeGrayZlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	m := image.NewGray(image.Rect(0, 0, 700, 300))
	for i := range m.Pix {
		m.Pix[i] = 0xff
		if rng.IntN(20) == 0 {
			m.Pix[i] = byte(rng.IntN(256))
		}
	}
	for _, r := range []image.Rectangle{m.Rect, image.Rect(3, 5, 660, 290), image.Rect(10, 10, 11, 11)} {
		sub := m.SubImage(r).(*image.Gray)
		got, err := encodeGray(sub)
		if err != nil {
			t.Fatal(err)
		}
		var z bytes.Buffer
		zw, err := zlib.NewWriterLevel(&z, zlib.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			zw.Write([]byte{0})
			zw.Write(sub.Pix[sub.PixOffset(r.Min.X, y):sub.PixOffset(r.Max.X, y)])
		}
		zw.Close()
		// IHDR is the first chunk (8+13+4 bytes after the signature),
		// the one IDAT the second.
		idat := got[len(pngMagic)+25:]
		idat = idat[8 : 8+binary.BigEndian.Uint32(idat)]
		if !bytes.Equal(idat, z.Bytes()) {
			t.Fatalf("%v: the image data is not what compress/zlib writes", r)
		}
		back, err := png.Decode(bytes.NewReader(got))
		if err != nil {
			t.Fatal(err)
		}
		for y := range r.Dy() {
			for x := range r.Dx() {
				if a, b := back.(*image.Gray).GrayAt(x, y), sub.GrayAt(r.Min.X+x, r.Min.Y+y); a != b {
					t.Fatalf("%v: pixel (%d,%d) = %v, want %v", r, x, y, a, b)
				}
			}
		}
	}
}

// inkBounds, eight pixels at a time, finds what a pixel at a time does.
func TestInkBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for i := range 200 {
		w, h := 1+rng.IntN(40), 1+rng.IntN(10)
		m := image.NewGray(image.Rect(0, 0, w, h))
		for j := range m.Pix {
			m.Pix[j] = 0xff
			switch rng.IntN(10) {
			case 0:
				m.Pix[j] = byte(rng.IntN(256))
			case 1:
				m.Pix[j] = inkLevel - 1
			case 2:
				m.Pix[j] = inkLevel
			}
		}
		ink := inkBounds(m)
		var wantN int
		for _, v := range m.Pix {
			if v < inkLevel {
				wantN++
			}
		}
		if want := referenceBox(m); ink.box != want || ink.n != wantN {
			t.Fatalf("image %d: box %v and %d pixels of ink, want %v and %d", i, ink.box, ink.n, want, wantN)
		}
	}
}

// sameOutcome fails t unless NormalizePNG gives b what the png.Decode path
// gives: the same PNG, or the same rejection.
func sameOutcome(t *testing.T, b []byte) (registry.Ink, error) {
	t.Helper()
	got, err := NormalizePNG(b)
	want, wantErr := normalizeGeneric(b)
	switch {
	case err != nil && wantErr != nil:
		if registry.ErrorCode(err) != registry.ErrorCode(wantErr) ||
			registry.ErrorMessage(err) != registry.ErrorMessage(wantErr) {
			t.Fatalf("NormalizePNG: %v; png.Decode path: %v", err, wantErr)
		}
	case err != nil || wantErr != nil:
		t.Fatalf("NormalizePNG: %v; png.Decode path: %v", err, wantErr)
	case !bytes.Equal(got.PNG, want.PNG) || got.Kind != want.Kind:
		t.Fatal("NormalizePNG and the png.Decode path give different PNGs")
	}
	return got, err
}

// Whatever the pools hand back from earlier calls, under -race too (where
// they drop a share of it), NormalizePNG gives every image its own result:
// signatures decoded by turns and at once come out as each does alone.
func TestNormalizePNGPoolsKeepNothing(t *testing.T) {
	small := sampleCanvas().SubImage(image.Rect(0, 0, 300, 100))
	inputs := [][]byte{pngtest.Encode(t, sampleCanvas()), pngtest.Encode(t, small), pngtest.Encode(t, pngtest.ReferenceGray(sampleCanvas()))}
	want := make([][]byte, len(inputs))
	for i, b := range inputs {
		in, err := normalizeGeneric(b)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = in.PNG
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for k := range 9 {
				i := (g + k) % len(inputs)
				in, err := NormalizePNG(inputs[i])
				if err == nil && !bytes.Equal(in.PNG, want[i]) {
					err = fmt.Errorf("input %d, call %d: a different PNG from the one it gives alone", i, k)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzNormalizePNG holds NormalizePNG to the png.Decode path on any input,
// message for message; FuzzDecode (fastpng) holds the decoder itself to
// png.Decode.
func FuzzNormalizePNG(f *testing.F) {
	f.Add(pngtest.Encode(f, sampleCanvas()))
	f.Add(pngtest.Encode(f, pngtest.ReferenceGray(sampleCanvas())))
	f.Add(pngtest.WithHeader(100000, 100000, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		sameOutcome(t, b)
	})
}
