package certificate

import (
	"bytes"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// Kop is the letterhead (kop surat) of an Indonesian government document:
// the organization's logo at the left, the name of the government or
// office above it and its own name centred, over a thick and a thin rule.
type Kop struct {
	Logo   []byte // a PNG as NormalizeLogo returns it; nil prints none
	Parent string // e.g. "Pemerintah Kabupaten Sleman"; "" for a root
	Name   string
}

// kopLogoH is the logo's height: the usual 2 cm of a kop.
const kopLogoH = 20.0

// DrawKop draws k across width w from (x, y), every text through tr (see
// NewDocument), and returns the y just below its rules.
func DrawKop(pdf *fpdf.Fpdf, tr func(string) string, k Kop, x, y, w float64) float64 {
	textX, textW := x, w
	if len(k.Logo) > 0 {
		drawKopLogo(pdf, k.Logo, box{x, y, kopLogoH, kopLogoH})
		// The names stay centred on the page, clear of the logo on
		// both sides.
		textX, textW = x+kopLogoH+3, w-2*(kopLogoH+3)
	}
	var lines []struct {
		text string
		size float64
	}
	if p := strings.TrimSpace(k.Parent); p != "" {
		lines = append(lines, struct {
			text string
			size float64
		}{strings.ToUpper(p), 11.5})
	}
	lines = append(lines, struct {
		text string
		size float64
	}{strings.ToUpper(orDash(k.Name)), 13.5})
	h := 0.0
	for _, l := range lines {
		h += lineH(l.size)
	}
	ty := y + max((kopLogoH-h)/2, 0)
	pdf.SetTextColor(0, 0, 0)
	for _, l := range lines {
		size := l.size
		pdf.SetFont(family, "B", size)
		for size > 8 && pdf.GetStringWidth(tr(l.text)) > textW {
			size -= 0.5
			pdf.SetFontSize(size)
		}
		pdf.SetXY(textX, ty)
		pdf.CellFormat(textW, lineH(l.size), tr(l.text), "", 0, "C", false, 0, "")
		ty += lineH(l.size)
	}
	bottom := max(y+kopLogoH, ty) + 2
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.9)
	pdf.Line(x, bottom, x+w, bottom)
	pdf.SetLineWidth(0.25)
	pdf.Line(x, bottom+1.2, x+w, bottom+1.2)
	return bottom + 1.2
}

// drawKopLogo draws a logo, in colour and with its transparency, centred
// in b.
func drawKopLogo(pdf *fpdf.Fpdf, png []byte, b box) {
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	info := pdf.RegisterImageOptionsReader("kop-logo", opt, bytes.NewReader(png))
	if info == nil || !pdf.Ok() {
		return
	}
	iw, ih := info.Width(), info.Height()
	if iw <= 0 || ih <= 0 {
		return
	}
	scale := min(b.w/iw, b.h/ih)
	w, h := iw*scale, ih*scale
	pdf.ImageOptions("kop-logo", b.x+(b.w-w)/2, b.y+(b.h-h)/2, w, h, false, opt, 0, "")
}
