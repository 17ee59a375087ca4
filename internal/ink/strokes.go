package ink

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Bounds on a drawing, whichever form it arrives in. 64 KiB holds about
// 800 points of signature_pad's toData() JSON as browsers write it
// (coordinates with many decimals, pressure, time), several times a long
// signature; the signing form's compact format needs about a tenth of that.
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

const (
	msgInvalid     = "Data tanda tangan tidak valid"
	msgEmptyStroke = "Data tanda tangan tidak valid: ada goresan tanpa titik"
)

// rawPoint and rawStroke are the parts of signature_pad's point groups we
// keep. A missing x or y reads as 0 and a missing time as 0 ("not
// recorded").
type rawPoint struct {
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	Time int64   `json:"time"`
}

type rawStroke struct {
	Points []rawPoint `json:"points"`
}

// ParseStrokes validates signature_pad's toData() JSON, the API's
// documented form of a drawing, and returns it as ink, coordinates
// quantised to 0.1 px. It uses encoding/json as it is: toData() also
// carries pen colour, widths, pressure and whatever a later signature_pad
// adds, which are ignored rather than refused (so no
// DisallowUnknownFields).
func ParseStrokes(raw []byte) (registry.Ink, error) {
	if len(raw) > maxStrokesBytes {
		return registry.Ink{}, bad("Data tanda tangan terlalu besar", nil)
	}
	var in []rawStroke
	if err := json.Unmarshal(raw, &in); err != nil {
		return registry.Ink{}, bad(msgInvalid, err)
	}
	if err := checkCounts(len(in), func(i int) int { return len(in[i].Points) }); err != nil {
		return registry.Ink{}, err
	}
	n := 0
	for _, s := range in {
		n += len(s.Points)
	}
	// One backing array for all points; each stroke's slice is capped at its
	// end so an append to one stroke cannot overwrite the next.
	points := make([]registry.Point, 0, n)
	strokes := make([]registry.Stroke, len(in))
	for i, s := range in {
		start := len(points)
		for _, p := range s.Points {
			if !(p.X >= minCoord && p.X <= maxCoord && p.Y >= minCoord && p.Y <= maxCoord) {
				return registry.Ink{}, errOutOfBounds()
			}
			points = append(points, registry.Point{X: quantise(p.X), Y: quantise(p.Y), T: p.Time})
		}
		strokes[i].Points = points[start:len(points):len(points)]
	}
	return checkDrawing(strokes)
}

// ParseCompact validates a drawing in the signing form's compact format
// (docs/FORMATS.md, "Signature strokes"), which sign.js makes from
// signature_pad's data on submit:
//
//	v1:x,y x,y …;x,y …          points only
//	v1t:x,y,t x,y,dt …;…        with time, where the organization keeps it
//
// x and y are integers in tenths of a CSS pixel; t is the first point's
// time in ms since the epoch and dt each later point's ms after the one
// before it in the stroke. Anything else is refused: no spaces but the one
// between points, no leading zeros or plus signs, no empty strokes.
func ParseCompact(raw []byte) (registry.Ink, error) {
	if len(raw) > maxStrokesBytes {
		return registry.Ink{}, bad("Data tanda tangan terlalu besar", nil)
	}
	var body []byte
	var timed bool
	switch {
	case bytes.HasPrefix(raw, []byte("v1:")):
		body = raw[3:]
	case bytes.HasPrefix(raw, []byte("v1t:")):
		body, timed = raw[4:], true
	default:
		return registry.Ink{}, bad(msgInvalid, errors.New("compact strokes: unknown version"))
	}
	if len(body) == 0 {
		return registry.Ink{}, bad(msgBlank, nil)
	}
	// The separators bound the counts before anything is allocated; a
	// malformed body with the right separators fails below.
	ns := bytes.Count(body, []byte(";")) + 1
	np := bytes.Count(body, []byte(" ")) + ns
	if ns > maxStrokes {
		return registry.Ink{}, bad("Tanda tangan memiliki terlalu banyak goresan", nil)
	}
	if np > maxPoints {
		return registry.Ink{}, bad("Tanda tangan memiliki terlalu banyak titik", nil)
	}
	points := make([]registry.Point, 0, np)
	strokes := make([]registry.Stroke, 0, ns)
	start := 0
	var t int64
	for i := 0; ; {
		var x, y, v int64
		var ok bool
		if x, i, ok = compactInt(body, i, ','); !ok {
			return registry.Ink{}, errCompact(i)
		}
		if timed {
			if y, i, ok = compactInt(body, i, ','); !ok {
				return registry.Ink{}, errCompact(i)
			}
		}
		if v, i, ok = compactInt(body, i, 0); !ok {
			return registry.Ink{}, errCompact(i)
		}
		if !timed {
			y = v
		} else if len(points) == start {
			t = v
		} else {
			t += v
			if v < 0 || t > maxTime {
				return registry.Ink{}, errTime()
			}
		}
		if x < 10*minCoord || x > 10*maxCoord || y < 10*minCoord || y > 10*maxCoord {
			return registry.Ink{}, errOutOfBounds()
		}
		points = append(points, registry.Point{X: float64(x) / 10, Y: float64(y) / 10, T: t})
		if i == len(body) || body[i] == ';' {
			strokes = append(strokes, registry.Stroke{Points: points[start:len(points):len(points)]})
			start = len(points)
		}
		if i == len(body) {
			break
		}
		i++ // the separator compactInt stopped at
	}
	return checkDrawing(strokes)
}

