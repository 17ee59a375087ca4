package fastpng

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pngtest"
)

// Decode is held to png.Decode: for every image it decodes, it must give
// what png.Decode and Flatten give, the same pixels or a rejection. The tests make their PNGs with their own
// small encoder, which, unlike png.Encoder, writes whatever colour type,
// depth, filter, chunk split or flaw a test asks for.

// rawPNG describes a PNG for the tests' encoder.
type rawPNG struct {
	w, h      int
	colorType byte
	depth     byte
	interlace bool     // Adam7; 8-bit depths only
	rows      [][]byte // unfiltered samples, packed as PNG packs them
	plte      []byte
	trns      []byte
	filter    int // 0–4 for every row; -1 to cycle through them row by row
	idatSize  int // payload bytes per IDAT chunk; 0 for one chunk
	level     int // zlib compression level
}

// bitsPerPixel is the bits of one pixel of p.
func (p rawPNG) bitsPerPixel() int { return int(p.depth) * channels(p.colorType) }

// encode returns p as a PNG file.
func (p rawPNG) encode(t testing.TB) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, p.level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(p.scanlines()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return p.file(z.Bytes())
}

// file wraps a zlib stream in p's chunks.
func (p rawPNG) file(stream []byte) []byte {
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(p.w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(p.h))
	ihdr[8], ihdr[9] = p.depth, p.colorType
	if p.interlace {
		ihdr[12] = 1
	}
	b := append([]byte{}, pngMagic...)
	b = pngtest.AppendChunk(b, "IHDR", ihdr[:])
	if p.plte != nil {
		b = pngtest.AppendChunk(b, "PLTE", p.plte)
	}
	if p.trns != nil {
		b = pngtest.AppendChunk(b, "tRNS", p.trns)
	}
	size := p.idatSize
	if size <= 0 {
		size = max(len(stream), 1)
	}
	for s := stream; len(s) > 0; s = s[min(size, len(s)):] {
		b = pngtest.AppendChunk(b, "IDAT", s[:min(size, len(s))])
	}
	return pngtest.AppendChunk(b, "IEND", nil)
}

// scanlines returns p's rows filtered, each after its filter type byte,
// pass by pass if p is interlaced.
func (p rawPNG) scanlines() []byte {
	bpp := max(1, p.bitsPerPixel()/8)
	if !p.interlace {
		return filterRows(p.rows, bpp, p.filter, 0)
	}
	var out []byte
	n := 0
	for _, pass := range adam7 {
		var rows [][]byte
		for y := pass.y0; y < p.h; y += pass.dy {
			var row []byte
			for x := pass.x0; x < p.w; x += pass.dx {
				row = append(row, p.rows[y][x*bpp:(x+1)*bpp]...)
			}
			if len(row) > 0 {
				rows = append(rows, row)
			}
		}
		out = append(out, filterRows(rows, bpp, p.filter, n)...)
		n += len(rows)
	}
	return out
}

// adam7 is where each interlacing pass starts and how far it steps.
var adam7 = []struct{ x0, y0, dx, dy int }{
	{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2},
}

// filterRows filters rows with filter ft, or with filter (n+y)%5 for row y
// if ft is -1.
func filterRows(rows [][]byte, bpp, ft, n int) []byte {
	var out []byte
	prev := make([]byte, len(rows[0]))
	for y, row := range rows {
		f := ft
		if f < 0 {
			f = (n + y) % 5
		}
		out = append(out, byte(f))
		out = append(out, filterRow(f, row, prev, bpp)...)
		prev = row
	}
	return out
}

// filterRow applies PNG filter ft to cur, given the row above, the way the
// specification writes it.
func filterRow(ft int, cur, prev []byte, bpp int) []byte {
	out := make([]byte, len(cur))
	for i := range cur {
		var a, c byte
		if i >= bpp {
			a, c = cur[i-bpp], prev[i-bpp]
		}
		b := prev[i]
		switch ft {
		case 0:
			out[i] = cur[i]
		case 1:
			out[i] = cur[i] - a
		case 2:
			out[i] = cur[i] - b
		case 3:
			out[i] = cur[i] - byte((int(a)+int(b))/2)
		case 4:
			out[i] = cur[i] - paethPredictor(a, b, c)
		}
	}
	return out
}

