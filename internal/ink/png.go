package ink

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"

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

// grayPool holds the flattened full image between requests; only the
// cropped result is encoded.
var grayPool = sync.Pool{New: func() any { return new([]byte) }}

// NormalizePNG validates a signature image and returns it flattened onto
// white, cropped to the ink plus a small margin, as an 8-bit grayscale PNG.
// The same input always gives the same bytes.
func NormalizePNG(b []byte) (registry.Ink, error) {
	if len(b) > maxPNGBytes {
		return registry.Ink{}, bad(msgImageLarge, nil)
	}
	if !bytes.HasPrefix(b, pngMagic) {
		return registry.Ink{}, bad(msgNotPNG, nil)
	}
	// The header says how much memory a decode would take; check it
	// before decoding anything.
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return registry.Ink{}, bad("Gambar tanda tangan rusak", err)
	}
	if cfg.Width < minPNGW || cfg.Width > maxPNGW || cfg.Height < minPNGH || cfg.Height > maxPNGH {
		return registry.Ink{}, bad("Ukuran gambar tanda tangan tidak sesuai", nil)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return registry.Ink{}, bad("Gambar tanda tangan rusak", err)
	}

	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	buf := grayPool.Get().(*[]byte)
	defer grayPool.Put(buf)
	if cap(*buf) < w*h {
		*buf = make([]byte, w*h)
	}
	gray := &image.Gray{Pix: (*buf)[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	flatten(gray, img)

	box, n := inkBounds(gray)
	if n < minInkPixels {
		return registry.Ink{}, bad(msgBlank, nil)
	}
	if box.Dx() < minInkWidth || box.Dy() < minInkHeight {
		return registry.Ink{}, bad(msgTooSimple, nil)
	}
	box = box.Inset(-cropMargin).Intersect(gray.Rect)

	out, err := encodeGray(gray.SubImage(box).(*image.Gray))
	if err != nil {
		return registry.Ink{}, fmt.Errorf("encode signature png: %w", err)
	}
	return registry.Ink{Kind: registry.InkPNG, PNG: out}, nil
}

// flatten writes src composited over white into dst as luminance, with a
// tight loop for each image type png.Decode returns for 8-bit images.
func flatten(dst *image.Gray, src image.Image) {
	r := src.Bounds()
	w, h := r.Dx(), r.Dy()
	switch m := src.(type) {
	case *image.NRGBA:
		for y := range h {
			s := m.Pix[y*m.Stride : y*m.Stride+4*w]
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x := range d {
				p := s[4*x : 4*x+4 : 4*x+4]
				a := uint32(p[3])
				if a == 0 {
					d[x] = 0xff
					continue
				}
				// Over white: a·lum + (255−a)·255, divided by 255.
				l := luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))
				d[x] = uint8((a*l + (255-a)*255 + 127) / 255)
			}
		}
	case *image.RGBA:
		for y := range h {
			s := m.Pix[y*m.Stride : y*m.Stride+4*w]
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x := range d {
				p := s[4*x : 4*x+4 : 4*x+4]
				// Premultiplied: lum already carries alpha; white
				// shows through by 255−a.
				v := luma(uint32(p[0]), uint32(p[1]), uint32(p[2])) + 255 - uint32(p[3])
				d[x] = uint8(min(v, 255))
			}
		}
	case *image.Gray:
		for y := range h {
			copy(dst.Pix[y*dst.Stride:y*dst.Stride+w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	case *image.Paletted:
		var lut [256]uint8 // indices past the palette read as black
		for i, c := range m.Palette {
			lut[i] = grayOverWhite(c)
		}
		for y := range h {
			s := m.Pix[y*m.Stride : y*m.Stride+w]
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x, i := range s {
				d[x] = lut[i]
			}
		}
	default: // 16-bit PNGs: rare enough for the generic path
		for y := range h {
			d := dst.Pix[y*dst.Stride : y*dst.Stride+w]
			for x := range d {
				d[x] = grayOverWhite(m.At(r.Min.X+x, r.Min.Y+y))
			}
		}
	}
}

// luma is Rec. 601 luminance of 8-bit channels, with the weights
// color.GrayModel uses.
func luma(r, g, b uint32) uint32 {
	return (19595*r + 38470*g + 7471*b + 1<<15) >> 16
}

func grayOverWhite(c color.Color) uint8 {
	r, g, b, a := c.RGBA() // premultiplied, 16-bit
	v := (19595*r+38470*g+7471*b+1<<15)>>16 + 0xffff - a
	return uint8(min(v, 0xffff) >> 8)
}

// inkBounds returns the bounding box of the ink in m and how many pixels of
// ink there are.
func inkBounds(m *image.Gray) (box image.Rectangle, n int) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	minX, minY, maxX, maxY := w, h, -1, -1
	for y := range h {
		row := m.Pix[y*m.Stride : y*m.Stride+w]
		first := -1
		for x, v := range row {
			if v < inkLevel {
				n++
				if first < 0 {
					first = x
				}
				maxX = max(maxX, x)
			}
		}
		if first >= 0 {
			minX = min(minX, first)
			minY = min(minY, y)
			maxY = y
		}
	}
	if maxY < 0 {
		return image.Rectangle{}, 0
	}
	return image.Rect(minX, minY, maxX+1, maxY+1), n
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
