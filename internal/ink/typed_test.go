package ink

import (
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

func TestTyped(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // when valid
		message string // when rejected
	}{
		{name: "accented", in: "André Siregar", want: "André Siregar"},
		{name: "accent as a combining mark (NFD)", in: "Andre\u0301 Siregar", want: "André Siregar"},
		{name: "Balinese name with Ñ", in: "Ni Made Ayu Ñ", want: "Ni Made Ayu Ñ"},
		{name: "whitespace folded and trimmed", in: " \t Budi   Santoso\n", want: "Budi Santoso"},
		{name: "no-break space", in: "Budi\u00a0Santoso", want: "Budi Santoso"},
		{name: "title and punctuation", in: "Dr. Siti Nurhaliza-Putri, S.H.", want: "Dr. Siti Nurhaliza-Putri, S.H."},
		{name: "apostrophe", in: "Ma'ruf Amin", want: "Ma'ruf Amin"},
		{name: "phone keyboard apostrophe", in: "Ma’ruf Amin", want: "Ma’ruf Amin"},
		{name: "shortest", in: "A B", want: "A B"},
		{name: "longest", in: strings.Repeat("a", 120), want: strings.Repeat("a", 120)},

		{name: "empty", in: "", message: "terlalu pendek"},
		{name: "only spaces", in: "   \t ", message: "terlalu pendek"},
		{name: "too short", in: "Al", message: "terlalu pendek"},
		{name: "short after folding", in: "  A  ", message: "terlalu pendek"},
		{name: "punctuation only", in: ".-'", message: "terlalu pendek"},
		{name: "too long", in: strings.Repeat("a", 121), message: "terlalu panjang"},
		{name: "too many bytes before folding", in: "Budi" + strings.Repeat(" ", maxTypedBytes) + "Santoso", message: "terlalu panjang"},
		{name: "digits", in: "Budi Santoso 2", message: "hanya boleh"},
		{name: "markup", in: "<b>Budi</b>", message: "hanya boleh"},
		{name: "emoji", in: "Budi 😀", message: "hanya boleh"},
		{name: "control character", in: "Budi\x00Santoso", message: "hanya boleh"},
		{name: "invalid UTF-8", in: "Budi \xff Santoso", message: "tidak valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ink, err := Typed(tt.in)
			if tt.message != "" {
				mustReject(t, err, tt.message)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := registry.Ink{Kind: registry.InkTyped, Typed: tt.want}
			if ink.Kind != want.Kind || ink.Typed != want.Typed || ink.Strokes != nil || ink.PNG != nil {
				t.Fatalf("ink = %+v, want %+v", ink, want)
			}
		})
	}
}