func paethPredictor(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

// pixelKind says what sampleRows puts at (x, y): background (0), a stroke
// of ink (1) or noise (2).
func pixelKind(x, y, w, h int) int {
	if x >= w*3/4 && x < w*3/4+8 && y >= 2 && y < h-2 {
		return 2
	}
	cy := float64(h)/2 + float64(h)/3*math.Sin(float64(x)*2*math.Pi/float64(max(w/2, 1)))
	if math.Abs(float64(y)-cy) < 2.5 || (x >= w/5 && x < w/5+3 && y >= h/4) {
		return 1
	}
	return 0
}

// Background and key colours of the generated images: a mid gray for gray
// images and an orange for RGB ones, which their tRNS chunks, when they
// have one, make transparent.
const (
	grayBackground = 2 // in sixths of the maximum sample
	rgbKeyR        = 200
	rgbKeyG        = 100
	rgbKeyB        = 50
)

// sampleRows makes the rows of a w×h image of colour type ct and depth: a
// sine-wave stroke and a bar of dark ink, a block of random noise, and the
// background, which is transparent where the colour type can say so.
func sampleRows(rng *rand.Rand, ct, depth byte, w, h int) [][]byte {
	ch := channels(ct)
	top := 1<<depth - 1
	rows := make([][]byte, h)
	vals := make([]int, w*ch)
	for y := range h {
		for x := range w {
			v := vals[x*ch : x*ch+ch]
			switch pixelKind(x, y, w, h) {
			case 2:
				for c := range v {
					v[c] = rng.IntN(top + 1)
				}
			case 1:
				inkSample(rng, ct, top, v)
			default:
				backgroundSample(rng, ct, top, v)
			}
		}
		rows[y] = packSamples(vals, int(depth))
	}
	return rows
}

func inkSample(rng *rand.Rand, ct byte, top int, v []int) {
	switch ct {
	case ctRGBA:
		v[0], v[1], v[2], v[3] = 0x10, 0x18, 0x30, 0xff
		if rng.IntN(3) == 0 { // an anti-aliased edge
			v[3] = 1 + rng.IntN(254)
		}
	case ctRGB:
		v[0], v[1], v[2] = rng.IntN(40), rng.IntN(40), rng.IntN(60)
	case ctGrayAlpha:
		v[0], v[1] = rng.IntN(40), 128+rng.IntN(128)
	case ctGray:
		v[0] = rng.IntN(top/4 + 1)
	case ctPaletted:
		v[0] = min(top, 1+rng.IntN(3))
	}
}

func backgroundSample(rng *rand.Rand, ct byte, top int, v []int) {
	switch ct {
	case ctRGBA: // transparent, mostly black, sometimes not
		v[0], v[1], v[2], v[3] = 0, 0, 0, 0
		if rng.IntN(8) == 0 {
			v[0], v[1], v[2] = rng.IntN(256), rng.IntN(256), rng.IntN(256)
		}
	case ctRGB:
		v[0], v[1], v[2] = rgbKeyR, rgbKeyG, rgbKeyB
	case ctGrayAlpha:
		v[0], v[1] = rng.IntN(256), 0
	case ctGray:
		v[0] = top * grayBackground / 6
	case ctPaletted:
		v[0] = 0
	}
}

// packSamples packs sample values of depth bits, high bits first.
func packSamples(vals []int, depth int) []byte {
	b := make([]byte, (len(vals)*depth+7)/8)
	for i, v := range vals {
		bit := i * depth
		b[bit/8] |= byte(v << (8 - depth - bit%8))
	}
	return b
}

// imageKind is a colour type and depth, with the tRNS chunk to give it.
type imageKind struct {
	name      string
	colorType byte
	depth     byte
	trns      string // "", "key", "short" (fewer entries than PLTE) or "long"
}

// fastKinds are the images the fast decoder must decode itself.
var fastKinds = []imageKind{
	{"RGBA", ctRGBA, 8, ""},
	{"RGB", ctRGB, 8, ""},
	{"RGB keyed", ctRGB, 8, "key"},
	{"gray", ctGray, 8, ""},
	{"gray keyed", ctGray, 8, "key"},
	{"gray 1-bit", ctGray, 1, ""},
	{"gray 1-bit keyed", ctGray, 1, "key"},
	{"gray 2-bit", ctGray, 2, ""},
	{"gray 2-bit keyed", ctGray, 2, "key"},
	{"gray 4-bit", ctGray, 4, ""},
	{"gray 4-bit keyed", ctGray, 4, "key"},
	{"gray+alpha", ctGrayAlpha, 8, ""},
	{"paletted", ctPaletted, 8, ""},
	{"paletted, short tRNS", ctPaletted, 8, "short"},
	{"paletted, tRNS past PLTE", ctPaletted, 8, "long"},
	{"paletted 1-bit", ctPaletted, 1, "short"},
	{"paletted 2-bit", ctPaletted, 2, ""},
	{"paletted 2-bit, tRNS past PLTE", ctPaletted, 2, "long"},
	{"paletted 4-bit, short tRNS", ctPaletted, 4, "short"},
}

// newRawPNG makes a w×h image of kind k, every row filtered with filter.
func newRawPNG(rng *rand.Rand, k imageKind, w, h, filter int) rawPNG {
	p := rawPNG{
		w: w, h: h, colorType: k.colorType, depth: k.depth,
		rows:   sampleRows(rng, k.colorType, k.depth, w, h),
		filter: filter, level: zlib.DefaultCompression,
	}
	switch k.colorType {
	case ctGray:
		if k.trns == "key" {
			top := 1<<k.depth - 1
			// The high byte is ignored; the low one is the key.
			p.trns = []byte{0x5a, byte(top * grayBackground / 6)}
		}
	case ctRGB:
		if k.trns == "key" {
			p.trns = []byte{0x12, rgbKeyR, 0x34, rgbKeyG, 0x56, rgbKeyB}
		}
	case ctPaletted:
		// Fewer entries than the depth allows, so noise finds indices
		// past the palette.
		n := max(1, (1<<k.depth)*3/4)
		if k.depth == 1 {
			n = 2
		}
		p.plte = make([]byte, 3*n)
		for i := range p.plte {
			p.plte[i] = byte(rng.IntN(256))
		}
		copy(p.plte, []byte{0xf0, 0xf0, 0xf0}) // 0: light background
		for i := 1; i < min(n, 4); i++ {       // 1–3: dark ink
			copy(p.plte[3*i:], []byte{byte(10 * i), 0x18, 0x30})
		}
		switch k.trns {
		case "short":
			p.trns = randomBytes(rng, max(1, n/2))
			p.trns[0] = 0
		case "long":
			p.trns = randomBytes(rng, n+3)
		}
	}
	return p
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

// reference decodes b as callers of Decode do for what it leaves them:
// png.DecodeConfig checked against testLimits, png.Decode, then Flatten.
func reference(b []byte) (*image.Gray, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width < testLimits.MinWidth || cfg.Width > testLimits.MaxWidth || cfg.Height < testLimits.MinHeight || cfg.Height > testLimits.MaxHeight {
		return nil, errors.New("size out of limits")
	}
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	gray := GrayBuffer(new([]byte), m.Bounds().Dx(), m.Bounds().Dy())
	Flatten(gray, m)
	return gray, nil
}

// sameOutcome fails t unless Decode, with the reference for what it
// leaves to image/png, accepts b exactly when the reference does, with the
// same pixels. It returns the reference's error.
func sameOutcome(t *testing.T, b []byte) error {
	t.Helper()
	want, wantErr := reference(b)
	got, err := Decode(b, new([]byte), testLimits)
	if err == ErrUnsupported {
		return wantErr
	}
	switch {
	case err != nil && wantErr != nil:
	case err != nil || wantErr != nil:
		t.Fatalf("Decode: %v; png.Decode: %v", err, wantErr)
	case got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix):
		t.Fatal("Decode and png.Decode with Flatten give different pixels")
	}
	return wantErr
}

// checkFastDecode fails t unless Decode decodes b itself, to exactly
// the pixels reference gives, and within two levels of referenceGray:
// flatten takes the luma of a colour and then composites it, draw.Draw
// composites each channel and then takes the luma, and on arbitrary
// colours the two roundings differ by up to 2.
func checkFastDecode(t *testing.T, b []byte) {
	t.Helper()
	fast, err := Decode(b, new([]byte), testLimits)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	generic, err := reference(b)
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	if fast.Rect != generic.Rect {
		t.Fatalf("Decode gives %v, png.Decode %v", fast.Rect, generic.Rect)
	}
	for i := range fast.Pix {
		if fast.Pix[i] != generic.Pix[i] {
			w := fast.Stride
			t.Fatalf("pixel (%d,%d) = %d, png.Decode with Flatten gives %d", i%w, i/w, fast.Pix[i], generic.Pix[i])
		}
	}
	m, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	ref := pngtest.ReferenceGray(m)
	for i, v := range fast.Pix {
		if w := ref.Pix[i]; int(v)-int(w) > 2 || int(w)-int(v) > 2 {
			t.Fatalf("pixel %d = %d, draw.Draw gives %d", i, v, w)
		}
	}
}

// Every colour type and depth the fast decoder handles, with every
// filter, gives png.Decode's pixels.
func TestDecodeFastMatchesPNGDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type testCase struct {
		name string
		p    rawPNG
	}
	var tests []testCase
	for _, k := range fastKinds {
		for _, f := range []int{0, 1, 2, 3, 4, -1} {
			tests = append(tests, testCase{fmt.Sprintf("%s/filter %d", k.name, f), newRawPNG(rng, k, 51, 23, f)})
		}
		wide := newRawPNG(rng, k, 1999, 21, -1)
		tests = append(tests, testCase{k.name + "/1999 wide", wide})
		odd := newRawPNG(rng, k, 53, 29, -1)
		odd.idatSize = 1
		tests = append(tests, testCase{k.name + "/1-byte IDATs", odd})
		stored := newRawPNG(rng, k, 50, 20, 4)
		stored.level, stored.idatSize = zlib.NoCompression, 7
		tests = append(tests, testCase{k.name + "/stored, 7-byte IDATs", stored})
	}
	big := newRawPNG(rng, fastKinds[0], 2000, 1000, -1)
	big.level = zlib.BestSpeed
	tests = append(tests, testCase{"RGBA 2000×1000", big})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.p.encode(t)
			checkFastDecode(t, b)
			sameOutcome(t, b)
		})
	}
}