// AppendCompact appends strokes in the compact format, as sign.js writes
// them (with timed, a time per point): for clients written in Go, such as
// the load tool, and the tests. ParseCompact accepts exactly what it
// writes of a drawing within bounds.
func AppendCompact(b []byte, strokes []registry.Stroke, timed bool) []byte {
	if timed {
		b = append(b, "v1t:"...)
	} else {
		b = append(b, "v1:"...)
	}
	for i, s := range strokes {
		if i > 0 {
			b = append(b, ';')
		}
		for j, p := range s.Points {
			if j > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, tenths(p.X), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, tenths(p.Y), 10)
			if timed {
				t := p.T
				if j > 0 {
					t -= s.Points[j-1].T
				}
				b = append(b, ',')
				b = strconv.AppendInt(b, t, 10)
			}
		}
	}
	return b
}

// compactInt reads the integer at b[i:] and checks what follows it: sep,
// or when sep is 0 a space, a semicolon or the end. It returns the index
// after sep, or after the integer when sep is 0.
func compactInt(b []byte, i int, sep byte) (int64, int, bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	d := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	// 1–14 digits (times have 13), no leading zero, no "-0".
	if j == d || j-d > 14 || b[d] == '0' && (j-d > 1 || d > i) {
		return 0, j, false
	}
	if sep != 0 {
		if j == len(b) || b[j] != sep {
			return 0, j, false
		}
	} else if j != len(b) && b[j] != ' ' && b[j] != ';' {
		return 0, j, false
	}
	var v int64
	for _, c := range b[d:j] {
		v = 10*v + int64(c-'0')
	}
	if d > i {
		v = -v
	}
	if sep != 0 {
		j++
	}
	return v, j, true
}

func errOutOfBounds() error { return bad("Koordinat tanda tangan di luar batas", nil) }

func errTime() error { return bad("Waktu goresan tanda tangan tidak valid", nil) }

func errCompact(at int) error {
	return bad(msgInvalid, errors.New("compact strokes: bad point at byte "+strconv.Itoa(at)))
}

// checkCounts holds a drawing to the stroke and point limits.
func checkCounts(strokes int, points func(int) int) error {
	if strokes == 0 {
		return bad(msgBlank, nil)
	}
	if strokes > maxStrokes {
		return bad("Tanda tangan memiliki terlalu banyak goresan", nil)
	}
	n := 0
	for i := range strokes {
		if points(i) == 0 {
			return bad(msgEmptyStroke, nil)
		}
		n += points(i)
	}
	if n > maxPoints {
		return bad("Tanda tangan memiliki terlalu banyak titik", nil)
	}
	return nil
}

// checkDrawing applies the rules every drawing meets however it arrived:
// times are recorded in ms since the epoch (or 0, not recorded) and do not
// go back within a stroke, and the drawing is big enough to be a
// signature.
func checkDrawing(strokes []registry.Stroke) (registry.Ink, error) {
	n := 0
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, s := range strokes {
		var last int64
		for _, p := range s.Points {
			if p.T != 0 && (p.T < minTime || p.T > maxTime) || p.T < last {
				return registry.Ink{}, errTime()
			}
			last = p.T
			minX, maxX = min(minX, p.X), max(maxX, p.X)
			minY, maxY = min(minY, p.Y), max(maxY, p.Y)
		}
		n += len(s.Points)
	}
	if n < minPoints || maxX-minX < minInkWidth || maxY-minY < minInkHeight {
		return registry.Ink{}, bad(msgTooSimple, nil)
	}
	return registry.Ink{Kind: registry.InkStrokes, Strokes: strokes}, nil
}

// quantise rounds v to the nearest 0.1: finer than any finger, and it makes
// the stored form exact (see EncodeStrokes).
func quantise(v float64) float64 { return math.Round(v*10) / 10 }
