package ink

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"strings"
	"sync"

	"github.com/ikrar-id/ikrar/internal/fastpng"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// Bounds on a signature image. A phone canvas at devicePixelRatio 2–3 is
// 600–1000 px wide; the PNG is a few KB.
const (
	maxPNGBytes = 256 << 10
	minPNGW     = 50
	maxPNGW     = 2000
	minPNGH     = 20
	maxPNGH     = 1000

	// inkLevel is the gray level below which a pixel counts as ink: dark
	// enough that JPEG-ish noise or a faint smudge does not count, light
	// enough to include the anti-aliased edge of a thin stroke.
	inkLevel = 192
	// minInkPixels separates a drawn signature from a blank canvas with a
	// stray touch.
	minInkPixels = 30
	// cropMargin is the white border kept around the ink.
	cropMargin = 8
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// pngLimits are the sizes fastpng decodes itself; outside them
// png.DecodeConfig tells decodeGeneric which error the signer sees.
var pngLimits = fastpng.Limits{MinWidth: minPNGW, MaxWidth: maxPNGW, MinHeight: minPNGH, MaxHeight: maxPNGH}

// msgCorrupt is the rejection of a PNG that does not decode.
const msgCorrupt = "Gambar tanda tangan rusak"

// grayPool holds the flattened full image between requests; only the
// cropped result is encoded.
var grayPool = sync.Pool{New: func() any { return new([]byte) }}

// NormalizePNG validates a signature image and returns it flattened onto
// white, cropped to the ink plus a small margin, as an 8-bit grayscale PNG.
// The same input always gives the same bytes.
//
// The common PNGs, a canvas's among them, go through fastpng.Decode; the
// rest through png.Decode. Either way the result, or the rejection, is
// the same.
func NormalizePNG(b []byte) (registry.Ink, error) {
	if err := checkPNGBytes(b); err != nil {
		return registry.Ink{}, err
	}
	buf := grayPool.Get().(*[]byte)
	defer grayPool.Put(buf)
	gray, err := fastpng.Decode(b, buf, pngLimits)
	switch {
	case err == fastpng.ErrUnsupported:
		gray, err = decodeGeneric(b, buf)
	case err != nil:
		err = bad(msgCorrupt, err)
	}
	if err != nil {
		return registry.Ink{}, err
	}
	return encodeInk(gray, inkBounds(gray))
}

// normalizeGeneric is NormalizePNG with png.Decode and flatten for every
// image: the tests and benchmarks hold the two to the same results.
func normalizeGeneric(b []byte) (registry.Ink, error) {
	if err := checkPNGBytes(b); err != nil {
		return registry.Ink{}, err
	}
	buf := grayPool.Get().(*[]byte)
	defer grayPool.Put(buf)
	gray, err := decodeGeneric(b, buf)
	if err != nil {
		return registry.Ink{}, err
	}
	return encodeInk(gray, inkBounds(gray))
}

// checkPNGBytes rejects what is too big or not a PNG before any parsing.
func checkPNGBytes(b []byte) error {
	if len(b) > maxPNGBytes {
		return bad(msgImageLarge, nil)
	}
	if !bytes.HasPrefix(b, pngMagic) {
		return bad(msgNotPNG, nil)
	}
	return nil
}

// decodeGeneric decodes any PNG with png.Decode, flattens it onto white
// into the gray buffer *buf.
func decodeGeneric(b []byte, buf *[]byte) (*image.Gray, error) {
	// The header says how much memory a decode would take; check it
	// before decoding anything.
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, bad(msgCorrupt, err)
	}
	if cfg.Width < minPNGW || cfg.Width > maxPNGW || cfg.Height < minPNGH || cfg.Height > maxPNGH {
		return nil, bad("Ukuran gambar tanda tangan tidak sesuai", nil)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, bad(msgCorrupt, err)
	}
	r := img.Bounds()
	gray := fastpng.GrayBuffer(buf, r.Dx(), r.Dy())
	fastpng.Flatten(gray, img)
	return gray, nil
}

