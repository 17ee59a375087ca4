package ink

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// pointsJSON writes n points as one stroke's points array, spread over a
// w×h box so they pass the "too simple" test when there are enough.
func pointsJSON(n int, w, h float64) string {
	var b strings.Builder
	b.WriteString(`[`)
	for i := range n {
		if i > 0 {
			b.WriteString(`,`)
		}
		s := float64(i) / float64(max(n-1, 1))
		fmt.Fprintf(&b, `{"x":%g,"y":%g}`, 10+w*s, 10+h*s)
	}
	b.WriteString(`]`)
	return b.String()
}

// compactPoints writes n points as one stroke's points array in as few
// bytes as JSON allows, so the point limit fits under the byte limit.
func compactPoints(n int) string {
	var b strings.Builder
	b.WriteString(`[`)
	for i := range n {
		if i > 0 {
			b.WriteString(`,`)
		}
		fmt.Fprintf(&b, `{"x":%d,"y":%d}`, 10+i%90, i%11)
	}
	b.WriteString(`]`)
	return b.String()
}

func strokesJSON(strokes ...string) []byte {
	var b strings.Builder
	b.WriteString(`[`)
	for i, s := range strokes {
		if i > 0 {
			b.WriteString(`,`)
		}
		b.WriteString(`{"penColor":"black","points":` + s + `}`)
	}
	b.WriteString(`]`)
	return []byte(b.String())
}

