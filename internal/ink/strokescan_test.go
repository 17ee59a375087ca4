package ink

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// parseStrokesReference is ParseStrokes as it was before decodeStrokes:
// encoding/json into a fresh buffer, then the same checks. The scanner
// must give the same ink or the same message for every input.
//
// The old version decoded into a pooled buffer whose putBuf cleared only
// up to each stroke's length, so points left past a repeated "points" key
// could reach the next call; a fresh buffer is what that pool promised.
func parseStrokesReference(raw []byte) (registry.Ink, error) {
	return parseStrokesJSON(raw, new([]rawStroke))
}

// parseStrokesJSON is the old ParseStrokes body, decoding into buf.
func parseStrokesJSON(raw []byte, buf *[]rawStroke) (registry.Ink, error) {
	if len(raw) > maxStrokesBytes {
		return registry.Ink{}, bad("Data tanda tangan terlalu besar", nil)
	}
	if err := json.Unmarshal(raw, buf); err != nil {
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

	points := make([]registry.Point, 0, n)
	strokes := make([]registry.Stroke, len(in))
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i, s := range in {
		start := len(points)
		var last int64
		for _, p := range s.Points {
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

// clearJSONBuf empties buf as the old pool's putBuf did, for the
// benchmark of the old version.
func clearJSONBuf(buf *[]rawStroke) {
	for i := range *buf {
		s := &(*buf)[i]
		clear(s.Points)
		s.Points = s.Points[:0]
	}
	*buf = (*buf)[:0]
}

// userMessage is what a signer would see for err: its code and message.
func userMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *registry.Error
	if !errors.As(err, &e) {
		return "not a domain error: " + err.Error()
	}
	return e.Code + ": " + e.Message
}

// checkMatchesJSON fails t unless ParseStrokes and decodeStrokes agree
// with encoding/json on raw: the same ink or message from ParseStrokes,
// and from the decode alone the same accept or reject and the same values
// to the bit, into a fresh buffer and into one a previous decode used.
// It reports whether encoding/json accepted raw.
func checkMatchesJSON(t testing.TB, raw []byte) bool {
	t.Helper()
	want, wantErr := parseStrokesReference(raw)
	got, gotErr := ParseStrokes(raw)
	if userMessage(gotErr) != userMessage(wantErr) {
		t.Fatalf("input %s:\nParseStrokes error %q\nencoding/json gives %q", quoteInput(raw), userMessage(gotErr), userMessage(wantErr))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("input %s:\nParseStrokes = %+v\nencoding/json gives %+v", quoteInput(raw), got, want)
	}

	var ref []rawStroke
	refErr := json.Unmarshal(raw, &ref)
	dirty := getBuf()
	defer putBuf(dirty)
	for _, buf := range []*[]rawStroke{new([]rawStroke), dirty} {
		err := decodeStrokes(raw, buf)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("input %s:\ndecodeStrokes error %v\nencoding/json error %v", quoteInput(raw), err, refErr)
		}
		if err == nil && !sameRaw(*buf, ref) {
			t.Fatalf("input %s:\ndecodeStrokes = %+v\nencoding/json = %+v", quoteInput(raw), *buf, ref)
		}
	}
	return refErr == nil
}

// sameRaw reports whether two decodes hold the same points, comparing
// coordinates bit for bit (so 0 and -0 differ). A nil slice and an empty
// one are the same: nothing downstream can tell them apart.
func sameRaw(a, b []rawStroke) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		pa, pb := a[i].Points, b[i].Points
		if len(pa) != len(pb) {
			return false
		}
		for j := range pa {
			if math.Float64bits(pa[j].X) != math.Float64bits(pb[j].X) ||
				math.Float64bits(pa[j].Y) != math.Float64bits(pb[j].Y) ||
				pa[j].Time != pb[j].Time {
				return false
			}
		}
	}
	return true
}

func quoteInput(raw []byte) string {
	if len(raw) > 300 {
		return fmt.Sprintf("%q… (%d bytes)", raw[:300], len(raw))
	}
	return fmt.Sprintf("%q", raw)
}

