package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// drawSignature makes a cursive-looking signature on a w×h canvas as
// signature_pad records it: 2–4 strokes of loops moving right, 150–300
// points in all, as the seed dictates. Coordinates are rounded to 0.1 px, as the web UI's sign.js
// sends them.
func drawSignature(seed uint64, w, h float64, startMS int64) []api.StrokeGroup {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	nStrokes := 2 + r.IntN(3)
	total := 150 + r.IntN(151)
	ms := startMS
	x := w * (0.06 + 0.06*r.Float64())
	span := w * (0.6 + 0.2*r.Float64())
	groups := make([]api.StrokeGroup, 0, nStrokes)
	for s := range nStrokes {
		n := total / nStrokes
		if s == nStrokes-1 {
			n = total - n*(nStrokes-1)
		}
		width := span / float64(nStrokes) * (0.8 + 0.3*r.Float64())
		mid := h * (0.45 + 0.1*r.Float64())
		amp := h * (0.1 + 0.12*r.Float64())
		loops := 1.2 + 1.3*r.Float64()
		phase := r.Float64() * 2 * math.Pi
		tilt := (r.Float64() - 0.5) * 0.3
		g := api.StrokeGroup{PenColor: "#0b1f44", MinWidth: 0.7, MaxWidth: 2.5, VelocityFilterWeight: 0.7,
			CompositeOperation: "source-over", Points: make([]api.StrokePoint, 0, n)}
		for i := range n {
			t := float64(i) / float64(n-1)
			px := x + width*t + 0.08*h*math.Cos(2*math.Pi*loops*t+phase)
			py := mid + amp*math.Sin(2*math.Pi*loops*t+phase) + tilt*width*(t-0.5)
			px = math.Min(math.Max(px, 1), w-1)
			py = math.Min(math.Max(py, 1), h-1)
			g.Points = append(g.Points, api.StrokePoint{X: round1(px), Y: round1(py), Pressure: 0.5, Time: ms})
			ms += 14 + int64(r.IntN(6))
		}
		groups = append(groups, g)
		x += width * (0.9 + 0.2*r.Float64())
		ms += 150 + int64(r.IntN(250)) // pen lifted
	}
	return groups
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// strokesJSON is signature_pad's toData() as sign.js posts it.
func strokesJSON(seed uint64, startMS int64) []byte {
	// Half the signers draw on a phone (a 360 px wide pad in CSS pixels),
	// half on a desktop (600 px).
	w := 600.0
	if seed%2 == 1 {
		w = 360
	}
	b, err := json.Marshal(drawSignature(seed, w, w/3, startMS))
	if err != nil {
		panic(err) // plain structs of numbers and strings always marshal
	}
	return b
}

// strokesCompact is the same drawing in the compact format sign.js posts
// (docs/FORMATS.md, "Signature strokes"), untimed as for an organization
// that keeps no stroke timing.
func strokesCompact(seed uint64, startMS int64) []byte {
	var groups []api.StrokeGroup
	if err := json.Unmarshal(strokesJSON(seed, startMS), &groups); err != nil {
		panic(err) // strokesJSON marshals these very types
	}
	strokes := make([]registry.Stroke, len(groups))
	for i, g := range groups {
		for _, p := range g.Points {
			strokes[i].Points = append(strokes[i].Points, registry.Point{X: p.X, Y: p.Y})
		}
	}
	return ink.AppendCompact(nil, strokes, false)
}

// signaturePNG renders a signature the way a browser canvas exports it:
// 600×200 RGBA (a 300×100 CSS pad at devicePixelRatio 2), anti-aliased
// dark strokes of varying width on a transparent background.
func signaturePNG(seed uint64) ([]byte, error) {
	const w, h = 600, 200
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for _, g := range drawSignature(seed, w, h, 1_729_650_000_000) {
		width := 2 * g.MaxWidth
		for i := 1; i < len(g.Points); i++ {
			a, b := g.Points[i-1], g.Points[i]
			// signature_pad thins fast strokes: the width follows the
			// speed, smoothed as its velocity filter does.
			speed := math.Hypot(b.X-a.X, b.Y-a.Y) / float64(max(b.Time-a.Time, 1))
			target := 2 * (g.MaxWidth - (g.MaxWidth-g.MinWidth)*math.Min(speed/3, 1))
			width = g.VelocityFilterWeight*width + (1-g.VelocityFilterWeight)*target
			stampSegment(img, a.X, a.Y, b.X, b.Y, width/2)
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode signature PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// penColor is signature_pad's pen colour, #0b1f44.
var penColor = color.NRGBA{R: 0x0b, G: 0x1f, B: 0x44}

// stampSegment draws a round-capped segment of radius rad with one pixel
// of anti-aliasing: coverage falls from 1 to 0 across the edge.
func stampSegment(img *image.NRGBA, x0, y0, x1, y1, rad float64) {
	b := img.Bounds()
	minX := max(int(math.Floor(math.Min(x0, x1)-rad-1)), b.Min.X)
	maxX := min(int(math.Ceil(math.Max(x0, x1)+rad+1)), b.Max.X-1)
	minY := max(int(math.Floor(math.Min(y0, y1)-rad-1)), b.Min.Y)
	maxY := min(int(math.Ceil(math.Max(y0, y1)+rad+1)), b.Max.Y-1)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Min(math.Max(((px-x0)*dx+(py-y0)*dy)/l2, 0), 1)
			}
			d := math.Hypot(px-(x0+t*dx), py-(y0+t*dy))
			cov := math.Min(math.Max(rad+0.5-d, 0), 1)
			if cov == 0 {
				continue
			}
			i := img.PixOffset(x, y)
			if a := uint8(cov*255 + 0.5); a > img.Pix[i+3] {
				img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = penColor.R, penColor.G, penColor.B, a
			}
		}
	}
}
