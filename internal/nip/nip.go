// Package nip parses, validates, formats and masks the identity numbers of
// ikrar's signers: the 18-digit NIP of a PNS, the 18-digit NI PPPK, and the
// registry ID that ikrar assigns to non-ASN staff who have neither.
//
// Neither number carries a checksum, so validation checks the structure
// (a real birth date, a plausible appointment, the gender code) and, above
// all, refuses numbers that Excel has already destroyed: an NIP stored as a
// number keeps only 15 significant digits, and a silently wrong NIP would
// attach someone's pledge to someone else.
package nip

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Len is the length of an NIP, an NI PPPK and a registry ID.
const Len = 18

// Messages users see; the Excel one is matched by HR staff in guides, so it
// must stay word for word.
const (
	msgEmpty        = "NIP wajib diisi"
	msgLength       = "NIP harus 18 digit angka"
	msgExcel        = "NIP rusak oleh format angka Excel — simpan kolom NIP sebagai teks"
	msgBirth        = "Tanggal lahir pada NIP tidak valid"
	msgCPNSMonth    = "Bulan pengangkatan CPNS pada NIP tidak valid"
	msgCPNSOrder    = "Tanggal pengangkatan CPNS pada NIP harus setelah tanggal lahir"
	msgPPPKYear     = "Tahun pengangkatan PPPK pada NIP harus setelah tahun lahir"
	msgGender       = "Kode jenis kelamin pada NIP harus 1 atau 2"
	msgRegistryOnly = "Nomor registri hanya untuk pegawai non-ASN; pegawai PNS dan PPPK wajib memakai NIP"
	msgCategory     = "Kategori pegawai tidak dikenal"
)

func invalid(msg string) error { return registry.Wrap(nil, registry.EINVALID, msg) }

// Normalize removes what people and spreadsheets add around a number: outer
// and inner white space (grouped input such as "19860926 201505 1 001",
// no-break spaces from web pages), and the apostrophe Excel uses to mark a
// cell as text. Dots and commas are kept: they are how a number formatted by
// Excel gives itself away.
func Normalize(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "'’‘")
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if len(s) > 0 && s[0] == 'r' {
		s = "R" + s[1:]
	}
	return s
}

// Parse normalises s and checks it as the identity number of an employee of
// category c (empty means PNS, as in registry.ParseCategory). It returns the
// 18-digit number or the registry ID.
//
// PNS need the PNS structure. PPPK accept the PPPK structure and also a
// PNS-structured number, which some regions issued to PPPK. Non-ASN and
// village staff may have any 18-digit number (their agencies number them
// freely) or a registry ID. Errors are *registry.Error with code EINVALID.
func Parse(s string, c registry.Category) (string, error) {
	n := Normalize(s)
	if n == "" {
		return "", invalid(msgEmpty)
	}
	if c == "" {
		c = registry.CategoryPNS
	}
	if IsRegistryID(n) {
		switch c {
		case registry.CategoryNonASN, registry.CategoryVillage:
			return n, nil
		case registry.CategoryPNS, registry.CategoryPPPK:
			return "", invalid(msgRegistryOnly)
		}
		return "", invalid(msgCategory)
	}
	if excelNumber(n) {
		return "", invalid(msgExcel)
	}
	if !digits(n) {
		return "", invalid(msgLength)
	}
	var err error
	switch c {
	case registry.CategoryPNS:
		err = Validate(n)
	case registry.CategoryPPPK:
		if err = ValidatePPPK(n); err != nil && Validate(n) == nil {
			err = nil
		}
	case registry.CategoryNonASN, registry.CategoryVillage:
		if n[15:] == "000" {
			err = invalid(msgExcel)
		}
	default:
		err = invalid(msgCategory)
	}
	if err != nil {
		return "", err
	}
	return n, nil
}

// Validate checks a normalised NIP against the PNS structure: birth date
// YYYYMMDD, CPNS start YYYYMM, gender 1 or 2, and a three-digit sequence.
func Validate(nip string) error {
	if err := common(nip); err != nil {
		return err
	}
	birth, _ := BirthDate(nip)
	month := atoi(nip[12:14])
	if month < 1 || month > 12 {
		return invalid(msgCPNSMonth)
	}
	start := atoi(nip[8:12])*100 + month
	if start <= birth.Year()*100+int(birth.Month()) {
		return invalid(msgCPNSOrder)
	}
	return nil
}

