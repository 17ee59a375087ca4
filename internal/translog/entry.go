package translog

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"
)

// Kind is what a leaf records.
type Kind string

const (
	KindSignature  Kind = "signature"
	KindRevocation Kind = "revocation"
	// KindIssuance records that a certificate's PDF was issued, by the
	// SHA-256 of its bytes (leaf version 2 only).
	KindIssuance Kind = "issuance"
	// KindDocument records a document kept with an event (the signed
	// Berita Acara) by the SHA-256 of its bytes (leaf version 2 only).
	KindDocument Kind = "document"
)

// Entry is one log entry: a signature, its revocation, or the issuance of
// its certificate. It carries no personal data: the signer appears only as
// IdentityHash and HolderHash, a revocation's reason only as the SHA-256 of
// its text (ReasonHash). LeafVersion selects the encoding (docs/FORMATS.md
// §4); version 1 leaves stay as they were logged.
type Entry struct {
	LeafVersion int // 1 or 2; 0 is 1
	Kind        Kind
	Code        string // certificate code
	EventID     int64
	// The event as the signer saw it when signing (version 2).
	EventTitle  string
	EventPlace  string // may be empty
	EventStarts time.Time
	EventOrg    string // the organizing organization's name
	PledgeHash  string // hex SHA-256 of the pledge's canonical text
	Org         string // the signer's organization as signed (version 2)
	HolderHash  string // hex, from HolderHash (version 2)
	Channel     string
	// ScanHash is the hex SHA-256 of the scan of a paper signature: a
	// version 2 signature leaf of channel "paper" commits to it, and only
	// such a leaf has it.
	ScanHash     string
	SignedAt     time.Time // encoded in UTC, truncated to milliseconds
	IdentityHash string    // hex, from IdentityHash
	// Record is the hex leaf hash of the signature leaf a version 2
	// revocation or issuance is about.
	Record    string
	Reason    string // revocation only: ReasonHash of the reason text
	RevokedAt time.Time
	PDFHash   string // issuance and document: hex SHA-256 of the PDF
	IssuedAt  time.Time
	Purpose   string    // document only, e.g. "berita-acara"
	Uploaded  time.Time // document only
}

// ChannelPaper is the channel of a signature made on paper and recorded by
// an officer (registry.ChannelPaper): its version 2 leaf has a scan line.
const ChannelPaper = "paper"

// The first line of every encoded leaf; a new encoding gets a new version
// and old leaves keep theirs.
const (
	leafV1 = "ikrar-leaf/v1"
	leafV2 = "ikrar-leaf/v2"
)

const timeLayout = "2006-01-02T15:04:05.000Z"

