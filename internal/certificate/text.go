package certificate

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// The fonts are single-byte Windows-1252 fonts (see fonts/gen.go): it holds
// the Latin-1 accented letters Indonesian names carry (é, è, ñ, ü, ö, à, ç,
// å, ø) plus typographic quotes and dashes; cp1250 lacks è, à, ñ and å.

// fallback maps letters outside Windows-1252 that do not decompose into an
// encodable base letter.
var fallback = map[rune]string{
	'ı': "i", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ħ': "h", 'Ħ': "H",
	'ŀ': "l", 'Ŀ': "L", 'ŋ': "ng", 'Ŋ': "NG", 'ə': "e", 'Ə': "E",
	'\u2010': "-", '\u2011': "-", '\u2012': "-", '\u2212': "-",
	'\u2032': "'", '\u2033': "\"", '\u2044': "/",
	'\u00ad': "", '\u200b': "", '\u200c': "", '\u200d': "", '\ufeff': "",
}

// cp1252 converts s to the fonts' single-byte encoding. Nothing is lost
// silently into a wrong glyph: a letter outside the code page becomes its
// base letter ("ā" → "a", "ş" → "s") or a close ASCII stand-in, anything
// else '?'; control characters (a stray newline in a name) become spaces.
// Unlike fpdf's UnicodeTranslator closure, it keeps no state, so one
// Renderer serves concurrent requests.
func cp1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c < ' ' || c == 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	s = norm.NFC.String(s) // "e" + U+0301 from some keyboards → "é"
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		encodeRune(&b, r)
	}
	return b.String()
}

func encodeRune(b *strings.Builder, r rune) {
	switch {
	case r < 0x80 && r >= ' ' && r != 0x7f:
		b.WriteByte(byte(r))
		return
	case unicode.IsControl(r), unicode.IsSpace(r) && r != '\u00a0':
		b.WriteByte(' ')
		return
	}
	if c, ok := charmap.Windows1252.EncodeRune(r); ok && (c >= 0xa0 || isDefined80(c)) {
		b.WriteByte(c)
		return
	}
	if s, ok := fallback[r]; ok {
		b.WriteString(s)
		return
	}
	// Decompose and keep what encodes, dropping the combining marks.
	wrote := false
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if d < 0x80 && d >= ' ' {
			b.WriteByte(byte(d))
			wrote = true
		} else if c, ok := charmap.Windows1252.EncodeRune(d); ok && c >= 0xa0 {
			b.WriteByte(c)
			wrote = true
		}
	}
	if !wrote {
		b.WriteByte('?')
	}
}

// isDefined80 reports whether c is one of the printable characters Windows-1252
// puts in 0x80–0x9F (€, quotes, dashes, …, Š, Ž, Œ, Ÿ): the five holes and
// the C1 controls have no glyph in the font.
func isDefined80(c byte) bool {
	if c < 0x80 || c > 0x9f {
		return false
	}
	switch c {
	case 0x81, 0x8d, 0x8f, 0x90, 0x9d:
		return false
	}
	return true
}
