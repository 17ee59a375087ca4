package ink

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const (
	minTypedRunes = 3
	maxTypedRunes = 120
	// maxTypedBytes bounds the input before any work: 120 characters of
	// up to 4 bytes each, with room for stray whitespace.
	maxTypedBytes = 1024
)

// Typed validates a typed name used as a signature: trimmed, runs of
// whitespace folded to one space, NFC (so "André" is stored and printed the
// same whichever way the keyboard composed it), 3 to 120 characters of
// letters, spaces and . , ' - (and the ’ phone keyboards type for ').
func Typed(name string) (registry.Ink, error) {
	if len(name) > maxTypedBytes {
		return registry.Ink{}, bad("Nama terlalu panjang", nil)
	}
	if !utf8.ValidString(name) {
		return registry.Ink{}, bad("Nama mengandung karakter yang tidak valid", nil)
	}
	name = norm.NFC.String(name)

	var b strings.Builder
	b.Grow(len(name))
	letters := 0
	for f := range strings.FieldsSeq(name) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		for _, r := range f {
			switch {
			case unicode.IsLetter(r):
				letters++
			case unicode.Is(unicode.Mn, r):
				// A combining accent NFC has no precomposed form for.
			case strings.ContainsRune(".,'-’", r):
			default:
				return registry.Ink{}, bad("Nama hanya boleh berisi huruf, spasi, dan tanda . , ' -", nil)
			}
		}
		b.WriteString(f)
	}
	typed := b.String()
	n := utf8.RuneCountInString(typed)
	if n < minTypedRunes || letters < 2 {
		return registry.Ink{}, bad("Nama terlalu pendek", nil)
	}
	if n > maxTypedRunes {
		return registry.Ink{}, bad("Nama terlalu panjang", nil)
	}
	return registry.Ink{Kind: registry.InkTyped, Typed: typed}, nil
}
