package translog

import (
	"slices"
	"strings"
)

// Cosigners returns the names of the keys other than origin that signed
// the note msg, in the order the note lists them: on a checkpoint, the
// witnesses whose cosignatures it carries. Nothing is verified: the
// names say whom to ask, a verifier with their keys checks them.
func Cosigners(msg []byte, origin string) []string {
	text := string(msg)
	i := strings.LastIndex(text, "\n\n")
	if i < 0 {
		return nil
	}
	var names []string
	for _, line := range strings.Split(text[i+2:], "\n") {
		rest, ok := strings.CutPrefix(line, "\u2014 ")
		if !ok {
			continue
		}
		name, _, ok := strings.Cut(rest, " ")
		if !ok || name == origin || !validKeyName(name) {
			continue
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}
