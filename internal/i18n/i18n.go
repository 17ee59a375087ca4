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
	"slices"
	"strconv"
	"strings"
	"time"

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

// T returns s in l. s is Indonesian: a literal of a template, a label, or
// a text kept as written; its English is the catalog's entry for exactly
// s. Anything else, such as names and titles entered by users, is returned
// unchanged. A message built from a catalog format is never translated
// from its text: it is kept as its format and arguments (a
// registry.Error, a Message, an audit entry's detail) and said with Say.
func (l Lang) T(s string) string {
	if l != English {
		return s
	}
	if e, ok := catalog[s]; ok {
		return e
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
