package ink

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The drawing the tests and benchmarks share: a cursive name with loops, an
// underline and a short flourish, 300 points sampled every 16 ms the way
// signature_pad samples a finger on a phone, on a 300×100 CSS-pixel canvas.

type samplePoint struct {
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Pressure float64 `json:"pressure"`
	Time     int64   `json:"time"`
}

// sampleGroup is one of signature_pad v5's toData() point groups, all
// fields included.
type sampleGroup struct {
	PenColor             string        `json:"penColor"`
	DotSize              float64       `json:"dotSize"`
	MinWidth             float64       `json:"minWidth"`
	MaxWidth             float64       `json:"maxWidth"`
	VelocityFilterWeight float64       `json:"velocityFilterWeight"`
	CompositeOperation   string        `json:"compositeOperation"`
	Points               []samplePoint `json:"points"`
}

const sampleStart = 1729659600123 // ms since the epoch

func sampleDrawing() []sampleGroup {
	t := int64(sampleStart)
	stroke := func(n int, f func(s float64) (x, y float64)) sampleGroup {
		g := sampleGroup{
			PenColor: "black", MinWidth: 0.5, MaxWidth: 2.5,
			VelocityFilterWeight: 0.7, CompositeOperation: "source-over",
		}
		for i := range n {
			x, y := f(float64(i) / float64(n-1))
			// Browsers report pointer positions as float32 scaled by
			// the device pixel ratio: many decimals in the JSON.
			g.Points = append(g.Points, samplePoint{
				X: float64(float32(x)), Y: float64(float32(y)), Pressure: 0.5, Time: t,
			})
			t += 16
		}
		t += 350 // finger lifted
		return g
	}
	return []sampleGroup{
		stroke(200, func(s float64) (float64, float64) {
			a := 5 * 2 * math.Pi * s
			return 20 + 200*s + 14*math.Cos(a), 55 - 28*math.Sin(a)*(0.6+0.4*math.Sin(math.Pi*s))
		}),
		stroke(80, func(s float64) (float64, float64) {
			return 15 + 240*s, 88 + 4*math.Sin(3*s)
		}),
		stroke(20, func(s float64) (float64, float64) {
			return 230 + 25*s, 20 + 18*s*s
		}),
	}
}

func sampleJSON(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(sampleDrawing())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sampleCanvas renders the drawing as a phone's canvas holds it at
// devicePixelRatio 2: 600×200, transparent, anti-aliased strokes of dark ink
// whose edges are partly transparent.
func sampleCanvas() *image.NRGBA {
	const dpr, radius = 2, 1.5
	m := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	ink := color.NRGBA{R: 0x10, G: 0x18, B: 0x30}
	for _, g := range sampleDrawing() {
		for i := 1; i < len(g.Points); i++ {
			ax, ay := g.Points[i-1].X*dpr, g.Points[i-1].Y*dpr
			bx, by := g.Points[i].X*dpr, g.Points[i].Y*dpr
			x0, x1 := int(math.Min(ax, bx)-radius-1), int(math.Max(ax, bx)+radius+2)
			y0, y1 := int(math.Min(ay, by)-radius-1), int(math.Max(ay, by)+radius+2)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					d := segmentDistance(float64(x)+0.5, float64(y)+0.5, ax, ay, bx, by)
					cover := math.Min(1, math.Max(0, radius+0.5-d))
					a := uint8(math.Round(cover * 255))
					if !(image.Point{x, y}.In(m.Rect)) || a <= m.NRGBAAt(x, y).A {
						continue
					}
					c := ink
					c.A = a
					m.SetNRGBA(x, y, c)
				}
			}
		}
	}
	return m
}

func segmentDistance(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	s := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		s = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l))
	}
	return math.Hypot(px-(ax+s*dx), py-(ay+s*dy))
}

func mustPNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mustReject fails t unless err is this package's rejection with a message
// containing want.
func mustReject(t *testing.T, err error, want string) {
	t.Helper()
	if !registry.IsCode(err, registry.EBADINK) {
		t.Fatalf("err = %v, want code %s", err, registry.EBADINK)
	}
	if msg := registry.ErrorMessage(err); !strings.Contains(msg, want) {
		t.Fatalf("message = %q, want it to contain %q", msg, want)
	}
}
