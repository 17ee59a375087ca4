package certificate

import (
	"bytes"
	"math"

	"codeberg.org/go-pdf/fpdf"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// box is a rectangle on the page, in millimetres.
type box struct{ x, y, w, h float64 }

// inkWidth is the pen width of a drawn signature: about a ballpoint's.
const inkWidth = 0.5

// drawStrokes draws the signer's pen strokes as vector paths, scaled to fit
// b with their aspect ratio kept and centred in it.
func drawStrokes(pdf *fpdf.Fpdf, strokes []registry.Stroke, b box) {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, s := range strokes {
		for _, p := range s.Points {
			minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
			minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
		}
	}
	if math.IsInf(minX, 0) {
		return
	}
	// Keep the pen's width inside the box.
	inner := box{b.x + inkWidth, b.y + inkWidth, b.w - 2*inkWidth, b.h - 2*inkWidth}
	w, h := maxX-minX, maxY-minY
	scale := 1.0
	switch {
	case w > 0 && h > 0:
		scale = math.Min(inner.w/w, inner.h/h)
	case w > 0:
		scale = inner.w / w
	case h > 0:
		scale = inner.h / h
	}
	ox := inner.x + (inner.w-w*scale)/2
	oy := inner.y + (inner.h-h*scale)/2
	at := func(p registry.Point) (float64, float64) {
		return ox + (p.X-minX)*scale, oy + (p.Y-minY)*scale
	}

	pdf.SetDrawColor(16, 32, 96)
	pdf.SetFillColor(16, 32, 96)
	pdf.SetLineWidth(inkWidth)
	pdf.SetLineCapStyle("round")
	pdf.SetLineJoinStyle("round")
	for _, s := range strokes {
		switch len(s.Points) {
		case 0:
			continue
		case 1: // a dot: a zero-length line shows in some viewers only
			x, y := at(s.Points[0])
			pdf.Circle(x, y, inkWidth/2, "F")
			continue
		}
		pdf.MoveTo(at(s.Points[0]))
		for _, p := range s.Points[1:] {
			pdf.LineTo(at(p))
		}
		pdf.DrawPath("D")
	}
	pdf.SetLineCapStyle("butt")
	pdf.SetLineJoinStyle("miter")
}

// drawImage places a registered image in b, scaled to fit with its aspect
// ratio kept, centred horizontally and sitting on the box's bottom edge the
// way a hand signature sits on its line.
func drawImage(pdf *fpdf.Fpdf, name string, png []byte, b box) {
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	info := pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
	if info == nil || !pdf.Ok() {
		return
	}
	iw, ih := info.Width(), info.Height()
	if iw <= 0 || ih <= 0 {
		return
	}
	scale := math.Min(b.w/iw, b.h/ih)
	w, h := iw*scale, ih*scale
	pdf.ImageOptions(name, b.x+(b.w-w)/2, b.y+b.h-h, w, h, false, opt, 0, "")
}
