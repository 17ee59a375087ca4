package registry

import (
	"slices"
	"strings"
	"unicode"
)

// frontTitles are titles written before a name that a roster may or may not
// carry and a signer may or may not type: "Dr.", "Drs.", "H.", "Hj.", "Ir.".
var frontTitles = map[string]bool{
	"dr": true, "drs": true, "dra": true, "drg": true, "ir": true, "h": true, "hj": true, "prof": true,
	"apt": true, "ns": true, "bd": true, "kh": true, "tgk": true,
}

// NameMatches reports whether typed is the employee's own name, as a signer
// would type it: with or without front and back titles, in any case, with
// any spacing and punctuation. "siti aminah" and "Dr. Siti Aminah, S.H."
// both match "Dr. Siti Aminah, S.H., M.Si."; "Sri Wahyuni" does not.
func (e Employee) NameMatches(typed string) bool {
	want := nameWords(e.Name, e)
	return len(want) > 0 && slices.Equal(nameWords(typed, e), want)
}

// nameWords reduces a written name to its words: letters only, lower case,
// back titles (after the first comma) dropped, and front titles — the
// employee's own or the common ones — dropped from the start, back titles
// written without a comma dropped from the end.
func nameWords(s string, e Employee) []string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	own := map[string]bool{}
	for _, w := range words(e.FrontTitle) {
		own[w] = true
	}
	back := map[string]bool{}
	for _, w := range words(e.BackTitle) {
		back[w] = true
	}
	// "S.H." is one title, so the words of a name are what spaces separate.
	var ws []string
	for _, f := range strings.Fields(s) {
		if w := letters(f); w != "" {
			ws = append(ws, w)
		}
	}
	for len(ws) > 1 && (own[ws[0]] || frontTitles[ws[0]]) {
		ws = ws[1:]
	}
	for len(ws) > 1 && back[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	return ws
}

// words splits titles such as "S.H., M.Si." into "sh", "msi".
func words(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if w := letters(f); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// letters keeps the letters of s in lower case, without their accents:
// "André" and "Andre", "Ma'ruf" and "Maruf" are the same word. A combining
// accent (a decomposed "é") is not a letter and goes too.
func letters(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToLower(unaccent(r)))
		}
	}
	return b.String()
}

// unaccent maps the accented Latin letters found in Indonesian names to
// their base letter.
func unaccent(r rune) rune {
	const from, to = "àáâãäåèéêëìíîïòóôõöùúûüýÿñçÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÑÇ", "aaaaaaeeeeiiiiooooouuuuyyncAAAAAAEEEEIIIIOOOOOUUUUYNC"
	if i := strings.IndexRune(from, r); i >= 0 {
		return []rune(to)[len([]rune(from[:i]))]
	}
	return r
}
