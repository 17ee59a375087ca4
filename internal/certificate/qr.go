package certificate

import (
	"fmt"
	"strconv"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ikrar-id/ikrar/internal/qr"
)

// qrQuiet is the white margin the QR specification asks around the symbol,
// in modules.
const qrQuiet = qr.QuietZone

// qrMatrix builds the QR symbol for text, without its quiet zone: true is a
// dark module. Medium error correction survives a crease or a smudge on a
// printed certificate while keeping modules large enough for a phone camera.
func qrMatrix(text string) ([][]bool, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, fmt.Errorf("build QR code: %w", err)
	}
	return code.Bitmap(), nil
}

// drawQR draws the symbol as one filled path of rectangles, a run of dark
// modules per rectangle, inside a white square of side size at (x, y) that
// includes the quiet zone. One path, not a rectangle per module, keeps the
// content stream small and leaves no hairline seams between modules.
func drawQR(pdf *fpdf.Fpdf, m [][]bool, x, y, size float64) {
	n := len(m)
	mod := size / float64(n+2*qrQuiet)
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x, y, size, size, "F")

	k := pdf.GetConversionRatio()
	_, pageH := pdf.GetPageSize()
	x0 := (x + qrQuiet*mod) * k
	top := (pageH - y - qrQuiet*mod) * k // PDF y grows upwards
	m2 := mod * k
	buf := make([]byte, 0, n*n*6)
	buf = append(buf, "q 0 g\n"...)
	for row, line := range m {
		for col := 0; col < n; {
			if !line[col] {
				col++
				continue
			}
			start := col
			for col < n && line[col] {
				col++
			}
			buf = appendNum(buf, x0+float64(start)*m2)
			buf = appendNum(buf, top-float64(row+1)*m2)
			buf = appendNum(buf, float64(col-start)*m2)
			buf = appendNum(buf, m2)
			buf = append(buf, "re\n"...)
		}
	}
	buf = append(buf, "f Q"...)
	pdf.RawWriteStr(string(buf))
}

func appendNum(b []byte, v float64) []byte {
	b = strconv.AppendFloat(b, v, 'f', 3, 64)
	return append(b, ' ')
}
