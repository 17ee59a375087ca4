package ink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The storage form of strokes is binary, about 3–4 bytes a point against
// ~70 in signature_pad's JSON:
//
//	byte     version (1)
//	uvarint  number of strokes
//	per stroke:
//	  uvarint  number of points
//	  per point: varint dx, varint dy, varint dt
//
// x and y are in tenths of a pixel and t in milliseconds; each is stored as
// the difference from the previous point of the drawing (the first from 0),
// zig-zag varint encoded, so a pen moving a few pixels every ~16 ms costs a
// byte per value. Quantised coordinates (multiples of 0.1) and any int64
// times round-trip exactly.
const storageV1 = 1

// EncodeStrokes returns the storage form of strokes whose coordinates are
// quantised as ParseStrokes leaves them.
func EncodeStrokes(s []registry.Stroke) []byte {
	n := 0
	for _, st := range s {
		n += len(st.Points)
	}
	// The first point's time takes 6 bytes; most others take 3 in all.
	b := make([]byte, 0, 16+2*len(s)+4*n)
	b = append(b, storageV1)
	b = binary.AppendUvarint(b, uint64(len(s)))
	var px, py, pt int64
	for _, st := range s {
		b = binary.AppendUvarint(b, uint64(len(st.Points)))
		for _, p := range st.Points {
			x, y := tenths(p.X), tenths(p.Y)
			b = binary.AppendVarint(b, x-px)
			b = binary.AppendVarint(b, y-py)
			b = binary.AppendVarint(b, p.T-pt)
			px, py, pt = x, y, p.T
		}
	}
	return b
}

func tenths(v float64) int64 { return int64(math.Round(v * 10)) }

var errCorrupt = errors.New("corrupt stroke data")

// DecodeStrokes reverses EncodeStrokes. It holds stored data to the same
// bounds as ParseStrokes holds input, so a corrupt row cannot make it
// allocate without limit.
func DecodeStrokes(b []byte) ([]registry.Stroke, error) {
	if len(b) == 0 || b[0] != storageV1 {
		return nil, fmt.Errorf("decode strokes: %w: unknown version", errCorrupt)
	}
	// A first pass checks the framing and counts the points, so the
	// second allocates once.
	ns, total, err := scanStrokes(b[1:])
	if err != nil {
		return nil, fmt.Errorf("decode strokes: %w", err)
	}
	strokes := make([]registry.Stroke, ns)
	points := make([]registry.Point, total)
	r := b[1:]
	_, k := binary.Uvarint(r)
	r = r[k:]
	var x, y, t int64
	next := func() int64 {
		v, k := binary.Varint(r)
		r = r[k:]
		return v
	}
	off := 0
	for i := range strokes {
		np, k := binary.Uvarint(r)
		r = r[k:]
		ps := points[off : off+int(np) : off+int(np)]
		for j := range ps {
			x += next()
			y += next()
			t += next()
			ps[j] = registry.Point{X: float64(x) / 10, Y: float64(y) / 10, T: t}
		}
		strokes[i].Points = ps
		off += int(np)
	}
	return strokes, nil
}

// scanStrokes checks that r is well-formed storage data within bounds and
// returns the numbers of strokes and points.
func scanStrokes(r []byte) (strokes, points int, err error) {
	ns, k := binary.Uvarint(r)
	if k <= 0 || ns > maxStrokes {
		return 0, 0, fmt.Errorf("%w: stroke count", errCorrupt)
	}
	r = r[k:]
	total := 0
	for range ns {
		np, k := binary.Uvarint(r)
		if k <= 0 || np > maxPoints || total+int(np) > maxPoints {
			return 0, 0, fmt.Errorf("%w: point count", errCorrupt)
		}
		r = r[k:]
		total += int(np)
		for range 3 * np {
			_, k := binary.Varint(r)
			if k <= 0 {
				return 0, 0, fmt.Errorf("%w: truncated", errCorrupt)
			}
			r = r[k:]
		}
	}
	if len(r) != 0 {
		return 0, 0, fmt.Errorf("%w: trailing bytes", errCorrupt)
	}
	return int(ns), total, nil
}