// tenPoints is a drawing ParseStrokes accepts, to build cases around.
const tenPoints = `{"x":10,"y":10},{"x":14,"y":11},{"x":18,"y":13},{"x":22,"y":15},{"x":26,"y":17},` +
	`{"x":30,"y":19},{"x":34,"y":21},{"x":38,"y":23},{"x":42,"y":24},{"x":46,"y":25}`

// TestDecodeStrokesMatchesJSON holds the scanner to encoding/json on the
// corners of JSON and of encoding/json's decoding the brief names. Every
// case is checked against encoding/json; accept says what that is, so a
// case cannot quietly stop testing what its name says.
func TestDecodeStrokesMatchesJSON(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name   string
		raw    string
		accept bool // by encoding/json's decode (ParseStrokes may still reject the drawing)
	}{
		// Whole-input syntax.
		{"empty input", ``, false},
		{"only whitespace", " \t\r\n", false},
		{"whitespace around", " \t\r\n[" + `{"points":[` + tenPoints + `]}` + "]\n\t ", true},
		{"form feed is not whitespace", "\f[]", false},
		{"byte order mark", "\xef\xbb\xbf[]", false},
		{"trailing garbage", `[] x`, false},
		{"two values", `[] []`, false},
		{"trailing comma in array", `[{"points":[{"x":1}],}]`, false},
		{"trailing comma in object", `[{"points":[{"x":1,}]}]`, false},
		{"missing colon", `[{"points" [{"x":1}]}]`, false},
		{"missing comma", `[{"points":[{"x":1} {"x":2}]}]`, false},
		{"unquoted key", `[{points:[]}]`, false},
		{"single-quoted key", `[{'points':[]}]`, false},
		{"unclosed array", `[{"points":[]}`, false},
		{"unclosed object", `[{"points":[]]`, false},
		{"mismatched brackets", `[{"points":[}]}]`, false},
		{"syntax error after a type error", `[{"points":{}}, x]`, false},
		{"syntax error after 65 strokes", "[" + strings.Repeat(`{"points":[{"x":1}]},`, 65) + `{"points":[{"x":1}]]`, false},
		{"66 strokes", "[" + strings.Repeat(`{"points":[{"x":1}]},`, 65) + `{"points":[{"x":1}]}]`, true},

		// Literals.
		{"null top level", `null`, true},
		{"null with spaces", ` null `, true},
		{"nul", `nul`, false},
		{"nulll", `nulll`, false},
		{"Null", `Null`, false},
		{"true top level", `true`, false},
		{"null stroke", `[null]`, true},
		{"null point", `[{"points":[null]}]`, true},
		{"null points", `[{"points":null}]`, true},
		{"null x, y and time", `[{"points":[{"x":null,"y":null,"time":null}]}]`, true},
		{"true for x", `[{"points":[{"x":true}]}]`, false},
		{"false for time", `[{"points":[{"time":false}]}]`, false},
		{"truex in an unknown key", `[{"a":truex}]`, false},

		// Types.
		{"number top level", `12`, false},
		{"string top level", `"[]"`, false},
		{"object top level", `{"points":[]}`, false},
		{"array stroke", `[[{"x":1}]]`, false},
		{"number stroke", `[1]`, false},
		{"string stroke", `["x"]`, false},
		{"object points", `[{"points":{"x":1}}]`, false},
		{"string points", `[{"points":"[]"}]`, false},
		{"number point", `[{"points":[1,2]}]`, false},
		{"array point", `[{"points":[[1,2]]}]`, false},
		{"string x", `[{"points":[{"x":"12"}]}]`, false},
		{"object x", `[{"points":[{"x":{}}]}]`, false},
		{"array y", `[{"points":[{"y":[]}]}]`, false},
		{"string time", `[{"points":[{"time":"1729659600123"}]}]`, false},

		// Keys.
		{"upper-case keys", `[{"POINTS":[{"X":1,"Y":2,"TIME":1729659600123}]}]`, true},
		{"mixed-case keys", `[{"PoInTs":[{"x":1,"Y":2,"tImE":1729659600123}]}]`, true},
		{"escaped keys", `[{"\u0070oints":[{"\u0078":1,"\u0059":2,"ti\u006De":1729659600123}]}]`, true},
		{"escaped quote in a key", `[{"poi\"nts":[{"x":1}]}]`, true},
		{"long s folds to s", `[{"pointſ":[{"x":1}]}]`, true},
		{"escaped long s", `[{"point\u017f":[{"x":1}]}]`, true},
		{"Kelvin sign is not k", `[{"points":[{"\u212a":1}]}]`, true},
		{"dotless i is not i", `[{"points":[{"tıme":"x"}]}]`, true},
		{"dotted capital I is not i", `[{"points":[{"tİme":"x"}]}]`, true},
		{"invalid UTF-8 in a key", "[{\"points\xff\":[{\"x\":1}]}]", true},
		{"lone surrogate in a key", `[{"points\ud800":"x"}]`, true},
		{"surrogate pair in a key", `[{"points\ud83d\ude00":"x"}]`, true},
		{"reversed surrogates in a key", `[{"\ude00\ud83dpoints":"x"}]`, true},
		{"key with a NUL escape", `[{"x\u0000":"x","points":[{"x\u0000":"y"}]}]`, true},
		{"near misses are unknown", `[{"point":"a","pointss":"b","points ":"c","points":[{"xx":"d","x ":"e","tim":"f","time0":"g"}]}]`, true},
		{"point keys in a stroke are unknown", `[{"x":"a","y":{},"time":[],"points":[{"x":1}]}]`, true},
		{"stroke keys in a point are unknown", `[{"points":[{"points":{"deep":[1]},"x":1}]}]`, true},
		{"empty key", `[{"":1,"points":[{"":2,"x":1}]}]`, true},
		{"control character in a key", "[{\"poi\nnts\":[]}]", false},

		// Duplicate keys: the later value is decoded over the earlier.
		{"duplicate x", `[{"points":[{"x":1,"x":2}]}]`, true},
		{"null after x", `[{"points":[{"x":1,"x":null}]}]`, true},
		{"x then X", `[{"points":[{"x":1,"X":2}]}]`, true},
		{"duplicate points merge", `[{"points":[{"x":1,"y":2,"time":1729659600123},{"x":3,"y":4}],"points":[{"y":5}]}]`, true},
		{"duplicate points grow", `[{"points":[{"x":1},{"x":2}],"points":[{"y":5},{"y":6},{"y":7}]}]`, true},
		{"duplicate points keep shortened elements", `[{"points":[{"x":1},{"x":2},{"x":3}],"points":[{"y":5}],"points":[{},{},{},{}]}]`, true},
		{"null points forget earlier ones", `[{"points":[{"x":1},{"x":2}],"points":null,"points":[{"y":5},{}]}]`, true},
		{"empty points forget earlier ones", `[{"points":[{"x":1},{"x":2}],"points":[],"points":[{"y":5},{}]}]`, true},
		{"null points elements keep earlier ones", `[{"points":[{"x":1},{"x":2}],"points":[null,null]}]`, true},

		// Unknown values are skipped but validated.
		{"every kind of unknown value", `[{"a":"s","b":1.5e-3,"c":true,"d":false,"e":null,"f":[],"g":{},"h":[1,"2",[3],{"4":5}],"i":{"j":{"k":[null]}},"points":[{"x":1,"p":-0.5,"q":[{}],"r":{"s":[]}}]}]`, true},
		{"string escapes in an unknown value", `[{"a":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00\ud800","points":[]}]`, true},
		{"invalid UTF-8 in an unknown value", "[{\"a\":\"\xff\xfe\xc0\x80\xed\xa0\x80\",\"points\":[]}]", true},
		{"invalid escape in an unknown value", `[{"a":"\x","points":[]}]`, false},
		{"single-quote escape", `[{"a":"\'","points":[]}]`, false},
		{"short unicode escape", `[{"a":"\u12","points":[]}]`, false},
		{"bad hex in unicode escape", `[{"a":"\u12g4","points":[]}]`, false},
		{"tab in a string", "[{\"a\":\"\t\",\"points\":[]}]", false},
		{"DEL in a string", "[{\"a\":\"\x7f\",\"points\":[]}]", true},
		{"unterminated string", `[{"a":"abc`, false},
		{"bad number in an unknown value", `[{"a":01}]`, false},
		{"huge number in an unknown value", `[{"a":1e999999,"points":[{"b":-1e999999,"x":1}]}]`, true},
		{"syntax error deep in an unknown value", `[{"a":[{"b":[1,2,]}]}]`, false},
		{"missing value", `[{"a":}]`, false},
		{"missing key in an unknown object", `[{"a":{:1}}]`, false},
		{"unknown object with a number key", `[{"a":{1:1}}]`, false},

		// Nesting: encoding/json allows 10000 levels, counting every
		// array and object from the top.
		{"nesting at the limit under a stroke", `[{"a":` + deep(maxJSONDepth-2) + `}]`, true},
		{"nesting past the limit under a stroke", `[{"a":` + deep(maxJSONDepth-1) + `}]`, false},
		{"nesting at the limit under a point", `[{"points":[{"a":` + deep(maxJSONDepth-4) + `}]}]`, true},
		{"nesting past the limit under a point", `[{"points":[{"a":` + deep(maxJSONDepth-3) + `}]}]`, false},
		{"nested objects past the limit", `[{"a":` + strings.Repeat(`{"b":`, maxJSONDepth-1) + `1` + strings.Repeat(`}`, maxJSONDepth-1) + `}]`, false},
		{"nested objects at the limit", `[{"a":` + strings.Repeat(`{"b":`, maxJSONDepth-2) + `1` + strings.Repeat(`}`, maxJSONDepth-2) + `}]`, true},

		// Numbers.
		{"every number form", `[{"points":[{"x":0,"y":-0},{"x":1e2,"y":1E2},{"x":1e+2,"y":1e-2},{"x":0.5,"y":-0.5},{"x":1.5e1,"y":-1.5E-1},{"x":100e-2,"y":0.000001e6}]}]`, true},
		{"negative zero", `[{"points":[{"x":-0,"y":-0.0,"time":-0}]}]`, true},
		{"leading zero", `[{"points":[{"x":01}]}]`, false},
		{"leading plus", `[{"points":[{"x":+1}]}]`, false},
		{"no integer part", `[{"points":[{"x":.5}]}]`, false},
		{"no fraction digits", `[{"points":[{"x":1.}]}]`, false},
		{"no exponent digits", `[{"points":[{"x":1e}]}]`, false},
		{"exponent sign only", `[{"points":[{"x":1e+}]}]`, false},
		{"minus only", `[{"points":[{"x":-}]}]`, false},
		{"minus minus", `[{"points":[{"x":--1}]}]`, false},
		{"hex", `[{"points":[{"x":0x10}]}]`, false},
		{"Infinity", `[{"points":[{"x":Infinity}]}]`, false},
		{"NaN", `[{"points":[{"x":NaN}]}]`, false},
		{"two points in a number", `[{"points":[{"x":1.2.3}]}]`, false},
		{"x beyond float64", `[{"points":[{"x":1e400}]}]`, false},
		{"y beyond float64, negative", `[{"points":[{"y":-1.8e308}]}]`, false},
		{"largest float64", `[{"points":[{"x":1.7976931348623157e308}]}]`, true},
		{"x underflows to zero", `[{"points":[{"x":1e-400,"y":-1e-400}]}]`, true},
		{"smallest subnormal", `[{"points":[{"x":5e-324,"y":2.4703282292062328e-324}]}]`, true},
		{"exponent with leading zeros", `[{"points":[{"x":1e0002,"y":1E-0002}]}]`, true},
		{"huge exponent of zero", `[{"points":[{"x":0e999999999,"y":0.0e-999999999}]}]`, true},
		{"long mantissa", `[{"points":[{"x":123.45678901234567890123456789,"y":0.000000000000000000000000000012345}]}]`, true},
		{"long integer", `[{"points":[{"x":123456789012345678901234567890}]}]`, true},
		{"float32 coordinates", `[{"points":[{"x":12.300000190734863,"y":55.12345886230469},{"x":-49.99999237060547,"y":3999.999755859375}]}]`, true},
		{"halfway between float64s", `[{"points":[{"x":4503599627370496.5,"y":4503599627370497.5},{"x":2251799813685248.25,"y":2251799813685248.75},{"x":4503599627370495.75}]}]`, true},
		{"time at int64 limits", `[{"points":[{"time":9223372036854775807},{"time":-9223372036854775808}]}]`, true},
		{"time past int64", `[{"points":[{"time":9223372036854775808}]}]`, false},
		{"time past int64, negative", `[{"points":[{"time":-9223372036854775809}]}]`, false},
		{"time far past int64", `[{"points":[{"time":92233720368547758070}]}]`, false},
		{"time with a fraction", `[{"points":[{"time":1729659600123.5}]}]`, false},
		{"time with a zero fraction", `[{"points":[{"time":1729659600123.0}]}]`, false},
		{"time with an exponent", `[{"points":[{"time":1e12}]}]`, false},
		{"time with a fractional exponent", `[{"points":[{"time":1.5e12}]}]`, false},
		{"time with leading zero", `[{"points":[{"time":01}]}]`, false},
		{"negative time", `[{"points":[{"time":-1729659600123}]}]`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMatchesJSON(t, []byte(tt.raw)); got != tt.accept {
				t.Fatalf("encoding/json accepts = %v; the case expects %v", got, tt.accept)
			}
		})
	}
}

