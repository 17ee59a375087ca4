package fastpng

import (
	"image"
	"math"

	"github.com/ikrar-id/ikrar/internal/pngtest"
)

// testLimits are the sizes the ink package accepts.
var testLimits = Limits{MinWidth: 50, MaxWidth: 2000, MinHeight: 20, MaxHeight: 1000}

// msgCorrupt marks a test case that must be rejected.
const msgCorrupt = "rejected"

// sampleCanvas is a signature as a phone's canvas exports it at
// devicePixelRatio 2: 600×200, transparent, dark anti-aliased loops whose
// edges are partly transparent.
func sampleCanvas() *image.NRGBA {
	const n = 300
	loop := make([]pngtest.Point, n)
	for i := range loop {
		s := float64(i) / (n - 1)
		a := 5 * 2 * math.Pi * s
		loop[i] = pngtest.Point{X: 2 * (20 + 200*s + 14*math.Cos(a)), Y: 2 * (55 - 28*math.Sin(a)*(0.6+0.4*math.Sin(math.Pi*s)))}
	}
	return pngtest.Canvas(600, 200, 1.5, loop)
}
