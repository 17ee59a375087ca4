// Package i18n puts ikrar's user interface into the language its user
// chose. Indonesian is the source language: templates and Go code write
// Indonesian text, and the catalog maps each text (or each format, for
// messages built with arguments) to its English. A text missing from the
// catalog is shown as written, in Indonesian. Dates and numbers follow the
// language too: "Rabu, 23 Oktober 2024" and "12,5" in Indonesian,
// "Wednesday, 23 October 2024" and "12.5" in English.
package i18n

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ikrar-id/ikrar/internal/tanggal"
)

// Lang is a language of the user interface.
type Lang string

const (
	Indonesian Lang = "id"
	English    Lang = "en"
)

// Default is the language of a user who has not chosen one.
const Default = Indonesian

// Langs lists every language the interface is available in.
var Langs = []Lang{Indonesian, English}

// Parse reads a language as a ?lang= value, a cookie or a language tag
// gives it: "en", "EN", "en-GB" and "id", "id-ID", "in" (the old code for
// Indonesian).
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "en":
		return English, true
	case "id", "in":
		return Indonesian, true
	}
	return "", false
}

// FromAcceptLanguage returns the language of an Accept-Language header that
// the client prefers most among those ikrar has, or false if it names none.
func FromAcceptLanguage(h string) (Lang, bool) {
	var best Lang
	bestQ := 0.0
	for part := range strings.SplitSeq(h, ",") {
		tag, params, _ := strings.Cut(part, ";")
		l, ok := Parse(tag)
		if !ok {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best, best != ""
}

// T returns s in l. s is Indonesian: a literal of a template, a label, or a
// message that reached the web layer only as text. A message built from a
// catalog format (such as "Kolom %s terlalu panjang (maksimal %d karakter)")
// is recognised by its format and translated with its arguments; messages
// joined with "; " are translated one by one. Anything else, such as names
// and titles entered by users, is returned unchanged.
//
// The recognition is for texts that reach a page only as text, chiefly the
// audit trail's details, stored formatted. Errors never need it: a
// registry.Error keeps its format and arguments and is said with Sprintf.
func (l Lang) T(s string) string {
	if l != English || s == "" {
		return s
	}
	return english(s, 0)
}

// maxDepth bounds how deep the arguments of a recognised message are
// translated in turn.
const maxDepth = 3

func english(s string, depth int) string {
	if e, ok := catalog[s]; ok {
		return e
	}
	if depth >= maxDepth {
		return s
	}
	for _, p := range patterns {
		if e, ok := p.match(s, depth); ok {
			return e
		}
	}
	if strings.Contains(s, "; ") {
		parts := strings.Split(s, "; ")
		for i, part := range parts {
			parts[i] = english(part, depth+1)
		}
		return strings.Join(parts, "; ")
	}
	return s
}

// Sprintf formats a message in l: the format is looked up in the catalog
// and the arguments that are texts are translated too, since they are
// usually messages or labels themselves. An argument that is a domain
// error is said from its own format and arguments, in either language.
func (l Lang) Sprintf(format string, args ...any) string {
	if l == English {
		if e, ok := catalog[format]; ok {
			format = e
		}
	}
	args = slices.Clone(args)
	for i, a := range args {
		switch a := a.(type) {
		case string:
			args[i] = l.T(a)
		case Message:
			args[i] = l.Say(a.Format, a.Args...)
		case error:
			var f formatted
			if errors.As(a, &f) {
				if format, fargs := f.MessageFormat(); format != "" {
					args[i] = l.Say(format, fargs...)
				}
			}
		}
	}
	return fmt.Sprintf(format, args...)
}

// Say is Sprintf for a message kept as its format and arguments (a
// registry.Error, a Message), preferring the catalog's English of the
// whole message where it has one: "Pengguna tidak ditemukan." is "User not
// found.", where "%s tidak ditemukan." with "Pengguna" would say "Users not
// found.". Both are catalog look-ups; the text is not parsed.
func (l Lang) Say(format string, args ...any) string {
	if l == English && len(args) > 0 {
		if e, ok := catalog[Indonesian.Sprintf(format, args...)]; ok {
			return e
		}
	}
	return l.Sprintf(format, args...)
}

// formatted is an error that keeps the format and arguments of its
// message (registry.Error).
type formatted interface {
	MessageFormat() (format string, args []any)
}

// Message is a text built from a catalog format and its arguments, kept
// apart until the language it is shown in is known.
type Message struct {
	Format string
	Args   []any
}

// M returns the message of format and args.
func M(format string, args ...any) Message { return Message{Format: format, Args: args} }

// String returns the message in Indonesian.
func (m Message) String() string { return fmt.Sprintf(m.Format, m.Args...) }

// Date formats t in its own location: "Rabu, 23 Oktober 2024" or
// "Wednesday, 23 October 2024".
func (l Lang) Date(t time.Time) string {
	if l == English {
		return t.Format("Monday, 2 January 2006")
	}
	return tanggal.Date(t)
}

// Time formats t's clock time in its own location with the zone's
// abbreviation: "pukul 09.00 WIB" or "09:00 WIB".
func (l Lang) Time(t time.Time, zoneAbbrev string) string {
	if l != English {
		return tanggal.Time(t, zoneAbbrev)
	}
	s := t.Format("15:04")
	if zoneAbbrev != "" {
		s += " " + zoneAbbrev
	}
	return s
}

// DateTime formats t's date and clock time: "Rabu, 23 Oktober 2024 pukul
// 09.00 WIB" or "Wednesday, 23 October 2024, 09:00 WIB".
func (l Lang) DateTime(t time.Time, zoneAbbrev string) string {
	sep := " "
	if l == English {
		sep = ", "
	}
	return l.Date(t) + sep + l.Time(t, zoneAbbrev)
}

// separators returns the decimal and thousands separators of l.
func (l Lang) separators() (decimal, thousands string) {
	if l == English {
		return ".", ","
	}
	return ",", "."
}

// Int formats n with thousands grouped: "1.234" or "1,234".
func (l Lang) Int(n int64) string {
	_, sep := l.separators()
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Decimal formats f with one decimal, dropped when it is zero: "12,5" or
// "12.5", and "100" in both.
func (l Lang) Decimal(f float64) string {
	dec, _ := l.separators()
	s := strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
	return strings.Replace(s, ".", dec, 1)
}

// pattern recognises a message built from a catalog format.
type pattern struct {
	re      *regexp.Regexp
	prefix  string // literal text before the first verb
	suffix  string // literal text after the last verb
	english []string
}

// verbRE matches a fmt verb; %% is literal text.
var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]*)?[a-zA-Z%]`)

// Verbs returns the fmt verbs of format in order, without %%.
func Verbs(format string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(format, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

// minLiteral is the least literal text, in characters, a format needs to
// be recognised in a text: "%s" or "%s: %s" would match any text, including
// names users entered.
const minLiteral = 8

// patterns are the formats of messages, longest literal text first so
// that the most specific format wins. The formats of page texts are not
// among them: those are only ever used with printf in a template, and
// "Sertifikat %s" would otherwise turn an event titled "Sertifikat …" into
// English.
var patterns = compilePatterns()

func compilePatterns() []pattern {
	type scored struct {
		p       pattern
		literal int
	}
	var all []scored
	for id, en := range mergedMessages() {
		if len(Verbs(id)) == 0 {
			continue
		}
		lits := splitVerbs(id)
		literal := 0
		var re strings.Builder
		re.WriteString("^")
		for i, lit := range lits {
			literal += utf8.RuneCountInString(lit)
			re.WriteString(regexp.QuoteMeta(strings.ReplaceAll(lit, "%%", "%")))
			if i < len(lits)-1 {
				re.WriteString("(.+?)")
			}
		}
		re.WriteString("$")
		if literal < minLiteral {
			continue
		}
		all = append(all, scored{pattern{
			re:      regexp.MustCompile(re.String()),
			prefix:  strings.ReplaceAll(lits[0], "%%", "%"),
			suffix:  strings.ReplaceAll(lits[len(lits)-1], "%%", "%"),
			english: splitVerbs(en),
		}, literal})
	}
	slices.SortFunc(all, func(a, b scored) int {
		if a.literal != b.literal {
			return b.literal - a.literal
		}
		return strings.Compare(a.p.re.String(), b.p.re.String())
	})
	out := make([]pattern, len(all))
	for i, s := range all {
		out[i] = s.p
	}
	return out
}

// splitVerbs splits format around its verbs (%% stays in the literal text).
func splitVerbs(format string) []string {
	var lits []string
	last := 0
	for _, loc := range verbRE.FindAllStringIndex(format, -1) {
		if format[loc[0]:loc[1]] == "%%" {
			continue
		}
		lits = append(lits, format[last:loc[0]])
		last = loc[1]
	}
	return append(lits, format[last:])
}

// match returns s in English if s is a message of p's format. The verbs'
// text is put into the English format as it stood, translated if it is
// itself a catalog text (a label, or a message wrapped in another).
func (p pattern) match(s string, depth int) (string, bool) {
	if !strings.HasPrefix(s, p.prefix) || !strings.HasSuffix(s, p.suffix) {
		return "", false
	}
	m := p.re.FindStringSubmatch(s)
	if m == nil || len(m)-1 != len(p.english)-1 {
		return "", false
	}
	var b strings.Builder
	for i, lit := range p.english {
		b.WriteString(strings.ReplaceAll(lit, "%%", "%"))
		if i < len(m)-1 {
			b.WriteString(english(m[i+1], depth+1))
		}
	}
	return b.String(), true
}