// ValidatePPPK checks a normalised NI PPPK: birth date YYYYMMDD, year of
// appointment YYYY, a two-digit code, gender 1 or 2, and a three-digit
// sequence.
func ValidatePPPK(nip string) error {
	if err := common(nip); err != nil {
		return err
	}
	birth, _ := BirthDate(nip)
	if atoi(nip[8:12]) <= birth.Year() {
		return invalid(msgPPPKYear)
	}
	return nil
}

// common checks what the NIP and the NI PPPK share: the length, the birth
// date, the gender code and the sequence. A sequence of 000 is never issued;
// it is what Excel leaves after rounding an NIP to 15 significant digits.
func common(nip string) error {
	if excelNumber(nip) {
		return invalid(msgExcel)
	}
	if !digits(nip) {
		return invalid(msgLength)
	}
	if _, ok := BirthDate(nip); !ok {
		return invalid(msgBirth)
	}
	if g := nip[14]; g != '1' && g != '2' {
		return invalid(msgGender)
	}
	if nip[15:] == "000" {
		return invalid(msgExcel)
	}
	return nil
}

// BirthDate returns the birth date encoded in an NIP or NI PPPK, in UTC; ok
// is false if nip is not 18 digits or the date does not exist.
func BirthDate(nip string) (time.Time, bool) {
	if !digits(nip) {
		return time.Time{}, false
	}
	y, m, d := atoi(nip[0:4]), atoi(nip[4:6]), atoi(nip[6:8])
	// No serving civil servant was born before 1900; a year like 0986 is a
	// typing error, not a date.
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // time.Date rolls 30 February into March
		return time.Time{}, false
	}
	return t, true
}

// New composes an NIP from its parts: the birth date, the year and month
// of appointment as CPNS, the gender code (1 or 2) and the sequence number
// (1–999). It checks nothing: Validate does.
func New(birth, appointed time.Time, gender, seq int) string {
	return fmt.Sprintf("%s%s%d%03d", birth.Format("20060102"), appointed.Format("200601"), gender, seq)
}

// Format groups an 18-digit number the way it is printed on Indonesian
// documents: "19860926 201505 1 001". Anything else, a registry ID included,
// is returned unchanged.
func Format(nip string) string {
	if !digits(nip) {
		return nip
	}
	return nip[0:8] + " " + nip[8:14] + " " + nip[14:15] + " " + nip[15:18]
}

// Mask hides an identity number on public pages while leaving enough to
// tell two people apart: "1986**** ****** * 001", and for a registry ID
// "R12************345". Anything unrecognised is masked entirely.
func Mask(nip string) string {
	switch {
	case digits(nip):
		return nip[0:4] + "**** ****** * " + nip[15:18]
	case IsRegistryID(nip):
		return nip[0:3] + strings.Repeat("*", 12) + nip[15:18]
	}
	return strings.Repeat("*", len([]rune(nip)))
}

// RegistryID derives the ID of an employee without an NIP from the
// organization, name and unit, so that importing the same roster again finds
// the same person. Case, Unicode composition and runs of white space do not
// change the ID.
func RegistryID(orgID int64, name, unit string) string {
	canon := fmt.Sprintf("ikrar-registry-id/v1\n%d\n%s\n%s\n", orgID, canonical(name), canonical(unit))
	sum := sha256.Sum256([]byte(canon))
	// 64 bits reduced modulo 10^17: the bias is below one part in 100.
	n := binary.BigEndian.Uint64(sum[:8]) % 1e17
	return fmt.Sprintf("R%017d", n)
}

func canonical(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ")
}

// IsRegistryID reports whether s is a registry ID: "R" and 17 digits.
func IsRegistryID(s string) bool {
	return len(s) == Len && s[0] == 'R' && allDigits(s[1:])
}

// excelNumber reports whether s is the text Excel shows for a number too
// long for it: scientific notation ("1.98609E+17", "1,98609E+17" in the
// Indonesian locale) or a long number with a decimal or thousands separator
// ("198.609.262.015.051.000", "198609262015051000,00").
func excelNumber(s string) bool {
	mant, exp, sci := strings.Cut(strings.ToUpper(s), "E")
	if sci {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		return allDigits(exp) && numberDigits(mant) > 0
	}
	return strings.ContainsAny(s, ".,") && numberDigits(s) >= 15
}

// numberDigits counts the digits of s if s has only digits, dots and
// commas; otherwise it returns 0.
func numberDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == '.' || c == ',':
		default:
			return 0
		}
	}
	return n
}

func digits(s string) bool { return len(s) == Len && allDigits(s) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi converts a run of ASCII digits already checked by digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
