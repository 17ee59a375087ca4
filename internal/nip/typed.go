package nip

import "strings"

// Messages for a number a signer typed. They say what is wrong with the
// format, never whether the number is on a roster: a format error is not an
// identification failure (see Typed).
const (
	msgTypedShort    = "NIP harus 18 digit; yang Anda ketik kurang dari 18 digit. Contoh: 19860926 201505 1 001."
	msgTypedLong     = "NIP harus 18 digit; yang Anda ketik lebih dari 18 digit. Contoh: 19860926 201505 1 001."
	msgTypedChars    = "NIP hanya berisi angka. Nomor registri pegawai non-ASN diawali huruf R lalu 17 digit."
	msgTypedRegistry = "Nomor registri non-ASN terdiri dari huruf R lalu 17 digit."
)

// Typed reads an identity number as a signer types it on the signing page:
// as printed on a decree or an ID card ("19740505 200108 1 005",
// "19740505.200108.1.005", "19740505-200108-1-005"), or a registry ID in
// either case ("r12…"). It returns the 18 digits or the registry ID, or an
// EINVALID error saying what is wrong with the format.
//
// Only the form is checked, not the structure of Validate: the roster,
// not the number, decides who may sign, and non-ASN staff carry numbers
// their agencies issue freely.
func Typed(s string) (string, error) {
	n := strings.ToUpper(Normalize(s))
	if n == "" {
		return "", invalid(msgEmpty)
	}
	if strings.ContainsAny(n, ",E") || thousands(n) {
		if excelNumber(n) {
			return "", invalid(msgExcel)
		}
	}
	n = strings.NewReplacer(".", "", "-", "").Replace(n)
	body := n
	if n[0] == 'R' {
		body = n[1:]
	}
	if !allDigits(body) {
		return "", invalid(msgTypedChars)
	}
	switch {
	case n[0] == 'R' && len(n) != Len:
		return "", invalid(msgTypedRegistry)
	case len(n) < Len:
		return "", invalid(msgTypedShort)
	case len(n) > Len:
		return "", invalid(msgTypedLong)
	}
	return n, nil
}

// thousands reports whether s is digits grouped in threes by dots, the way
// Excel shows a large number ("198.609.262.015.051.000"), as opposed to an
// NIP grouped as printed (8, 6, 1 and 3 digits).
func thousands(s string) bool {
	groups := strings.Split(s, ".")
	if len(groups) < 3 || len(groups[0]) < 1 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return false
		}
	}
	return true
}

// Official reads the NIP of an event's official as an officer types it:
// empty (the NIP is optional), or a PNS or PPPK number in any printed
// form, checked against its structure. A registry ID is refused: an
// official who signs for the organization is an ASN.
func Official(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	n, err := Typed(s)
	if err != nil {
		return "", err
	}
	if IsRegistryID(n) {
		return "", invalid(msgOfficial)
	}
	if err := Validate(n); err != nil {
		if ValidatePPPK(n) == nil {
			return n, nil
		}
		return "", err
	}
	return n, nil
}

const msgOfficial = "NIP pejabat harus NIP PNS atau NI PPPK 18 digit, bukan nomor registri non-ASN."
