package certificate

import (
	"fmt"
	"image"
	"image/color"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	"rsc.io/qr"
)

// qrQuiet is the white margin the QR specification asks around the symbol,
// in modules.
const qrQuiet = 4

// qrCode encodes text as the QR symbol every QR of ikrar is: medium error
// correction, which survives a crease or a smudge on a printed certificate
// while keeping modules large enough for a phone camera. The symbol is
// drawn from Code.Black, never with rsc.io/qr's own PNG writer, which
// panics at one pixel a module.
func qrCode(text string) (*qr.Code, error) {
	code, err := encodeQR(text, qr.M)
	if err != nil {
		return nil, fmt.Errorf("build QR code: %w", err)
	}
	return code, nil
}

// drawQR draws the symbol as one filled path of rectangles, a run of dark
// modules per rectangle, inside a white square of side size at (x, y) that
// includes the quiet zone. One path, not a rectangle per module, keeps the
// content stream small and leaves no hairline seams between modules.
func drawQR(pdf *fpdf.Fpdf, code *qr.Code, x, y, size float64) {
	n := code.Size
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
	for row := range n {
		for col := 0; col < n; {
			if !code.Black(col, row) {
				col++
				continue
			}
			start := col
			for col < n && code.Black(col, row) {
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

// QRImage draws text as a QR code for a screen: the symbol of certificates
// (qrCode) with its quiet zone, each module the same whole number of pixels
// square, as many as fit in about width pixels (at least one), so the edges
// stay sharp when a projector enlarges it. Its two colours make a one-bit
// PNG.
func QRImage(text string, width int) (*image.Paletted, error) {
	code, err := qrCode(text)
	if err != nil {
		return nil, err
	}
	scale := max(width/(code.Size+2*qrQuiet), 1)
	side := (code.Size + 2*qrQuiet) * scale
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y := range code.Size {
		for x := range code.Size {
			if !code.Black(x, y) {
				continue
			}
			x0, y0 := (x+qrQuiet)*scale, (y+qrQuiet)*scale
			for py := y0; py < y0+scale; py++ {
				row := img.Pix[py*img.Stride+x0 : py*img.Stride+x0+scale]
				for i := range row {
					row[i] = 1
				}
			}
		}
	}
	return img, nil
}