func TestParseStrokes(t *testing.T) {
	ok := pointsJSON(12, 40, 20)
	many := make([]string, maxStrokes+1)
	for i := range many {
		many[i] = ok
	}
	tests := []struct {
		name    string
		raw     []byte
		points  int    // when valid
		message string // when rejected: part of the message
	}{
		{name: "realistic signature", raw: sampleJSON(t), points: 300},
		{name: "browser sample with every field", raw: []byte(`[{"penColor":"rgb(0, 0, 0)","dotSize":0,"minWidth":0.5,"maxWidth":2.5,"velocityFilterWeight":0.7,"compositeOperation":"source-over","points":[
			{"x":12.5,"y":40,"pressure":0.5,"time":1729659600123},{"x":20.25,"y":38.125,"pressure":0.5,"time":1729659600139},
			{"x":28.3333,"y":36,"pressure":0.5,"time":1729659600155},{"x":36,"y":41.75,"pressure":0.5,"time":1729659600171},
			{"x":41,"y":48.5,"pressure":0.5,"time":1729659600187}]},
			{"penColor":"rgb(0, 0, 0)","points":[{"x":30,"y":55,"pressure":0.5,"time":1729659600500},{"x":35,"y":54,"pressure":0.5,"time":1729659600516},
			{"x":40,"y":53,"pressure":0.5,"time":1729659600532},{"x":45,"y":52,"pressure":0.5,"time":1729659600548},
			{"x":50,"y":51,"pressure":0.5,"time":1729659600548}],"extra":{"nested":[1,2,3]}}]`), points: 10},
		{name: "no times recorded", raw: strokesJSON(ok), points: 12},
		{name: "coordinates at the bounds", raw: strokesJSON(`[{"x":-50,"y":-50},{"x":4000,"y":4000}]`, ok), points: 14},
		{name: "exactly the point limit", raw: strokesJSON(compactPoints(maxPoints/2), compactPoints(maxPoints/2)), points: maxPoints},
		{name: "exactly the stroke limit", raw: strokesJSON(many[:maxStrokes]...), points: 12 * maxStrokes},

		{name: "over 64 KiB", raw: append(sampleJSON(t), make([]byte, maxStrokesBytes)...), message: "terlalu besar"},
		{name: "not JSON", raw: []byte(`[{"points":[{"x":1,`), message: "tidak valid"},
		{name: "an object, not an array", raw: []byte(`{"points":[]}`), message: "tidak valid"},
		{name: "coordinate as string", raw: strokesJSON(`[{"x":"12","y":3}]`), message: "tidak valid"},
		{name: "time with a fraction", raw: strokesJSON(`[{"x":1,"y":3,"time":1729659600123.5}]`), message: "tidak valid"},
		{name: "number too large for float64 (JSON has no NaN or Inf)", raw: strokesJSON(`[{"x":1e400,"y":3}]`), message: "tidak valid"},
		{name: "empty array", raw: []byte(`[]`), message: msgBlank},
		{name: "null", raw: []byte(`null`), message: msgBlank},
		{name: "too many strokes", raw: strokesJSON(many...), message: "terlalu banyak goresan"},
		{name: "too many points", raw: strokesJSON(compactPoints(maxPoints/2), compactPoints(maxPoints/2+1)), message: "terlalu banyak titik"},
		{name: "stroke without points", raw: strokesJSON(ok, `[]`), message: "tanpa titik"},
		{name: "stroke with points missing", raw: []byte(`[{"points":` + ok + `},{"penColor":"black"}]`), message: "tanpa titik"},
		{name: "stroke that is null", raw: []byte(`[{"points":` + ok + `},null]`), message: "tanpa titik"},
		{name: "x below the canvas", raw: strokesJSON(ok, `[{"x":-50.01,"y":3}]`), message: "di luar batas"},
		{name: "y beyond the canvas", raw: strokesJSON(ok, `[{"x":5,"y":4000.01}]`), message: "di luar batas"},
		{name: "huge coordinate", raw: strokesJSON(ok, `[{"x":1e300,"y":3}]`), message: "di luar batas"},
		{name: "huge negative coordinate", raw: strokesJSON(ok, `[{"x":5,"y":-1.7e308}]`), message: "di luar batas"},
		{name: "time that is not a ms epoch", raw: strokesJSON(ok, `[{"x":5,"y":3,"time":1729659600}]`), message: "Waktu"},
		{name: "time too far ahead", raw: strokesJSON(ok, `[{"x":5,"y":3,"time":10000000000001}]`), message: "Waktu"},
		{name: "negative time", raw: strokesJSON(ok, `[{"x":5,"y":3,"time":-1729659600123}]`), message: "Waktu"},
		{name: "time going back within a stroke", raw: strokesJSON(ok, `[{"x":5,"y":3,"time":1729659600123},{"x":6,"y":3,"time":1729659600122}]`), message: "Waktu"},
		{name: "time dropping to zero within a stroke", raw: strokesJSON(ok, `[{"x":5,"y":3,"time":1729659600123},{"x":6,"y":3,"time":0}]`), message: "Waktu"},
		{name: "a single tap", raw: strokesJSON(`[{"x":100,"y":50,"time":1729659600123}]`), message: msgTooSimple},
		{name: "ten points in a small blob", raw: strokesJSON(pointsJSON(10, 5, 5)), message: msgTooSimple},
		{name: "nine points, wide enough", raw: strokesJSON(pointsJSON(9, 100, 50)), message: msgTooSimple},
		{name: "a flat line", raw: strokesJSON(pointsJSON(40, 200, 9.9)), message: msgTooSimple},
		{name: "a thin upright line", raw: strokesJSON(pointsJSON(40, 19.9, 100)), message: msgTooSimple},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ink, err := ParseStrokes(tt.raw)
			if tt.message != "" {
				mustReject(t, err, tt.message)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ink.Kind != registry.InkStrokes || ink.PNG != nil || ink.Typed != "" {
				t.Fatalf("ink = %+v, want only strokes", ink)
			}
			n := 0
			for _, s := range ink.Strokes {
				n += len(s.Points)
				for _, p := range s.Points {
					if p.X != quantise(p.X) || p.Y != quantise(p.Y) {
						t.Fatalf("point %+v is not quantised to 0.1", p)
					}
				}
			}
			if n != tt.points {
				t.Fatalf("%d points, want %d", n, tt.points)
			}
		})
	}
}