// PNGs png.Encoder writes, filters chosen row by row, the canvas among
// them, decode the same both ways.
func TestDecodeFastPNGEncoder(t *testing.T) {
	canvas := sampleCanvas()
	noisy := image.NewNRGBA(image.Rect(0, 0, 601, 199))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range noisy.Pix {
		noisy.Pix[i] = byte(rng.IntN(256))
	}
	draw.Draw(noisy, image.Rect(50, 0, 550, 100), canvas, image.Point{}, draw.Over)
	gray := image.NewGray(canvas.Rect)
	draw.Draw(gray, gray.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(gray, gray.Rect, canvas, image.Point{}, draw.Over)
	for _, tt := range []struct {
		name string
		img  image.Image
	}{
		{"canvas", canvas},
		{"noise and strokes", noisy},
		{"gray", gray},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, level := range []png.CompressionLevel{png.DefaultCompression, png.NoCompression, png.BestSpeed, png.BestCompression} {
				var b bytes.Buffer
				if err := (&png.Encoder{CompressionLevel: level}).Encode(&b, tt.img); err != nil {
					t.Fatal(err)
				}
				checkFastDecode(t, b.Bytes())
				sameOutcome(t, b.Bytes())
			}
		})
	}
}

// What the fast decoder leaves to png.Decode still gives its results.
func TestDecodeFastFallsBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	interlaced := newRawPNG(rng, fastKinds[0], 61, 27, -1)
	interlaced.interlace = true
	interlacedGray := newRawPNG(rng, imageKind{"gray", ctGray, 8, "key"}, 50, 20, 4)
	interlacedGray.interlace = true
	deep := image.NewNRGBA64(image.Rect(0, 0, 600, 200))
	draw.Draw(deep, deep.Rect, sampleCanvas(), image.Point{}, draw.Src)
	canvas := pngtest.Encode(t, sampleCanvas())
	chunks := splitChunks(t, canvas)
	textFirst := joinChunks(append([]testChunk{{"tEXt", []byte("Software\x00canvas")}}, chunks...)...)

	tests := []struct {
		name   string
		b      []byte
		accept bool
	}{
		{"interlaced RGBA", interlaced.encode(t), true},
		{"interlaced keyed gray", interlacedGray.encode(t), true},
		{"16-bit RGBA", pngtest.Encode(t, deep), true},
		{"a chunk before IHDR", textFirst, true},
		{"100000×100000", pngtest.WithHeader(100000, 100000, canvas[33:]), false},
		{"0×200", pngtest.WithHeader(0, 200, canvas[33:]), false},
		{"2³¹×200", pngtest.WithHeader(1<<31, 200, canvas[33:]), false},
		{"bad IHDR checksum", withCRC(canvas, 0, 0xdeadbeef), false},
		{"IHDR too short", joinChunks(append([]testChunk{{"IHDR", chunks[0].data[:12]}}, chunks[1:]...)...), false},
		{"RGBA of depth 4", withHeaderByte(canvas, 8, 4), false},
		{"colour type 5", withHeaderByte(canvas, 9, 5), false},
		{"compression method 1", withHeaderByte(canvas, 10, 1), false},
		{"filter method 1", withHeaderByte(canvas, 11, 1), false},
		{"interlace method 2", withHeaderByte(canvas, 12, 2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Decode(tt.b, new([]byte), testLimits); err != ErrUnsupported {
				t.Fatalf("Decode: %v, want it to leave the image to png.Decode", err)
			}
			err := sameOutcome(t, tt.b)
			if tt.accept && err != nil {
				t.Fatal(err)
			}
			if !tt.accept && err == nil {
				t.Fatal("accepted, want a rejection")
			}
		})
	}
}