// encodeInk checks that the ink in gray is a signature, not a blank canvas
// or a dot, and encodes it with a margin around it.
func encodeInk(gray *image.Gray, ink inkRows) (registry.Ink, error) {
	if ink.n < minInkPixels {
		return registry.Ink{}, bad(msgBlank, nil)
	}
	if ink.box.Dx() < minInkWidth || ink.box.Dy() < minInkHeight {
		return registry.Ink{}, bad(msgTooSimple, nil)
	}
	box := ink.box.Inset(-cropMargin).Intersect(gray.Rect)

	out, err := encodeGray(gray.SubImage(box).(*image.Gray))
	if err != nil {
		return registry.Ink{}, fmt.Errorf("encode signature png: %w", err)
	}
	return registry.Ink{Kind: registry.InkPNG, PNG: out}, nil
}

// inkRows is where the ink of an image is, found a row at a time: the
// bounding box of the pixels darker than inkLevel, and how many there are.
type inkRows struct {
	box image.Rectangle // empty if there is no ink
	n   int
}

// add records the ink of row y.
func (r *inkRows) add(y int, s inkSpan) {
	if s.n == 0 {
		return
	}
	row := image.Rect(s.first, y, s.last+1, y+1)
	if r.n == 0 {
		r.box = row
	} else {
		r.box = r.box.Union(row)
	}
	r.n += s.n
}

// inkBounds finds the ink in m.
func inkBounds(m *image.Gray) inkRows {
	var ink inkRows
	w := m.Rect.Dx()
	for y := range m.Rect.Dy() {
		ink.add(y, rowInk(m.Pix[y*m.Stride:y*m.Stride+w]))
	}
	return ink
}

// inkSpan is where the ink in a row is: n pixels, from first to last.
type inkSpan struct {
	first, last, n int
}

// add records the ink among pixels, which start at x.
func (s *inkSpan) add(x int, pixels []byte) {
	for i, v := range pixels {
		if v < inkLevel {
			if s.n == 0 {
				s.first = x + i
			}
			s.last = x + i
			s.n++
		}
	}
}

// rowInk finds the ink in a row. A row is mostly white, skipped eight
// pixels at a time.
func rowInk(row []byte) inkSpan {
	var s inkSpan
	x := 0
	for ; x+8 <= len(row); x += 8 {
		if binary.LittleEndian.Uint64(row[x:x+8:x+8]) != 1<<64-1 {
			s.add(x, row[x:x+8:x+8])
		}
	}
	s.add(x, row[x:])
	return s
}

// Bounds on the base64 form: the encoding of maxPNGBytes plus a data URL
// prefix and some line breaks.
const (
	dataURLPrefix = "data:image/png;base64,"
	maxBase64Len  = (maxPNGBytes+2)/3*4 + 1024
)

// DecodeBase64PNG decodes a signature image sent as base64 (standard or URL
// alphabet, padded or not) or as a data:image/png;base64, URL.
func DecodeBase64PNG(s string) ([]byte, error) {
	if len(s) > maxBase64Len {
		return nil, bad(msgImageLarge, nil)
	}
	s = strings.TrimSpace(s)
	if len(s) >= 5 && strings.EqualFold(s[:5], "data:") {
		if len(s) < len(dataURLPrefix) || !strings.EqualFold(s[:len(dataURLPrefix)], dataURLPrefix) {
			return nil, bad(msgNotPNG, nil)
		}
		s = s[len(dataURLPrefix):]
	}
	s = strings.TrimRight(s, "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	b, err := enc.DecodeString(s)
	if err != nil {
		return nil, bad("Gambar tanda tangan tidak valid (base64 rusak)", err)
	}
	if len(b) > maxPNGBytes {
		return nil, bad(msgImageLarge, nil)
	}
	return b, nil
}