func TestParseStrokesKeepsTheDrawing(t *testing.T) {
	want := sampleDrawing()
	ink, err := ParseStrokes(sampleJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ink.Strokes) != len(want) {
		t.Fatalf("%d strokes, want %d", len(ink.Strokes), len(want))
	}
	for i, s := range ink.Strokes {
		if len(s.Points) != len(want[i].Points) {
			t.Fatalf("stroke %d: %d points, want %d", i, len(s.Points), len(want[i].Points))
		}
		for j, p := range s.Points {
			w := want[i].Points[j]
			if math.Abs(p.X-w.X) > 0.05+1e-9 || math.Abs(p.Y-w.Y) > 0.05+1e-9 || p.T != w.Time {
				t.Fatalf("stroke %d point %d = %+v, want about %+v", i, j, p, w)
			}
		}
	}
	// Each stroke's slice is capped, so appending to one cannot write
	// into the next.
	first := ink.Strokes[1].Points[0]
	_ = append(ink.Strokes[0].Points, registry.Point{X: -1})
	if ink.Strokes[1].Points[0] != first {
		t.Fatal("append to stroke 0 overwrote stroke 1")
	}
}

func TestParseStrokesQuantises(t *testing.T) {
	raw := strokesJSON(`[{"x":12.34,"y":40.06},{"x":12.36,"y":-0.04}]`, pointsJSON(10, 40, 20))
	ink, err := ParseStrokes(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := ink.Strokes[0].Points
	want := []registry.Point{{X: 12.3, Y: 40.1}, {X: 12.4, Y: 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("points = %+v, want %+v", got, want)
	}
}

// A pooled decode buffer must not carry one request's points into the
// next: a point without coordinates reads as 0, never as what the previous
// signer drew.
func TestParseStrokesDoesNotLeakBetweenCalls(t *testing.T) {
	for range 20 {
		if _, err := ParseStrokes(sampleJSON(t)); err != nil {
			t.Fatal(err)
		}
		ink, err := ParseStrokes(strokesJSON(`[{},{"time":0}]`, pointsJSON(10, 40, 20)))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ink.Strokes[0].Points {
			if p != (registry.Point{}) {
				t.Fatalf("point without fields = %+v, want zero", p)
			}
		}

		// A repeated points key leaves points past the later array's
		// length; they must not reach the next call either.
		ParseStrokes([]byte(`[{"points":` + pointsJSON(12, 40, 20) + `,"points":[{}]}]`))
		ink, err = ParseStrokes(strokesJSON(`[{},{},{},{},{},{},{},{},{},{},{},{}]`, pointsJSON(10, 40, 20)))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ink.Strokes[0].Points {
			if p != (registry.Point{}) {
				t.Fatalf("point without fields after a repeated points key = %+v, want zero", p)
			}
		}
	}
}

// BenchmarkParseStrokes compares ParseStrokes with the encoding/json
// version it replaced (parseStrokesJSON, reusing its buffer as the old
// pool did).
func BenchmarkParseStrokes(b *testing.B) {
	raw := sampleJSON(b)
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseStrokes(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		buf := new([]rawStroke)
		for b.Loop() {
			if _, err := parseStrokesJSON(raw, buf); err != nil {
				b.Fatal(err)
			}
			clearJSONBuf(buf)
		}
	})
}

func FuzzParseStrokes(f *testing.F) {
	f.Add(sampleJSON(f))
	f.Add(strokesJSON(pointsJSON(12, 40, 20), `[{"x":-50,"y":4000,"time":1729659600123}]`))
	f.Add([]byte(`[{"points":[{"x":1e308}]}]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ink, err := ParseStrokes(raw)
		if err != nil {
			if !registry.IsCode(err, registry.EBADINK) {
				t.Fatalf("err = %v, want code %s", err, registry.EBADINK)
			}
			return
		}
		got, err := DecodeStrokes(EncodeStrokes(ink.Strokes))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, ink.Strokes) {
			t.Fatal("storage round trip changed the strokes")
		}
	})
}
