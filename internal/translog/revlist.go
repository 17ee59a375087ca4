package translog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// RevocationList is the registry's statement "as of my checkpoint of size
// Size, these certificates are revoked": every certificate whose revocation
// leaf has an index below Size. Signed, it is a signed note that an offline
// verifier can check with the published keys alone.
type RevocationList struct {
	Origin string
	Size   int64
	Codes  []string // sorted, no duplicates
}

// ErrUnclaimedLeaves means the rows no longer account for the log: a leaf
// below the size asked for is claimed by no row or by two. A revocation
// row deleted out of band is the case that matters here: listing the
// revocations from such rows would un-revoke a certificate in a list the
// registry signs.
var ErrUnclaimedLeaves = errors.New("the rows do not account for every leaf of the log")

// revocationsKeyword starts the list's second line. A checkpoint's second
// line is the bare decimal size, so neither parser accepts the other's
// text, though the same key signs both.
const revocationsKeyword = "revocations "

// maxRevocationLines bounds what a verifier parses: far more revocations
// than any regency will make, far less than a hostile file could claim.
const maxRevocationLines = 1 << 20

// Body is the list's note text: the origin, "revocations" and the size in
// decimal, then each revoked certificate's code in ascending byte order,
// every line ending in a newline.
func (l RevocationList) Body() string {
	var b strings.Builder
	b.WriteString(l.Origin)
	b.WriteString("\n" + revocationsKeyword)
	b.WriteString(strconv.FormatInt(l.Size, 10))
	b.WriteString("\n")
	for _, c := range l.Codes {
		b.WriteString(c)
		b.WriteString("\n")
	}
	return b.String()
}

// Revoked reports whether the list names code.
func (l RevocationList) Revoked(code string) bool {
	_, found := slices.BinarySearch(l.Codes, code)
	return found
}

// check reports whether l is in canonical form: what Body writes parses
// back to the same list, and nothing else does.
func (l RevocationList) check() error {
	if !validKeyName(l.Origin) {
		return fmt.Errorf("invalid origin %q", l.Origin)
	}
	if l.Size < 0 {
		return fmt.Errorf("negative size %d", l.Size)
	}
	for i, c := range l.Codes {
		if !validCode(c) {
			return fmt.Errorf("invalid certificate code %q", c)
		}
		if i > 0 && l.Codes[i-1] >= c {
			return fmt.Errorf("codes not in ascending order without repeats at %q", c)
		}
	}
	return nil
}

// NewRevocationList returns the list of codes as of size, sorted and with
// repeats dropped, so the same set of revocations always gives the same
// text.
func NewRevocationList(origin string, size int64, codes []string) (RevocationList, error) {
	l := RevocationList{Origin: origin, Size: size, Codes: slices.Compact(slices.Sorted(slices.Values(codes)))}
	if err := l.check(); err != nil {
		return RevocationList{}, fmt.Errorf("revocation list: %w", err)
	}
	return l, nil
}

// ParseRevocationList parses a list's note text strictly: only the exact
// text Body writes is accepted.
func ParseRevocationList(body string) (RevocationList, error) {
	if !strings.HasSuffix(body, "\n") {
		return RevocationList{}, errors.New("revocation list: text does not end in a newline")
	}
	lines := strings.SplitN(strings.TrimSuffix(body, "\n"), "\n", maxRevocationLines+3)
	if len(lines) < 2 {
		return RevocationList{}, fmt.Errorf("revocation list: want an origin line and a %q line", strings.TrimSpace(revocationsKeyword)+" N")
	}
	if len(lines) > maxRevocationLines+2 {
		return RevocationList{}, fmt.Errorf("revocation list: more than %d codes", maxRevocationLines)
	}
	sizeText, ok := strings.CutPrefix(lines[1], revocationsKeyword)
	if !ok {
		return RevocationList{}, fmt.Errorf("revocation list: second line %q does not start with %q", lines[1], revocationsKeyword)
	}
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || strconv.FormatInt(size, 10) != sizeText {
		return RevocationList{}, fmt.Errorf("revocation list: invalid size %q", sizeText)
	}
	l := RevocationList{Origin: lines[0], Size: size, Codes: lines[2:]}
	if err := l.check(); err != nil {
		return RevocationList{}, fmt.Errorf("revocation list: %w", err)
	}
	return l, nil
}

// SignRevocationList returns l as a signed note, signed as a checkpoint is
// (the current key, inside its window, and one a rotation is retiring),
// whose name must be the list's origin.
func (k *Keyring) SignRevocationList(l RevocationList) ([]byte, error) {
	if l.Origin != k.name {
		return nil, fmt.Errorf("sign revocation list: origin %q is not the key name %q", l.Origin, k.name)
	}
	if err := l.check(); err != nil {
		return nil, fmt.Errorf("sign revocation list: %w", err)
	}
	// The keys that sign checkpoints now, inside their validity windows.
	signers, err := k.signers()
	if err != nil {
		return nil, fmt.Errorf("sign revocation list: %w", err)
	}
	msg, err := note.Sign(&note.Note{Text: l.Body()}, signers...)
	if err != nil {
		return nil, fmt.Errorf("sign revocation list: %w", err)
	}
	return msg, nil
}

// OpenRevocationList verifies a signed revocation list and parses it, on
// the terms of OpenCheckpoint: a known key named as the list's origin
// must have signed it.
func OpenRevocationList(msg []byte, verifiers note.Verifiers) (RevocationList, error) {
	var l RevocationList
	err := openNote(msg, verifiers, "revocation list", func(text string) (origin string, err error) {
		l, err = ParseRevocationList(text)
		return l.Origin, err
	})
	if err != nil {
		return RevocationList{}, err
	}
	return l, nil
}