// testChunk is a chunk of a PNG the tests take apart and put together.
type testChunk struct {
	typ  string
	data []byte
}

// splitChunks returns the chunks of a well-formed PNG.
func splitChunks(t testing.TB, b []byte) []testChunk {
	t.Helper()
	var cs []testChunk
	for off := len(pngMagic); off < len(b); {
		n := int(binary.BigEndian.Uint32(b[off:]))
		cs = append(cs, testChunk{string(b[off+4 : off+8]), append([]byte{}, b[off+8:off+8+n]...)})
		off += 12 + n
	}
	return cs
}

// joinChunks makes a PNG of chunks, with right checksums.
func joinChunks(cs ...testChunk) []byte {
	b := append([]byte{}, pngMagic...)
	for _, c := range cs {
		b = pngtest.AppendChunk(b, c.typ, c.data)
	}
	return b
}

// chunkOffset returns the offset of chunk i of b.
func chunkOffset(b []byte, i int) int {
	off := len(pngMagic)
	for range i {
		off += 12 + int(binary.BigEndian.Uint32(b[off:]))
	}
	return off
}

// withCRC returns b with the checksum of chunk i replaced by crc.
func withCRC(b []byte, i int, crc uint32) []byte {
	b = append([]byte{}, b...)
	off := chunkOffset(b, i)
	n := int(binary.BigEndian.Uint32(b[off:]))
	binary.BigEndian.PutUint32(b[off+8+n:], crc)
	return b
}

