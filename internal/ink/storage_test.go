package ink

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

func TestStorageRoundTrip(t *testing.T) {
	ink, err := ParseStrokes(sampleJSON(t))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]registry.Stroke, 40)
	for i := range random {
		random[i].Points = make([]registry.Point, 1+rng.IntN(90))
		for j := range random[i].Points {
			p := registry.Point{
				X: quantise(-50 + rng.Float64()*4050),
				Y: quantise(-50 + rng.Float64()*4050),
			}
			if rng.IntN(4) > 0 { // a mix of recorded and missing times
				p.T = minTime + rng.Int64N(maxTime-minTime)
			}
			random[i].Points[j] = p
		}
	}
	tests := []struct {
		name    string
		strokes []registry.Stroke
	}{
		{"realistic signature", ink.Strokes},
		{"random points at the bounds", random},
		{"extremes", []registry.Stroke{{Points: []registry.Point{{X: -50, Y: 4000, T: maxTime}, {X: 4000, Y: -50}, {X: 0.1, Y: -0.1, T: minTime}}}}},
		{"no strokes", []registry.Stroke{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := EncodeStrokes(tt.strokes)
			got, err := DecodeStrokes(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.strokes) {
				t.Fatalf("round trip changed the strokes:\n got %+v\nwant %+v", got, tt.strokes)
			}
		})
	}
	// The point of a storage form: much smaller than what the browser sent.
	if b, raw := EncodeStrokes(ink.Strokes), sampleJSON(t); len(b)*10 > len(raw) {
		t.Errorf("storage form is %d bytes for %d bytes of JSON; want under a tenth", len(b), len(raw))
	} else {
		t.Logf("300 points: %d bytes stored, %d bytes of JSON", len(b), len(raw))
	}
}

func TestDecodeStrokesRejectsCorruptData(t *testing.T) {
	good := EncodeStrokes([]registry.Stroke{{Points: []registry.Point{{X: 1, Y: 2, T: sampleStart}, {X: 3, Y: 4, T: sampleStart + 16}}}})
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"unknown version", append([]byte{2}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing bytes", append(good[:len(good):len(good)], 0)},
		{"too many strokes", binary.AppendUvarint([]byte{storageV1}, maxStrokes+1)},
		{"too many points", binary.AppendUvarint([]byte{storageV1, 1}, maxPoints+1)},
		{"point count that overflows int", binary.AppendUvarint([]byte{storageV1, 1}, 1<<63)},
		{"unterminated varint", []byte{storageV1, 1, 1, 0x80}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeStrokes(tt.b); !errors.Is(err, errCorrupt) {
				t.Fatalf("err = %v, want %v", err, errCorrupt)
			}
		})
	}
}

func BenchmarkEncodeStrokes(b *testing.B) {
	ink, err := ParseStrokes(sampleJSON(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		EncodeStrokes(ink.Strokes)
	}
}

func BenchmarkDecodeStrokes(b *testing.B) {
	ink, err := ParseStrokes(sampleJSON(b))
	if err != nil {
		b.Fatal(err)
	}
	enc := EncodeStrokes(ink.Strokes)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeStrokes(enc); err != nil {
			b.Fatal(err)
		}
	}
}
