package ink

import (
	"bytes"
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

// Fields a point leaves out read as 0, never as what an earlier signer
// drew.
func TestParseStrokesMissingFieldsReadAsZero(t *testing.T) {
	for range 3 {
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
	}
}

// BenchmarkParseStrokes measures the two ways a drawing arrives: the
// signing form's compact format (with and without time) and the API's
// toData() JSON through encoding/json.
func BenchmarkParseStrokes(b *testing.B) {
	for _, in := range []struct {
		name  string
		raw   []byte
		parse func([]byte) (registry.Ink, error)
	}{
		{"compact", sampleCompact(false), ParseCompact},
		{"compact_timed", sampleCompact(true), ParseCompact},
		{"encoding_json", sampleJSON(b), ParseStrokes},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := in.parse(in.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
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

// sampleCompact is the shared drawing as the signing form now posts it.
func sampleCompact(timed bool) []byte {
	var strokes []registry.Stroke
	for _, g := range sampleDrawing() {
		var s registry.Stroke
		for _, p := range g.Points {
			s.Points = append(s.Points, registry.Point{X: quantise(p.X), Y: quantise(p.Y), T: p.Time})
		}
		strokes = append(strokes, s)
	}
	return AppendCompact(nil, strokes, timed)
}

// compactPointsOf is n points spread over a w×h box, compact, untimed.
func compactPointsOf(n int, w, h float64) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(" ")
		}
		s := float64(i) / float64(max(n-1, 1))
		fmt.Fprintf(&b, "%d,%d", tenths(10+w*s), tenths(10+h*s))
	}
	return b.String()
}

func TestParseCompact(t *testing.T) {
	ok := compactPointsOf(12, 40, 20)
	many := strings.Repeat(ok+";", maxStrokes)
	half := compactPointsOf(maxPoints/2, 80, 10)
	tests := []struct {
		name    string
		raw     string
		points  int    // when valid
		message string // when rejected: part of the message
	}{
		{name: "realistic signature", raw: string(sampleCompact(false)), points: 300},
		{name: "realistic signature with time", raw: string(sampleCompact(true)), points: 300},
		{name: "coordinates at the bounds", raw: "v1:-500,-500 40000,40000;" + ok, points: 14},
		{name: "zero and negative", raw: "v1:0,0 -1,-12;" + ok, points: 14},
		{name: "exactly the point limit", raw: "v1:" + half + ";" + half, points: maxPoints},
		{name: "exactly the stroke limit", raw: "v1:" + many[:len(many)-1], points: 12 * maxStrokes},
		{name: "time at the first point, differences after", raw: "v1t:100,100,1729659600123 400,400,16 500,250,0 700,300,17;" + strings.ReplaceAll(ok, " ", ",0 ") + ",1729659601000", points: 16},

		{name: "over 64 KiB", raw: "v1:" + ok + strings.Repeat(" 1,1", maxStrokesBytes/4), message: "terlalu besar"},
		{name: "no version", raw: ok, message: "tidak valid"},
		{name: "unknown version", raw: "v2:" + ok, message: "tidak valid"},
		{name: "nothing drawn", raw: "v1:", message: msgBlank},
		{name: "nothing drawn, timed", raw: "v1t:", message: msgBlank},
		{name: "too many strokes", raw: "v1:" + many + ok, message: "terlalu banyak goresan"},
		{name: "too many points", raw: "v1:" + half + ";" + half + " 1,1", message: "terlalu banyak titik"},
		{name: "empty stroke", raw: "v1:" + ok + ";;" + ok, message: "tidak valid"},
		{name: "trailing semicolon", raw: "v1:" + ok + ";", message: "tidak valid"},
		{name: "trailing space", raw: "v1:" + ok + " ", message: "tidak valid"},
		{name: "two spaces", raw: "v1:1,1  " + ok, message: "tidak valid"},
		{name: "missing y", raw: "v1:1 " + ok, message: "tidak valid"},
		{name: "a third number untimed", raw: "v1:1,2,3 " + ok, message: "tidak valid"},
		{name: "no time in timed", raw: "v1t:1,2 3,4", message: "tidak valid"},
		{name: "decimal point", raw: "v1:1.5,2 " + ok, message: "tidak valid"},
		{name: "leading zero", raw: "v1:01,2 " + ok, message: "tidak valid"},
		{name: "minus zero", raw: "v1:-0,2 " + ok, message: "tidak valid"},
		{name: "plus sign", raw: "v1:+1,2 " + ok, message: "tidak valid"},
		{name: "lone minus", raw: "v1:-,2 " + ok, message: "tidak valid"},
		{name: "too many digits", raw: "v1:123456789012345,2 " + ok, message: "tidak valid"},
		{name: "JSON", raw: string(sampleJSON(t)), message: "tidak valid"},
		{name: "x below the canvas", raw: "v1:-501,3;" + ok, message: "di luar batas"},
		{name: "y beyond the canvas", raw: "v1:5,40001;" + ok, message: "di luar batas"},
		{name: "huge coordinate", raw: "v1:99999999999999,3;" + ok, message: "di luar batas"},
		{name: "time that is not a ms epoch", raw: "v1t:5,3,1729659600 6,3,16;" + strings.ReplaceAll(ok, " ", ",0 ") + ",1729659601000", message: "Waktu"},
		{name: "time going back", raw: "v1t:5,3,1729659600123 6,3,-1;" + strings.ReplaceAll(ok, " ", ",0 ") + ",1729659601000", message: "Waktu"},
		{name: "time too far ahead", raw: "v1t:5,3,9999999999999 6,3,2;" + strings.ReplaceAll(ok, " ", ",0 ") + ",1729659601000", message: "Waktu"},
		{name: "a single tap", raw: "v1:1000,500", message: msgTooSimple},
		{name: "a flat line", raw: "v1:" + compactPointsOf(40, 200, 9.9), message: msgTooSimple},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ink, err := ParseCompact([]byte(tt.raw))
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
			}
			if n != tt.points {
				t.Fatalf("%d points, want %d", n, tt.points)
			}
		})
	}
}

