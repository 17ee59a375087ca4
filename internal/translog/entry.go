package translog

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Kind is what a leaf records.
type Kind string

const (
	KindSignature  Kind = "signature"
	KindRevocation Kind = "revocation"
)

// Entry is one log entry: a signature, or the revocation of one. It carries
// no personal data: the signer appears only as IdentityHash, and a
// revocation's reason only as the SHA-256 of its text (ReasonHash).
type Entry struct {
	Kind         Kind
	EventID      int64
	PledgeHash   string    // hex SHA-256 of the pledge's canonical text
	SignedAt     time.Time // encoded in UTC, truncated to milliseconds
	Channel      string
	Code         string // certificate code
	IdentityHash string // hex, from IdentityHash
	Reason       string // revocation only: ReasonHash of the reason text
	RevokedAt    time.Time
}

// leafVersion starts every encoded leaf; a new encoding gets a new version
// and old leaves keep theirs.
const leafVersion = "ikrar-leaf/v1"

const timeLayout = "2006-01-02T15:04:05.000Z"

// Encode returns the canonical text that is hashed into the log:
//
//	ikrar-leaf/v1
//	kind signature
//	event 12
//	pledge <64 hex>
//	signed 2024-10-23T02:00:00.000Z
//	channel event_code
//	code K7M4QX2P9ABC
//	identity <64 hex>
//
// A revocation has kind revocation and two more lines:
//
//	reason <64 hex>
//	revoked 2024-10-24T08:30:00.000Z
//
// Each line is "key value\n" in this fixed order. Times are UTC with
// milliseconds. Validate rejects control characters in fields; Encode also
// percent-escapes '%' and every byte below 0x20 or equal to 0x7f, so
// distinct entries always encode differently even when they do not
// validate.
func (e Entry) Encode() []byte {
	b := make([]byte, 0, 320)
	b = append(b, leafVersion+"\n"...)
	b = appendLine(b, "kind", string(e.Kind))
	b = appendLine(b, "event", strconv.FormatInt(e.EventID, 10))
	b = appendLine(b, "pledge", e.PledgeHash)
	b = appendLine(b, "signed", formatTime(e.SignedAt))
	b = appendLine(b, "channel", e.Channel)
	b = appendLine(b, "code", e.Code)
	b = appendLine(b, "identity", e.IdentityHash)
	if e.Kind == KindRevocation {
		b = appendLine(b, "reason", e.Reason)
		b = appendLine(b, "revoked", formatTime(e.RevokedAt))
	}
	return b
}

// Version is the leaf format's version number (docs/FORMATS.md §4).
func (e Entry) Version() int { return 1 }

// Hash is the entry's leaf hash in the log.
func (e Entry) Hash() tlog.Hash { return tlog.RecordHash(e.Encode()) }

// Validate checks that e is a well-formed entry before it is appended.
func (e Entry) Validate() error {
	if err := e.validate(); err != nil {
		return fmt.Errorf("log entry %s %s: %w", e.Kind, e.Code, err)
	}
	return nil
}

func (e Entry) validate() error {
	switch {
	case e.Kind != KindSignature && e.Kind != KindRevocation:
		return fmt.Errorf("unknown kind %q", e.Kind)
	case e.EventID <= 0:
		return fmt.Errorf("event ID %d is not positive", e.EventID)
	case !isHex256(e.PledgeHash):
		return fmt.Errorf("pledge hash %q is not 64 lower-case hex digits", e.PledgeHash)
	case !isHex256(e.IdentityHash):
		return fmt.Errorf("identity hash %q is not 64 lower-case hex digits", e.IdentityHash)
	case !validTime(e.SignedAt):
		return fmt.Errorf("signing time %v out of range", e.SignedAt)
	case !validField(e.Channel):
		return fmt.Errorf("channel %q is empty or has control characters", e.Channel)
	case !validField(e.Code):
		return fmt.Errorf("code %q is empty or has control characters", e.Code)
	}
	if e.Kind == KindSignature {
		if e.Reason != "" || !e.RevokedAt.IsZero() {
			return fmt.Errorf("a signature has no reason or revocation time")
		}
		return nil
	}
	switch {
	case !isHex256(e.Reason):
		return fmt.Errorf("reason %q is not a ReasonHash", e.Reason)
	case !validTime(e.RevokedAt):
		return fmt.Errorf("revocation time %v out of range", e.RevokedAt)
	case e.RevokedAt.Before(e.SignedAt.Truncate(time.Millisecond)):
		return fmt.Errorf("revoked at %v, before it was signed", e.RevokedAt)
	}
	return nil
}

// ReasonHash is what a revocation leaf records of the reason: the hex
// SHA-256 of its UTF-8 text, so the text can be shown to whom it concerns,
// and later erased, without changing the log.
func ReasonHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// IdentitySaltSize is the size of the random salt kept with each record.
const IdentitySaltSize = 16

// IdentityHash binds a leaf to its signer without revealing them: the hex
// SHA-256 of "ikrar-identity/v1\x00" followed by salt, nip and name, each
// preceded by its length as 4 big-endian bytes. salt is IdentitySaltSize
// random bytes kept with the record; nip and name are the record's snapshot,
// byte for byte. Erasing a record's NIP, name and salt leaves its leaf valid
// but unlinkable to the person: with the salt gone, guessing NIPs cannot
// recover the hash.
func IdentityHash(salt []byte, nip, name string) string {
	h := sha256.New()
	h.Write([]byte("ikrar-identity/v1\x00"))
	for _, f := range [][]byte{salt, []byte(nip), []byte(name)} {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(f)))
		h.Write(n[:])
		h.Write(f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func appendLine(b []byte, key, value string) []byte {
	b = append(b, key...)
	b = append(b, ' ')
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '%' || c < 0x20 || c == 0x7f {
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
			continue
		}
		b = append(b, c)
	}
	return append(b, '\n')
}

func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format(timeLayout)
}

func validTime(t time.Time) bool {
	y := t.UTC().Year()
	return !t.IsZero() && y >= 1970 && y <= 9999
}

func validField(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// isHex256 reports whether s is a SHA-256 in lower-case hex.
func isHex256(s string) bool { return len(s) == 64 && isLowerHex(s) }

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