// withHeaderByte returns b with IHDR payload byte i set to v, checksum
// fixed.
func withHeaderByte(b []byte, i int, v byte) []byte {
	b = append([]byte{}, b...)
	b[16+i] = v
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// fixChecksums returns b with the checksum of every whole chunk after the
// signature recomputed.
func fixChecksums(b []byte) []byte {
	b = append([]byte{}, b...)
	for off := len(pngMagic); len(b)-off >= 12; {
		n := binary.BigEndian.Uint32(b[off:])
		if uint64(n) > uint64(len(b)-off-12) {
			break
		}
		end := off + 8 + int(n)
		binary.BigEndian.PutUint32(b[end:], crc32.ChecksumIEEE(b[off+4:end]))
		off = end + 4
	}
	return b
}

// zlibStream compresses data as a zlib stream.
func zlibStream(t testing.TB, data []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// Broken, odd and hostile PNGs get the answer png.Decode gives: mostly a
// rejection, never a panic.
func TestDecodeMalformed(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	base := newRawPNG(rng, fastKinds[0], 60, 24, -1)
	raw := base.scanlines()
	stream := zlibStream(t, raw)
	good := base.file(stream)
	split := base
	split.idatSize = len(stream)/3 + 1
	three := split.file(stream) // IHDR, IDAT, IDAT, IDAT, IEND
	cs := splitChunks(t, three)
	ihdr, idat, iend := cs[0], cs[1:4], cs[4]
	text := testChunk{"tEXt", []byte("Comment\x00signed")}
	with := func(cs ...any) []byte {
		var out []testChunk
		for _, c := range cs {
			switch c := c.(type) {
			case testChunk:
				out = append(out, c)
			case []testChunk:
				out = append(out, c...)
			}
		}
		return joinChunks(out...)
	}
	idatOf := func(stream []byte) testChunk { return testChunk{"IDAT", stream} }
	// The stream with its last byte, part of the checksum, changed.
	badAdler := append([]byte{}, stream...)
	badAdler[len(badAdler)-1] ^= 1
	// A preset dictionary: compress/zlib takes the empty one only.
	dict := func(id uint32) []byte {
		s := []byte{0x78, 0x20}
		s[1] += byte(31 - binary.BigEndian.Uint16(s)%31)
		s = binary.BigEndian.AppendUint32(s, id)
		return append(s, stream[2:]...)
	}
	filter5 := append([]byte{}, raw...)
	filter5[len(raw)/2/(1+4*60)*(1+4*60)] = 5
	bomb := make([]byte, 8<<20) // 8 MB of zeros for a 60×24 image
	bigRGBA := rawPNG{w: 2000, h: 1000, colorType: ctRGBA, depth: 8}
	paletted := newRawPNG(rng, fastKinds[13], 60, 24, -1) // short tRNS
	pcs := splitChunks(t, paletted.encode(t))             // IHDR, PLTE, tRNS, IDAT, IEND
	gray := newRawPNG(rng, fastKinds[3], 60, 24, -1)
	gcs := splitChunks(t, gray.encode(t)) // IHDR, IDAT, IEND
	rgb := newRawPNG(rng, fastKinds[1], 60, 24, -1)
	rcs := splitChunks(t, rgb.encode(t)) // IHDR, IDAT, IEND
	plte := testChunk{"PLTE", []byte{1, 2, 3, 4, 5, 6}}

	tests := []struct {
		name    string
		b       []byte
		message string // "" if accepted, msgCorrupt if not
	}{
		{"well formed", good, ""},
		{"IDAT in three", three, ""},
		{"IDAT in three, empty IDATs between", with(ihdr, idat[0], idatOf(nil), idat[1], idatOf(nil), idatOf(nil), idat[2], iend), ""},
		{"ancillary chunks around", with(ihdr, text, idat, text, iend), ""},
		{"junk IDAT after the image data", with(ihdr, idat, idatOf([]byte("junk")), iend), ""},
		{"junk IDAT after another chunk", with(ihdr, idat, text, idatOf([]byte("junk")), iend), ""},
		{"bytes after IEND", append(append([]byte{}, good...), "trailing"...), ""},
		{"preset dictionary, the empty one", with(ihdr, idatOf(dict(1)), iend), ""},
		{"bytes after the stream in its chunk", with(ihdr, idatOf(append(append([]byte{}, stream...), 1, 2, 3)), iend), ""},
		{"bytes after the stream, past png.Decode's read-ahead", with(ihdr, idatOf(append(append([]byte{}, stream...), make([]byte, pngReadAhead)...)), iend), msgCorrupt},

		{"bad checksum, first IDAT", withCRC(three, 1, 0), msgCorrupt},
		{"bad checksum, middle IDAT", withCRC(three, 2, 0), msgCorrupt},
		{"bad checksum, last IDAT", withCRC(three, 3, 0), msgCorrupt},
		{"bad checksum, IEND", withCRC(three, 4, 0), msgCorrupt},
		{"bad checksum, ancillary chunk", withCRC(with(ihdr, text, idat, iend), 1, 0), msgCorrupt},
		{"bad checksum, junk IDAT", withCRC(with(ihdr, idat, idatOf([]byte("junk")), iend), 4, 0), msgCorrupt},
		{"no IEND", with(ihdr, idat), msgCorrupt},
		{"IEND with data", with(ihdr, idat, testChunk{"IEND", []byte{0}}), msgCorrupt},
		{"no IDAT", with(ihdr, iend), msgCorrupt},
		{"IDAT cut short", with(ihdr, idat[:2], iend), msgCorrupt},
		{"IDAT interrupted", with(ihdr, idat[0], text, idat[1:], iend), msgCorrupt},
		{"stream truncated", with(ihdr, idatOf(stream[:len(stream)-9]), iend), msgCorrupt},
		{"checksum missing", with(ihdr, idatOf(stream[:len(stream)-4]), iend), msgCorrupt},
		{"bad zlib checksum", with(ihdr, idatOf(badAdler), iend), msgCorrupt},
		{"bad zlib header", with(ihdr, idatOf(append([]byte{0x78, 0x9d}, stream[2:]...)), iend), msgCorrupt},
		{"preset dictionary", with(ihdr, idatOf(dict(7)), iend), msgCorrupt},
		{"zlib garbage", with(ihdr, idatOf(append([]byte{0x78, 0x9c}, randomBytes(rng, 500)...)), iend), msgCorrupt},
		{"random IDAT", with(ihdr, idatOf(randomBytes(rng, 500)), iend), msgCorrupt},
		{"a row too few", with(ihdr, idatOf(zlibStream(t, raw[:len(raw)-(1+4*60)])), iend), msgCorrupt},
		{"a byte too few", with(ihdr, idatOf(zlibStream(t, raw[:len(raw)-1])), iend), msgCorrupt},
		{"a byte too many", with(ihdr, idatOf(zlibStream(t, append(append([]byte{}, raw...), 0))), iend), msgCorrupt},
		{"decompression bomb", with(ihdr, idatOf(zlibStream(t, bomb)), iend), msgCorrupt},
		{"filter type 5", with(ihdr, idatOf(zlibStream(t, filter5)), iend), msgCorrupt},
		{"2000×1000 header, tiny IDAT", bigRGBA.file(zlibStream(t, make([]byte, 2*(1+4*2000)))), msgCorrupt},
		{"second IHDR", with(ihdr, ihdr, idat, iend), msgCorrupt},
		{"IHDR after IDAT", with(ihdr, idat, ihdr, iend), msgCorrupt},
		{"huge chunk length", append(append([]byte{}, good[:33]...), 0xff, 0xff, 0xff, 0xf0, 'I', 'D', 'A', 'T'), msgCorrupt},
		{"huge ancillary chunk length", append(append([]byte{}, good[:33]...), 0x7f, 0xff, 0xff, 0xf0, 't', 'E', 'X', 't'), msgCorrupt},

		{"tRNS in an RGBA image", with(ihdr, testChunk{"tRNS", []byte{1, 2, 3, 4, 5, 6}}, idat, iend), msgCorrupt},
		{"PLTE in an RGBA image", with(ihdr, plte, idat, iend), ""},
		{"PLTE after IDAT", with(ihdr, idat, plte, iend), msgCorrupt},
		{"PLTE in a gray image", with(gcs[0], plte, gcs[1:]), msgCorrupt},
		{"tRNS in a gray image", with(gcs[0], testChunk{"tRNS", []byte{0, 0x55}}, gcs[1:]), ""},
		{"tRNS of 3 bytes in a gray image", with(gcs[0], testChunk{"tRNS", []byte{0, 0, 0}}, gcs[1:]), msgCorrupt},
		{"tRNS after IDAT in a gray image", with(gcs[0], gcs[1], testChunk{"tRNS", []byte{0, 0}}, gcs[2]), msgCorrupt},
		{"PLTE then tRNS in an RGB image", with(rcs[0], plte, testChunk{"tRNS", []byte{0, 1, 0, 2, 0, 3}}, rcs[1:]), ""},
		{"tRNS then PLTE in an RGB image", with(rcs[0], testChunk{"tRNS", []byte{0, 1, 0, 2, 0, 3}}, plte, rcs[1:]), msgCorrupt},
		{"two tRNS in an RGB image", with(rcs[0], testChunk{"tRNS", []byte{0, 1, 0, 2, 0, 3}}, testChunk{"tRNS", []byte{0, 1, 0, 2, 0, 3}}, rcs[1:]), msgCorrupt},
		{"tRNS of 4 bytes in an RGB image", with(rcs[0], testChunk{"tRNS", []byte{0, 1, 0, 2}}, rcs[1:]), msgCorrupt},
		{"paletted", with(pcs), ""},
		{"paletted, no tRNS", with(pcs[:2], pcs[3:]), ""},
		{"paletted, no PLTE", with(pcs[0], pcs[3:]), msgCorrupt},
		{"paletted, tRNS before PLTE", with(pcs[0], pcs[2], pcs[1], pcs[3:]), msgCorrupt},
		{"paletted, two PLTE", with(pcs[:2], pcs[1:]), msgCorrupt},
		{"paletted, empty PLTE", with(pcs[0], testChunk{"PLTE", nil}, pcs[2:]), msgCorrupt},
		{"paletted, PLTE of 7 bytes", with(pcs[0], testChunk{"PLTE", make([]byte, 7)}, pcs[2:]), msgCorrupt},
		{"paletted, PLTE of 257 entries", with(pcs[0], testChunk{"PLTE", make([]byte, 3*257)}, pcs[2:]), msgCorrupt},
		{"paletted, tRNS of 257 entries", with(pcs[:2], testChunk{"tRNS", make([]byte, 257)}, pcs[3:]), msgCorrupt},
		{"paletted, tRNS of 256 entries", with(pcs[:2], testChunk{"tRNS", make([]byte, 256)}, pcs[3:]), ""}, // all transparent: a blank canvas
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sameOutcome(t, tt.b)
			if tt.message == "" && err != nil {
				t.Fatalf("err = %v, want the image accepted", err)
			}
			if tt.message != "" && err == nil {
				t.Fatal("accepted, want a rejection")
			}
		})
	}
}

