package certificate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"regexp"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// ErrNoPrintedQR means no QR code was found drawn on the PDF's pages.
var ErrNoPrintedQR = errors.New("no QR code drawn in the PDF")

// maxStream bounds what one content stream may inflate to, so that a
// crafted file cannot exhaust memory.
const maxStream = 16 << 20

// qrPath is the filled path drawQR writes: at least 21 rectangles (the
// smallest QR symbol has 21 rows) of the same height, one module, then a
// fill.
var qrPath = regexp.MustCompile(`((?:-?[0-9.]+ -?[0-9.]+ [0-9.]+ [0-9.]+ re\s+){21,})f\b`)

// maxQRRuns bounds the rectangles read for one symbol: the largest QR
// symbol, 177 modules square, has fewer runs of dark modules.
const maxQRRuns = 177 * 89

var reOp = regexp.MustCompile(`(-?[0-9.]+) (-?[0-9.]+) ([0-9.]+) ([0-9.]+) re`)

// ErrSeveralQRs means the PDF's pages draw QR codes of different texts.
var ErrSeveralQRs = errors.New("the PDF draws several different QR codes")

// PrintedQR returns the text of the QR code printed on the certificate:
// the modules drawQR draws as rectangles in a page's content stream, read
// back into a symbol and decoded with a QR decoder independent of the
// encoder that drew it. The metadata copy (QRTextFromPDF) is not looked at.
// Every QR drawn so must say the same. It does not render the page: a QR
// drawn otherwise (as an image, say) is not seen; on a signed certificate
// the signature vouches for the rest of the page.
func PrintedQR(pdf []byte) (string, error) {
	var text string
	var lastErr error = ErrNoPrintedQR
	for _, content := range flateStreams(pdf) {
		for _, m := range qrPath.FindAllSubmatch(content, -1) {
			t, err := decodeDrawnQR(m[1])
			switch {
			case err != nil:
				lastErr = err
			case text != "" && t != text:
				return "", ErrSeveralQRs
			default:
				text = t
			}
		}
	}
	if text == "" {
		return "", lastErr
	}
	return text, nil
}

// flateStreams returns the inflated data of every stream in pdf that
// inflates; the others (images in other encodings, damaged ones) are
// skipped.
func flateStreams(pdf []byte) [][]byte {
	var out [][]byte
	for rest := pdf; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			return out
		}
		if i >= 3 && string(rest[i-3:i]) == "end" { // "endstream\n"
			rest = rest[i+len("stream\n"):]
			continue
		}
		rest = rest[i+len("stream\n"):]
		end := bytes.Index(rest, []byte("endstream"))
		if end < 0 {
			return out
		}
		zr, err := zlib.NewReader(bytes.NewReader(rest[:end]))
		if err != nil {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(zr, maxStream))
		if err == nil || errors.Is(err, io.ErrUnexpectedEOF) {
			out = append(out, data)
		}
	}
}

// decodeDrawnQR rebuilds the symbol from the rectangles of one path (PDF
// coordinates, y upwards; every rectangle one module high, a run of dark
// modules wide), draws it with its quiet zone, four pixels a module, and
// decodes it.
func decodeDrawnQR(path []byte) (string, error) {
	type rect struct{ x, y, w, h float64 }
	var rs []rect
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, m := range reOp.FindAllSubmatch(path, -1) {
		var v [4]float64
		for i := range v {
			f, err := strconv.ParseFloat(string(m[i+1]), 64)
			if err != nil {
				return "", fmt.Errorf("printed QR: %w", err)
			}
			v[i] = f
		}
		r := rect{v[0], v[1], v[2], v[3]}
		if len(rs) == maxQRRuns {
			return "", errors.New("printed QR: more rectangles than any QR symbol has runs")
		}
		rs = append(rs, r)
		minX, minY = min(minX, r.x), min(minY, r.y)
		maxX, maxY = max(maxX, r.x+r.w), max(maxY, r.y+r.h)
	}
	mod := rs[0].h
	if !(mod > 0) {
		return "", errors.New("printed QR: modules of no height")
	}
	for _, r := range rs {
		if math.Abs(r.h-mod) > mod/100 {
			return "", errors.New("printed QR: rectangles of different heights are not QR modules")
		}
	}
	n := int(math.Round((maxX - minX) / mod))
	if n < 21 || n > 177 || int(math.Round((maxY-minY)/mod)) != n {
		return "", fmt.Errorf("printed QR: %d modules wide: not a QR symbol", n)
	}
	const px, quiet = 4, qrQuiet
	side := (n + 2*quiet) * px
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, r := range rs {
		row := int(math.Round((maxY - r.y - r.h) / mod))
		c0 := int(math.Round((r.x - minX) / mod))
		c1 := int(math.Round((r.x + r.w - minX) / mod))
		for y := (quiet + row) * px; y < (quiet+row+1)*px; y++ {
			for x := (quiet + c0) * px; x < (quiet+c1)*px; x++ {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("printed QR: %w", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		return "", fmt.Errorf("printed QR: %w", err)
	}
	return res.GetText(), nil
}
