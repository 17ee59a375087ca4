package ink

import (
	"math"
	"sync"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Bounds on a drawing as signature_pad's toData() sends it. 64 KiB holds
// about 800 points as browsers write them (coordinates with many decimals,
// pressure, time), several times a long signature.
const (
	maxStrokesBytes = 64 << 10
	maxStrokes      = 64
	maxPoints       = 4000
	minPoints       = 10
	minCoord        = -50 // a stroke may start just off the canvas
	maxCoord        = 4000
	minTime         = 1e12 // ms since the epoch: 2001-09-09
	maxTime         = 1e13 // 2286-11-20
)

// rawPoint and rawStroke are the parts of signature_pad's point groups we
// keep; pen colour, widths, pressure and the rest are ignored. A missing x
// or y reads as 0 and a missing time as 0 ("not recorded"). decodeStrokes
// fills them as encoding/json would by these tags (the tests hold it to
// that).
type rawPoint struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	Time int64   `json:"time"`
}

type rawStroke struct {
	Points []rawPoint `json:"points"`
}

// rawPool keeps decode buffers between requests, which saves the slice
// growths a decode does per drawing. decodeStrokes, like encoding/json,
// decodes into the elements a slice already has capacity for without
// zeroing them (a repeated "points" key merges into the earlier points and
// may leave them past the new length), so putBuf zeroes every stroke's
// points up to its capacity: a pooled buffer never carries one signer's
// points into another's decode.
var rawPool = sync.Pool{New: func() any { return new([]rawStroke) }}

func getBuf() *[]rawStroke { return rawPool.Get().(*[]rawStroke) }

func putBuf(buf *[]rawStroke) {
	for i := range *buf {
		s := &(*buf)[i]
		clear(s.Points[:cap(s.Points)])
		s.Points = s.Points[:0]
	}
	*buf = (*buf)[:0]
	rawPool.Put(buf)
}

// ParseStrokes validates signature_pad's toData() JSON and returns it as
// ink, coordinates quantised to 0.1 px.
func ParseStrokes(raw []byte) (registry.Ink, error) {
	if len(raw) > maxStrokesBytes {
		return registry.Ink{}, bad("Data tanda tangan terlalu besar", nil)
	}
	buf := getBuf()
	defer putBuf(buf)
	if err := decodeStrokes(raw, buf); err != nil {
		return registry.Ink{}, bad("Data tanda tangan tidak valid", err)
	}
	in := *buf

	if len(in) == 0 {
		return registry.Ink{}, bad(msgBlank, nil)
	}
	if len(in) > maxStrokes {
		return registry.Ink{}, bad("Tanda tangan memiliki terlalu banyak goresan", nil)
	}
	n := 0
	for _, s := range in {
		if len(s.Points) == 0 {
			return registry.Ink{}, bad("Data tanda tangan tidak valid: ada goresan tanpa titik", nil)
		}
		n += len(s.Points)
	}
	if n > maxPoints {
		return registry.Ink{}, bad("Tanda tangan memiliki terlalu banyak titik", nil)
	}

	// One backing array for all points; each stroke's slice is capped at its
	// end so an append to one stroke cannot overwrite the next.
	points := make([]registry.Point, 0, n)
	strokes := make([]registry.Stroke, len(in))
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i, s := range in {
		start := len(points)
		var last int64
		for _, p := range s.Points {
			// The negated test also catches NaN, should a decoder ever
			// produce one.
			if !(p.X >= minCoord && p.X <= maxCoord && p.Y >= minCoord && p.Y <= maxCoord) {
				return registry.Ink{}, bad("Koordinat tanda tangan di luar batas", nil)
			}
			if p.Time != 0 && (p.Time < minTime || p.Time > maxTime) || p.Time < last {
				return registry.Ink{}, bad("Waktu goresan tanda tangan tidak valid", nil)
			}
			last = p.Time
			x, y := quantise(p.X), quantise(p.Y)
			minX, maxX = min(minX, x), max(maxX, x)
			minY, maxY = min(minY, y), max(maxY, y)
			points = append(points, registry.Point{X: x, Y: y, T: p.Time})
		}
		strokes[i].Points = points[start:len(points):len(points)]
	}
	if n < minPoints || maxX-minX < minInkWidth || maxY-minY < minInkHeight {
		return registry.Ink{}, bad(msgTooSimple, nil)
	}
	return registry.Ink{Kind: registry.InkStrokes, Strokes: strokes}, nil
}

// quantise rounds v to the nearest 0.1: finer than any finger, and it makes
// the stored form exact (see EncodeStrokes).
func quantise(v float64) float64 { return math.Round(v*10) / 10 }
