package ink

import (
	"encoding/json"
	"image"
	"math"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pngtest"
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
	const dpr = 2
	var strokes [][]pngtest.Point
	for _, g := range sampleDrawing() {
		s := make([]pngtest.Point, len(g.Points))
		for i, p := range g.Points {
			s[i] = pngtest.Point{X: p.X * dpr, Y: p.Y * dpr}
		}
		strokes = append(strokes, s)
	}
	return pngtest.Canvas(600, 200, 1.5, strokes...)
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