// TestDecodeStrokesMergesDuplicates pins what the duplicate-key cases
// above decode to, in case encoding/json ever changes under them.
func TestDecodeStrokesMergesDuplicates(t *testing.T) {
	tests := []struct {
		raw  string
		want []rawPoint
	}{
		{`{"points":[{"x":1,"y":2,"time":5},{"x":3,"y":4}],"points":[{"y":5}]}`, []rawPoint{{X: 1, Y: 5, Time: 5}}},
		{`{"points":[{"x":1},{"x":2},{"x":3}],"points":[{"y":5}],"points":[{},{},{},{}]}`, []rawPoint{{X: 1, Y: 5}, {X: 2}, {X: 3}, {}}},
		{`{"points":[{"x":1},{"x":2}],"points":null,"points":[{"y":5},{}]}`, []rawPoint{{Y: 5}, {}}},
		{`{"points":[{"x":1},{"x":2}],"points":[],"points":[{"y":5},{}]}`, []rawPoint{{Y: 5}, {}}},
		{`{"points":[{"x":1,"x":null,"X":null}]}`, []rawPoint{{X: 1}}},
	}
	for _, tt := range tests {
		var got []rawStroke
		if err := decodeStrokes([]byte("["+tt.raw+"]"), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !reflect.DeepEqual(got[0].Points, tt.want) {
			t.Errorf("%s decodes to %+v, want %+v", tt.raw, got, tt.want)
		}
		checkMatchesJSON(t, []byte("["+tt.raw+"]"))
	}
}

// TestParseStrokesMatchesJSONOnDrawings compares the two on drawings
// written the many ways a client could write them.
func TestParseStrokesMatchesJSONOnDrawings(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	const n = 600
	for range n {
		raw := randomDrawing(r, 4, 40)
		want, _ := parseStrokesReference(raw)
		if want.Kind != "" {
			accepted++
		}
		checkMatchesJSON(t, raw)
	}
	t.Logf("%d of %d drawings accepted", accepted, n)
	// The corpus is mostly signatures ParseStrokes accepts, or it would
	// only be comparing error messages.
	if accepted < n/2 {
		t.Fatalf("only %d of %d drawings accepted", accepted, n)
	}
	checkMatchesJSON(t, sampleJSON(t))
}

// TestParseStrokesMatchesJSONOnMutations compares the two on every
// one-byte deletion, insertion and replacement and every truncation of
// small inputs: the near misses a scanner gets wrong.
func TestParseStrokesMatchesJSONOnMutations(t *testing.T) {
	bases := []string{
		// Accepted, with a taste of everything.
		`[{"penColor":"rgb(0, 0, 0)","points":[{"x":10,"y":10.5,"time":1729659600123},{"X":1.4e1,"Y":11,"pressure":0.5},` +
			`{"x":18,"y":13,"time":1729659600155},{"x":22.25,"y":15,"time":null}]},` +
			`{"points":[{"x":26,"y":17},{"x":30,"y":19},{"\u0078":34,"y":21},{"x":38,"y":23},{"x":42,"y":-0},{"x":46,"y":25E0}],"a":[{"b":true},null,"c\"\\"]}]`,
		// Rejected by ParseStrokes, but full of decoding corners.
		`[{"points":[{"x":1,"y":2},null,{"\u0078":3e-1,"time":-0}],"a":[{"b":false},[],"\ud800"],"POINTS":[{"y":4}]},null]`,
	}
	const inserts = "{}[],:\"\\ 0-.eE+nulltrue1x\t\xff"
	for _, base := range bases {
		b := []byte(base)
		checkMatchesJSON(t, b)
		for i := 0; i <= len(b); i++ {
			checkMatchesJSON(t, b[:i])
			if i < len(b) {
				checkMatchesJSON(t, splice(b[:i], b[i+1:]))
			}
			for j := range len(inserts) {
				c := []byte{inserts[j]}
				checkMatchesJSON(t, splice(b[:i], c, b[i:]))
				if i < len(b) {
					checkMatchesJSON(t, splice(b[:i], c, b[i+1:]))
				}
			}
		}
	}
}

func splice(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// randomDrawing writes a signature_pad-style drawing of up to maxStrokes
// strokes of 3 to maxPoints+2 points with varied formatting: whitespace,
// key order and spelling, extra keys, duplicate keys and numbers in every
// form JSON allows.
func randomDrawing(r *rand.Rand, maxStrokes, maxPoints int) []byte {
	var b strings.Builder
	ws := func() {
		if r.IntN(3) == 0 {
			b.WriteString([]string{" ", "\n  ", "\t", "\r\n", "  \n\t "}[r.IntN(5)])
		}
	}
	// members writes an object's members in a random order, the first
	// one first when keepFirst is set.
	members := func(ms []func(), keepFirst bool) {
		rest := ms
		if keepFirst {
			rest = ms[1:]
		}
		r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
		b.WriteString("{")
		for i, m := range ms {
			if i > 0 {
				b.WriteString(",")
			}
			ws()
			m()
			ws()
		}
		b.WriteString("}")
	}
	key := func(spellings ...string) {
		b.WriteString(`"` + spellings[r.IntN(len(spellings))] + `"`)
		ws()
		b.WriteString(":")
		ws()
	}
	extra := func() func() {
		return func() {
			key([]string{"penColor", "dotSize", "pressure", "velocityFilterWeight", "compositeOperation",
				"pointss", "xx", "tıme", "\u212a", "point", "p\\u006fint"}[r.IntN(11)])
			b.WriteString(randomExtraValue(r))
		}
	}
	t := int64(1729659600000 + r.IntN(1000000))
	// A quarter of the drawings have the odd null stroke or point, point
	// without a time or time in a form encoding/json rejects; the rest are
	// signatures ParseStrokes accepts, however they are written.
	odd := r.IntN(4) == 0
	timed := !odd || r.IntN(2) == 0
	nStrokes := 1 + r.IntN(maxStrokes)
	b.WriteString("[")
	ws()
	for s := range nStrokes {
		if s > 0 {
			b.WriteString(",")
			ws()
		}
		if odd && r.IntN(20) == 0 {
			b.WriteString("null")
			continue
		}
		points := func() {
			key("points", "Points", "POINTS", "pointſ", `point\u017f`, `\u0070oints`)
			b.WriteString("[")
			n := 3 + r.IntN(maxPoints)
			x, y := 20+r.Float64()*200, 20+r.Float64()*60
			for i := range n {
				if i > 0 {
					b.WriteString(",")
					ws()
				}
				if odd && r.IntN(50) == 0 {
					b.WriteString("null")
					continue
				}
				x += r.NormFloat64() * 8
				y += r.NormFloat64() * 5
				t += int64(8 + r.IntN(16))
				ms := []func(){
					func() { key("x", "X", `\u0078`, `\u0058`); b.WriteString(randomNumber(r, x)) },
					func() { key("y", "Y", `\u0079`); b.WriteString(randomNumber(r, y)) },
				}
				if timed || r.IntN(2) == 0 {
					tt := t
					ms = append(ms, func() { key("time", "Time", "TIME", `t\u0069me`); b.WriteString(randomTime(r, tt, odd)) })
				}
				if r.IntN(2) == 0 {
					ms = append(ms, func() { key("pressure"); b.WriteString(randomNumber(r, r.Float64())) })
				}
				if r.IntN(20) == 0 {
					ms = append(ms, extra())
				}
				if r.IntN(10) == 0 { // a null that leaves the value alone
					ms = append(ms, func() { key("x", "y", "time"); b.WriteString("null") })
				}
				members(ms, false)
			}
			b.WriteString("]")
		}
		ms := []func(){points}
		for range r.IntN(7) {
			ms = append(ms, extra())
		}
		// Now and then an earlier points key, which the later one is
		// decoded over (kept first), or which overrides it.
		var earlier func()
		switch r.IntN(40) {
		case 0:
			earlier = points
		case 1:
			earlier = func() { key("points"); b.WriteString("null") }
		case 2:
			earlier = func() { key("points"); b.WriteString("[]") }
		}
		if earlier != nil {
			ms = append([]func(){earlier}, ms...)
		}
		members(ms, earlier != nil && r.IntN(4) > 0)
	}
	ws()
	b.WriteString("]")
	ws()
	return []byte(b.String())
}

// randomNumber writes v in one of the forms JSON allows.
func randomNumber(r *rand.Rand, v float64) string {
	switch r.IntN(12) {
	case 0:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case 1, 2, 3: // a browser's float32 position, printed as the shortest float64
		return strconv.FormatFloat(float64(float32(v)), 'f', -1, 64)
	case 4:
		return strconv.FormatFloat(v, 'e', -1, 64)
	case 5:
		return strings.ToUpper(strconv.FormatFloat(v, 'e', r.IntN(20), 64))
	case 6:
		return strconv.FormatFloat(v, 'f', r.IntN(25), 64)
	case 7:
		return strconv.FormatFloat(v, 'g', 1+r.IntN(20), 64)
	case 8:
		return strconv.Itoa(int(v))
	case 9: // digits and a negative exponent: 12345e-2
		k := r.IntN(16)
		return fmt.Sprintf("%de-%d", int64(math.Round(v*math.Pow10(k))), k)
	case 10:
		if v == 0 || r.IntN(2) == 0 {
			return []string{"0", "-0", "0.0", "-0.0", "0e5", "-0E-5"}[r.IntN(6)]
		}
		return strconv.FormatFloat(v*1000, 'f', 3, 64) + "e-3"
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// randomTime writes t, or when odd now and then something else.
func randomTime(r *rand.Rand, t int64, odd bool) string {
	if !odd {
		return strconv.FormatInt(t, 10)
	}
	switch r.IntN(60) {
	case 0:
		return "null"
	case 1:
		return "0"
	case 2:
		return "-0"
	case 3:
		return strconv.FormatInt(t, 10) + ".0"
	case 4:
		return strconv.FormatFloat(float64(t), 'e', -1, 64)
	}
	return strconv.FormatInt(t, 10)
}

func randomExtraValue(r *rand.Rand) string {
	return []string{
		`"black"`, `"rgb(0, 0, 0)"`, `"source-over"`, `0`, `0.5`, `2.5`, `0.7`, `-1e-7`, `1e999`,
		`true`, `false`, `null`, `[]`, `{}`, `[1,"2",[3],{"4":5}]`, `{"a":{"b":[null,true]}}`,
		`"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\udc00"`, "\"\xff\xfe\"", `"ſ"`, `{"x":"not a number","points":{}}`,
	}[r.IntN(20)]
}

// TestScanFloatMatchesParseFloat holds the number scanner to
// strconv.ParseFloat bit for bit, on the numbers browsers write and on
// the cases its 128-bit rounding test has to get right: exact halfway
// points between float64s and numbers just either side of them.
func TestScanFloatMatchesParseFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	check := func(s string) {
		t.Helper()
		want, wantErr := strconv.ParseFloat(s, 64)
		d := strokeDecoder{data: []byte(s)}
		got, err := d.float()
		if (err == nil) != (wantErr == nil) || err == nil && d.pos != len(s) {
			t.Fatalf("float(%q) = %v, %v at %d; ParseFloat gives %v", s, got, err, d.pos, wantErr)
		}
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("float(%q) = %v (%#x), ParseFloat gives %v (%#x)", s, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
	for range 20000 {
		// Browser coordinates: float32 positions as the shortest float64.
		v := float64(float32((r.Float64()*4100 - 60) * (1 + 3*r.Float64())))
		check(strconv.FormatFloat(v, 'f', -1, 64))
		check(strconv.FormatFloat(-v, 'f', -1, 64))
		check(strconv.FormatFloat(v/1000, 'f', -1, 64))
		// Random digit strings with a point and an exponent anywhere.
		digits := make([]byte, 1+r.IntN(22))
		for i := range digits {
			digits[i] = byte('0' + r.IntN(10))
		}
		if len(digits) > 1 && digits[0] == '0' {
			digits[0] = '1' + byte(r.IntN(9))
		}
		s := string(digits)
		if p := r.IntN(len(s) + 1); p < len(s) && p > 0 {
			s = s[:p] + "." + s[p:]
		}
		if r.IntN(3) == 0 {
			s += "e" + strconv.Itoa(r.IntN(60)-30)
		}
		check(s)
	}
	// Halfway points between float64s, written exactly, and the numbers
	// one unit of their last digit either side.
	for _, bits := range []int{50, 51, 52, 53} {
		for range 2000 {
			f := math.Ldexp(1+r.Float64(), bits)
			next := math.Nextafter(f, math.Inf(1))
			mid := new(big.Float).SetPrec(200).Add(new(big.Float).SetFloat64(f), new(big.Float).SetFloat64(next))
			mid.Quo(mid, big.NewFloat(2))
			s := mid.Text('f', -1)
			check(s)
			check(nudge(s, +1))
			check(nudge(s, -1))
		}
	}
	// Below a power of two the float below is half as far.
	for e := 40; e <= 60; e++ {
		f := math.Ldexp(1, e)
		prev := math.Nextafter(f, 0)
		mid := new(big.Float).SetPrec(200).Add(new(big.Float).SetFloat64(f), new(big.Float).SetFloat64(prev))
		mid.Quo(mid, big.NewFloat(2))
		check(mid.Text('f', -1))
		check(nudge(mid.Text('f', -1), 1))
		check(nudge(mid.Text('f', -1), -1))
	}
	// Near halfway at the magnitudes of coordinates, with 17 to 19
	// digits: the exact midpoint rounded to those digits.
	for range 5000 {
		f := r.Float64() * 4000
		next := math.Nextafter(f, math.Inf(1))
		mid := new(big.Float).SetPrec(300).Add(new(big.Float).SetFloat64(f), new(big.Float).SetFloat64(next))
		mid.Quo(mid, big.NewFloat(2))
		for prec := 16; prec <= 20; prec++ {
			check(mid.Text('g', prec))
		}
	}
}

// nudge adds delta to the last digit of the decimal s (no exponent),
// carrying as needed; a point is added if s has none.
func nudge(s string, delta int) string {
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	i := strings.IndexByte(s, '.')
	digits := s[:i] + s[i+1:]
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		panic(s)
	}
	n.Add(n, big.NewInt(int64(delta)))
	out := n.String()
	frac := len(s) - i - 1
	for len(out) <= frac {
		out = "0" + out
	}
	return out[:len(out)-frac] + "." + out[len(out)-frac:]
}

// FuzzParseStrokesMatchesJSON compares ParseStrokes and decodeStrokes
// with encoding/json on any input.
//
// The seeds are small (the differential tests cover the full-size
// sample): the fuzzer minimises every input that finds new code, in time
// quadratic in its length, and fuzzes nothing meanwhile.
func FuzzParseStrokesMatchesJSON(f *testing.F) {
	f.Add([]byte(`[{"points":[` + tenPoints + `]}]`))
	f.Add([]byte(`[{"points":[{"x":1,"y":2},null,{"\u0078":3e-1,"time":-0}],"a":[{"b":false},[],"\ud800"],"POINTS":[{"y":4}]},null]`))
	f.Add([]byte(`[{"points":[{"x":1},{"x":2},{"x":3}],"points":[{"y":5}],"points":[{},{},{},{}]}]`))
	f.Add([]byte(`[{"pointſ":[{"X":4503599627370496.5,"Y":12.300000190734863,"TIME":1e12}]}]`))
	f.Add([]byte(`[{"a":[[[{"b":"\u00e9\ud83d\ude00"}]]],"points":[{"x":1e400}]}]`))
	r := rand.New(rand.NewPCG(5, 6))
	for range 8 {
		f.Add(randomDrawing(r, 2, 5))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkMatchesJSON(t, raw)
	})
}