// Every prefix of a PNG, and the PNG with any one byte changed, gets
// png.Decode's answer.
func TestDecodeDamaged(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	p := newRawPNG(rng, fastKinds[0], 50, 20, -1)
	p.idatSize = 200
	b := p.encode(t)
	for n := range len(b) {
		t.Run(fmt.Sprintf("first %d bytes", n), func(t *testing.T) {
			if err := sameOutcome(t, b[:n]); err == nil {
				t.Fatal("a truncated PNG was accepted")
			}
		})
	}
	for i := range b {
		c := append([]byte{}, b...)
		c[i] ^= byte(1 + rng.IntN(255))
		sameOutcome(t, c)
		sameOutcome(t, fixChecksums(c))
	}
}

func TestAdler32(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	runs := make([]byte, 100000)
	for i := 0; i < len(runs); {
		n := rng.IntN(300)
		v := []byte{0, 0xff, byte(rng.IntN(256))}[rng.IntN(3)]
		for j := i; j < min(i+n, len(runs)); j++ {
			runs[j] = v
		}
		i += n
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"one byte", []byte{7}},
		{"random", randomBytes(rng, 20000)},
		{"runs", runs},
		{"all 0xff", bytes.Repeat([]byte{0xff}, 100000)},
		{"all zero", make([]byte, 100000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// In pieces of every size from 1 to 97, and whole.
			want := adlerRef(1, tt.b)
			for size := 1; size < 98; size++ {
				got := uint32(1)
				for s := tt.b; len(s) > 0; s = s[min(size, len(s)):] {
					got = Adler32(got, s[:min(size, len(s))])
				}
				if got != want {
					t.Fatalf("in pieces of %d: %#x, want %#x", size, got, want)
				}
			}
			if got := Adler32(1, tt.b); got != want {
				t.Fatalf("whole: %#x, want %#x", got, want)
			}
		})
	}
}