// Encode returns the canonical text that is hashed into the log. Each line
// is "key value\n" in a fixed order; times are UTC with milliseconds.
// Version 1 (records made before version 2):
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
// and for a revocation two more lines, reason <64 hex> and revoked <time>.
// Version 2 is in docs/FORMATS.md §4. Validate rejects control characters
// in fields; Encode also percent-escapes '%' and every byte below 0x20 or
// equal to 0x7f, so distinct entries always encode differently even when
// they do not validate.
func (e Entry) Encode() []byte {
	if e.Version() == 2 {
		return e.encodeV2()
	}
	b := make([]byte, 0, 320)
	b = append(b, leafV1+"\n"...)
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

func (e Entry) encodeV2() []byte {
	b := make([]byte, 0, 640)
	b = append(b, leafV2+"\n"...)
	b = appendLine(b, "kind", string(e.Kind))
	if e.Kind == KindDocument {
		// A document is about an event, not a certificate: no code.
		b = appendLine(b, "event", strconv.FormatInt(e.EventID, 10))
		b = appendLine(b, "purpose", e.Purpose)
		b = appendLine(b, "pdf", e.PDFHash)
		b = appendLine(b, "uploaded", formatTime(e.Uploaded))
		return b
	}
	b = appendLine(b, "code", e.Code)
	switch e.Kind {
	case KindRevocation:
		b = appendLine(b, "record", e.Record)
		b = appendLine(b, "reason", e.Reason)
		b = appendLine(b, "revoked", formatTime(e.RevokedAt))
	case KindIssuance:
		b = appendLine(b, "record", e.Record)
		b = appendLine(b, "pdf", e.PDFHash)
		b = appendLine(b, "issued", formatTime(e.IssuedAt))
	default:
		b = appendLine(b, "event", strconv.FormatInt(e.EventID, 10))
		b = appendLine(b, "event-title", e.EventTitle)
		b = appendLine(b, "event-place", e.EventPlace)
		b = appendLine(b, "event-starts", formatTime(e.EventStarts))
		b = appendLine(b, "event-org", e.EventOrg)
		b = appendLine(b, "pledge", e.PledgeHash)
		b = appendLine(b, "org", e.Org)
		b = appendLine(b, "holder", e.HolderHash)
		b = appendLine(b, "channel", e.Channel)
		if e.Channel == ChannelPaper {
			b = appendLine(b, "scan", e.ScanHash)
		}
		b = appendLine(b, "signed", formatTime(e.SignedAt))
		b = appendLine(b, "identity", e.IdentityHash)
	}
	return b
}

// Version is the leaf format's version number (docs/FORMATS.md §4).
func (e Entry) Version() int {
	if e.LeafVersion == 0 {
		return 1
	}
	return e.LeafVersion
}

// Hash is the entry's leaf hash in the log.
func (e Entry) Hash() tlog.Hash { return tlog.RecordHash(e.Encode()) }

// Validate checks that e is a well-formed entry before it is appended.
func (e Entry) Validate() error {
	var err error
	switch e.Version() {
	case 1:
		err = e.validate()
	case 2:
		err = e.validateV2()
	default:
		err = fmt.Errorf("unknown leaf version %d", e.LeafVersion)
	}
	if err != nil {
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
	case e.EventTitle != "" || e.EventPlace != "" || !e.EventStarts.IsZero() || e.EventOrg != "" || e.Org != "" ||
		e.HolderHash != "" || e.Record != "" || e.PDFHash != "" || !e.IssuedAt.IsZero() || e.ScanHash != "" || e.Channel == ChannelPaper ||
		e.Purpose != "" || !e.Uploaded.IsZero():
		return fmt.Errorf("a version 1 leaf has no event snapshot, organization, holder, record, PDF, paper scan or purpose")
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

// maxText bounds a version 2 leaf's text fields (event title and place,
// organization names), in bytes.
const maxText = 1000

func (e Entry) validateV2() error {
	if e.Kind == KindDocument {
		return e.validateDocument()
	}
	if e.Purpose != "" || !e.Uploaded.IsZero() {
		return fmt.Errorf("only a document has a purpose and an upload time")
	}
	if !validField(e.Code) {
		return fmt.Errorf("code %q is empty or has control characters", e.Code)
	}
	sigFields := e.EventID != 0 || e.EventTitle != "" || e.EventPlace != "" || !e.EventStarts.IsZero() || e.EventOrg != "" ||
		e.PledgeHash != "" || e.Org != "" || e.HolderHash != "" || e.Channel != "" || !e.SignedAt.IsZero() || e.IdentityHash != "" ||
		e.ScanHash != ""
	switch e.Kind {
	case KindSignature:
		switch {
		case e.Record != "" || e.Reason != "" || !e.RevokedAt.IsZero() || e.PDFHash != "" || !e.IssuedAt.IsZero():
			return fmt.Errorf("a signature has no record, reason, revocation, PDF or issuance")
		case e.EventID <= 0:
			return fmt.Errorf("event ID %d is not positive", e.EventID)
		case !validText(e.EventTitle, false):
			return fmt.Errorf("event title %q is empty, too long or has control characters", e.EventTitle)
		case !validText(e.EventPlace, true):
			return fmt.Errorf("event place %q is too long or has control characters", e.EventPlace)
		case !validTime(e.EventStarts):
			return fmt.Errorf("event start %v out of range", e.EventStarts)
		case !validText(e.EventOrg, false):
			return fmt.Errorf("event organization %q is empty, too long or has control characters", e.EventOrg)
		case !isHex256(e.PledgeHash):
			return fmt.Errorf("pledge hash %q is not 64 lower-case hex digits", e.PledgeHash)
		case !validText(e.Org, false):
			return fmt.Errorf("organization %q is empty, too long or has control characters", e.Org)
		case !isHex256(e.HolderHash):
			return fmt.Errorf("holder hash %q is not 64 lower-case hex digits", e.HolderHash)
		case !validField(e.Channel):
			return fmt.Errorf("channel %q is empty or has control characters", e.Channel)
		case e.Channel == ChannelPaper && !isHex256(e.ScanHash):
			return fmt.Errorf("scan hash %q of a paper signature is not 64 lower-case hex digits", e.ScanHash)
		case e.Channel != ChannelPaper && e.ScanHash != "":
			return fmt.Errorf("a signature of channel %q has no scan", e.Channel)
		case !validTime(e.SignedAt):
			return fmt.Errorf("signing time %v out of range", e.SignedAt)
		case !isHex256(e.IdentityHash):
			return fmt.Errorf("identity hash %q is not 64 lower-case hex digits", e.IdentityHash)
		}
	case KindRevocation:
		switch {
		case sigFields || e.PDFHash != "" || !e.IssuedAt.IsZero():
			return fmt.Errorf("a revocation has only code, record, reason and revocation time")
		case !isHex256(e.Record):
			return fmt.Errorf("record %q is not a leaf hash in hex", e.Record)
		case !isHex256(e.Reason):
			return fmt.Errorf("reason %q is not a ReasonHash", e.Reason)
		case !validTime(e.RevokedAt):
			return fmt.Errorf("revocation time %v out of range", e.RevokedAt)
		}
	case KindIssuance:
		switch {
		case sigFields || e.Reason != "" || !e.RevokedAt.IsZero():
			return fmt.Errorf("an issuance has only code, record, PDF hash and issuance time")
		case !isHex256(e.Record):
			return fmt.Errorf("record %q is not a leaf hash in hex", e.Record)
		case !isHex256(e.PDFHash):
			return fmt.Errorf("PDF hash %q is not 64 lower-case hex digits", e.PDFHash)
		case !validTime(e.IssuedAt):
			return fmt.Errorf("issuance time %v out of range", e.IssuedAt)
		}
	default:
		return fmt.Errorf("unknown kind %q", e.Kind)
	}
	return nil
}

// validateDocument checks a document leaf: event, purpose, PDF hash and
// upload time, and nothing else.
func (e Entry) validateDocument() error {
	switch {
	case e.Code != "" || e.EventTitle != "" || e.EventPlace != "" || !e.EventStarts.IsZero() || e.EventOrg != "" ||
		e.PledgeHash != "" || e.Org != "" || e.HolderHash != "" || e.Channel != "" || !e.SignedAt.IsZero() ||
		e.IdentityHash != "" || e.Record != "" || e.Reason != "" || !e.RevokedAt.IsZero() || !e.IssuedAt.IsZero():
		return fmt.Errorf("a document has only event, purpose, PDF hash and upload time")
	case e.EventID <= 0:
		return fmt.Errorf("event ID %d is not positive", e.EventID)
	case !validField(e.Purpose):
		return fmt.Errorf("purpose %q is empty or has control characters", e.Purpose)
	case !isHex256(e.PDFHash):
		return fmt.Errorf("PDF hash %q is not 64 lower-case hex digits", e.PDFHash)
	case !validTime(e.Uploaded):
		return fmt.Errorf("upload time %v out of range", e.Uploaded)
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

// HolderSalt derives the salt of a record's holder commitment from its
// identity salt: the first 16 bytes of SHA-256("ikrar-holder-salt/v1" 0x00
// || identity salt). Erasing the identity salt erases this one with it.
func HolderSalt(identitySalt []byte) []byte {
	h := sha256.New()
	h.Write([]byte("ikrar-holder-salt/v1\x00"))
	h.Write(identitySalt)
	return h.Sum(nil)[:16]
}

// HolderPreimage is the text a holder commitment hashes: the position,
// rank and unit the signer held when signing, salted so that a commitment
// cannot be tested against guesses (docs/FORMATS.md §4):
//
//	ikrar-holder/v1
//	salt <32 hex>
//	position <position>
//	rank <rank>
//	unit <unit>
//
// Values are escaped as in a leaf.
func HolderPreimage(identitySalt []byte, position, rank, unit string) []byte {
	b := make([]byte, 0, 160)
	b = append(b, "ikrar-holder/v1\n"...)
	b = appendLine(b, "salt", hex.EncodeToString(HolderSalt(identitySalt)))
	b = appendLine(b, "position", position)
	b = appendLine(b, "rank", rank)
	b = appendLine(b, "unit", unit)
	return b
}

// HolderHash is the hex SHA-256 of a holder preimage: what a version 2
// signature leaf records of the signer's position, rank and unit.
func HolderHash(preimage []byte) string {
	sum := sha256.Sum256(preimage)
	return hex.EncodeToString(sum[:])
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

// validText reports whether s is a version 2 text field: at most maxText
// bytes of UTF-8 without control characters, and not empty unless
// emptyOK.
func validText(s string, emptyOK bool) bool {
	if s == "" {
		return emptyOK
	}
	return len(s) <= maxText && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
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
