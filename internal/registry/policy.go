package registry

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MinPasswordLen is the shortest password an admin may choose; MaxPasswordLen
// bounds what argon2id is given.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

// minPersonalWord is the shortest part of a name or an email a password
// may not contain: shorter ones ("Hj", "ST", "Ali") occur inside ordinary
// words by chance.
const minPersonalWord = 4

//go:embed passwords/common.txt
var commonPasswordList string

// commonPasswords is the set of the 10,000 most common passwords (see
// passwords/README.md).
var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := make(map[string]bool, 10000)
	for _, p := range strings.Fields(commonPasswordList) {
		set[p] = true
	}
	return set
})

// CheckPasswordPolicy refuses a password u may not choose: shorter than
// MinPasswordLen, one of the most common passwords (also with digits or
// symbols around it, as in "password2024!"), or one that contains u's
// name or the local part of u's email. Passwords the service generates
// pass by construction.
func CheckPasswordPolicy(password string, u User) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLen {
		return Errorf(EINVALID, "Kata sandi minimal %d karakter.", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return Errorf(EINVALID, "Kata sandi maksimal %d karakter.", MaxPasswordLen)
	}
	if strings.TrimSpace(password) != password {
		return Errorf(EINVALID, "Kata sandi tidak boleh diawali atau diakhiri spasi.")
	}
	lower := strings.ToLower(password)
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if commonPasswords()[lower] || commonPasswords()[core] {
		return Errorf(EINVALID, "Kata sandi ini termasuk yang paling umum dipakai dan mudah ditebak. Pilih kata sandi lain.")
	}
	for _, w := range personalWords(u) {
		if strings.Contains(lower, w) {
			return Errorf(EINVALID, "Kata sandi tidak boleh memuat nama atau alamat email Anda.")
		}
	}
	return nil
}

// personalWords are the lower-case parts of u's name and of their email's
// local part (whole and split at dots, dashes and the like) that a
// password may not contain.
func personalWords(u User) []string {
	local, _, _ := strings.Cut(NormalizeEmail(u.Email), "@")
	words := []string{local}
	notWord := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	words = append(words, strings.FieldsFunc(local, notWord)...)
	words = append(words, strings.FieldsFunc(strings.ToLower(u.Name), notWord)...)
	out := words[:0]
	for _, w := range words {
		if utf8.RuneCountInString(w) >= minPersonalWord {
			out = append(out, w)
		}
	}
	return out
}