// adlerRef is Adler-32 from its definition.
func adlerRef(adler uint32, p []byte) uint32 {
	s1, s2 := adler&0xffff, adler>>16
	for _, c := range p {
		s1 = (s1 + uint32(c)) % adlerMod
		s2 = (s2 + s1) % adlerMod
	}
	return s2<<16 | s1
}

// compositeNRGBA, eight pixels and one colour at a time, gives what
// flatten's loop does for every level of luma and alpha, and for random
// colours.
func TestCompositeNRGBA(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	m := image.NewNRGBA(image.Rect(0, 0, 256, 512))
	for a := range 256 {
		for v := range 256 {
			m.SetNRGBA(v, a, color.NRGBA{byte(v), byte(v), byte(v), byte(a)})
			c := color.NRGBA{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(a)}
			if rng.IntN(4) == 0 {
				c.A = 0
			}
			m.SetNRGBA(v, 256+a, c)
		}
	}
	want := image.NewGray(m.Rect)
	Flatten(want, m)
	got := make([]byte, len(want.Pix))
	for y := range m.Rect.Dy() {
		// Odd lengths too, for the pixels after the last eight.
		n := 256 - y%8
		compositeNRGBA(got[y*256:y*256+n], m.Pix[y*m.Stride:y*m.Stride+4*n])
		copy(got[y*256+n:(y+1)*256], want.Pix[y*256+n:(y+1)*256])
	}
	for i, v := range got {
		if v != want.Pix[i] {
			t.Fatalf("pixel (%d,%d) = %d, Flatten gives %d", i%256, i/256, v, want.Pix[i])
		}
	}
}

