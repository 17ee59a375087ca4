//go:build !race

// Allocation counts are meaningless under the race detector, whose
// sync.Pool drops a share of what is put back: what would be counted is
// the detector, not the decoder. TestNormalizePNGPoolsKeepNothing checks,
// under -race too, that what the pools hand back never changes a result.

package ink

import (
	"runtime"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pngtest"
)

// A decoded signature costs a few allocations, not an image.
func TestNormalizePNGAllocatesLittle(t *testing.T) {
	in := pngtest.Encode(t, sampleCanvas())
	// On one P, as testing.AllocsPerRun counts: a goroutine that moves to
	// another P misses what it put in the pools on the first. And a
	// collection empties them, so not during the count: collect now,
	// then fill them.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	runtime.GC()
	if _, err := NormalizePNG(in); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 20
	for range n {
		if _, err := NormalizePNG(in); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	// The output PNG (8 KB) and flate's Huffman tables (10 KB), where
	// png.Decode allocates 480 KB for the image alone.
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > 32<<10 {
		t.Fatalf("NormalizePNG allocated %d bytes per call", per)
	}
}