// The same drawing posted as toData() JSON (an API client, or a signing
// page loaded before an upgrade) and in the compact format is stored as
// the same bytes, so its certificate renders the same, with time and
// without.
func TestCompactStoresWhatJSONStores(t *testing.T) {
	fromJSON, err := ParseStrokes(sampleJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, timed := range []bool{true, false} {
		fromCompact, err := ParseCompact(sampleCompact(timed))
		if err != nil {
			t.Fatal(err)
		}
		want := fromJSON
		if !timed {
			want = fromJSON.WithoutTiming()
		}
		got, wantBlob := EncodeStrokes(fromCompact.Strokes), EncodeStrokes(want.Strokes)
		if !bytes.Equal(got, wantBlob) {
			t.Fatalf("timed=%v: compact stores %x, JSON stores %x", timed, got, wantBlob)
		}
	}
	// What the format is for: a fraction of toData()'s size.
	if c, j := len(sampleCompact(true)), len(sampleJSON(t)); c*4 > j {
		t.Errorf("compact is %d bytes for %d bytes of JSON; want under a quarter", c, j)
	}
}

func FuzzParseCompact(f *testing.F) {
	f.Add(sampleCompact(false))
	f.Add(sampleCompact(true))
	f.Add([]byte("v1:-500,40000;" + compactPointsOf(12, 40, 20)))
	f.Add([]byte("v1t:1,2,1729659600123 3,4,0"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ink, err := ParseCompact(raw)
		if err != nil {
			if !registry.IsCode(err, registry.EBADINK) {
				t.Fatalf("err = %v, want code %s", err, registry.EBADINK)
			}
			return
		}
		// The grammar has one spelling for each drawing: what is accepted
		// is exactly what writing its points out gives.
		if got := AppendCompact(nil, ink.Strokes, bytes.HasPrefix(raw, []byte("v1t:"))); !bytes.Equal(got, raw) {
			t.Fatalf("accepted %q, which writes back as %q", raw, got)
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