// nrgbaOverWhite is grayOverWhite for a color.NRGBA, without the interface.
func TestNRGBAOverWhite(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	for a := range 256 {
		for range 2000 {
			c := color.NRGBA{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(a)}
			if got, want := nrgbaOverWhite(c.R, c.G, c.B, c.A), grayOverWhite(c); got != want {
				t.Fatalf("%v: %d, want %d", c, got, want)
			}
		}
		for v := range 256 {
			c := color.NRGBA{byte(v), byte(v), byte(v), byte(a)}
			if got, want := nrgbaOverWhite(c.R, c.G, c.B, c.A), grayOverWhite(c); got != want {
				t.Fatalf("%v: %d, want %d", c, got, want)
			}
		}
	}
	var lut [256]uint8
	plte, trns := randomBytes(rng, 3*200), randomBytes(rng, 250)
	if n := testing.AllocsPerRun(10, func() { paletteLUT(&lut, plte, trns) }); n != 0 {
		t.Errorf("paletteLUT allocates %v times", n)
	}
}

// FuzzDecode holds Decode to png.Decode on any input: both accept it with
// the same pixels, or both reject it, or Decode leaves it to png.Decode. Mode 1 fixes the input's chunk checksums, so that changes get
// past them; mode 2 makes a PNG of the input: its first bytes choose the
// header and palette, the rest are the scanlines, filter bytes and all,
// which a mutated zlib stream would seldom reach.
func FuzzDecode(f *testing.F) {
	rng := rand.New(rand.NewPCG(17, 18))
	for i, k := range fastKinds {
		p := newRawPNG(rng, k, 50+i, 20, -1)
		f.Add(p.encode(f), uint8(0))
		f.Add(p.encode(f), uint8(1))
		f.Add(append([]byte{k.colorType, k.depth, byte(i), 0, 3, 2}, p.scanlines()...), uint8(2))
	}
	p := newRawPNG(rng, fastKinds[0], 60, 24, -1)
	p.idatSize = 100
	f.Add(p.encode(f), uint8(1))
	f.Add(pngtest.Encode(f, sampleCanvas()), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, mode uint8) {
		switch mode % 3 {
		case 1:
			b = fixChecksums(b)
		case 2:
			b = fuzzPNG(b)
		}
		sameOutcome(t, b)
	})
}

// fuzzPNG makes a PNG of fuzz input b: b[0] and b[1] choose the colour
// type and depth, b[2] and b[3] the size, b[4] and b[5] the lengths of the
// PLTE and tRNS chunks (0 for none), which take their bytes from the
// scanlines, the rest of b, repeated or cut to the length the image needs
// unless b[3] has its top bit set.
func fuzzPNG(b []byte) []byte {
	if len(b) < 7 {
		return nil
	}
	ct := []byte{ctGray, ctRGB, ctPaletted, ctGrayAlpha, ctRGBA}[b[0]%5]
	depth := []byte{1, 2, 4, 8, 16}[b[1]%5]
	p := rawPNG{w: 50 + int(b[2]%16), h: 20 + int(b[3]%8), colorType: ct, depth: depth}
	data := b[6:]
	if b[4] > 0 {
		p.plte = cycle(data, 3*int(b[4]%64))
	}
	if b[5] > 0 {
		p.trns = cycle(data, int(b[5])-1)
	}
	if b[3]&0x80 == 0 {
		n := p.h * (1 + (p.bitsPerPixel()*p.w+7)/8)
		data = cycle(data, n)
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	zw.Write(data)
	zw.Close()
	return p.file(z.Bytes())
}

// cycle returns n bytes of data repeated; data must not be empty.
func cycle(data []byte, n int) []byte {
	out := make([]byte, n)
	for i := 0; i < n; i += len(data) {
		copy(out[i:], data)
	}
	return out
}
