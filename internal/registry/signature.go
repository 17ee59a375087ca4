package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Channel records how a signer was identified.
type Channel string

const (
	ChannelPersonalLink Channel = "personal_link"
	ChannelEventCode    Channel = "event_code"
	ChannelKiosk        Channel = "kiosk"
	ChannelOperator     Channel = "operator"
	// ChannelPaper is a signature made on paper (the pakta signed at the
	// ceremony, or by staff without a phone) and recorded by an officer
	// with its scan and witness.
	ChannelPaper Channel = "paper"
)

// Label is the channel in Indonesian.
func (c Channel) Label() string {
	switch c {
	case ChannelPersonalLink:
		return "Tautan pribadi"
	case ChannelEventCode:
		return "NIP dan kode acara"
	case ChannelKiosk:
		return "Kios (diverifikasi operator)"
	case ChannelOperator:
		return "Dibantu operator"
	case ChannelPaper:
		return "Di atas kertas (disaksikan)"
	}
	return string(c)
}

// Signature is the ikrar record: one employee's signed pledge for one event.
// The employee's details are a snapshot as signed; the roster may change
// later, the record does not.
type Signature struct {
	ID         int64
	EventID    int64
	EmployeeID int64
	Code       string // verification code, unguessable
	Serial     string // human-readable certificate number

	NIP      string
	Name     string // full name with titles, as signed
	Position string
	Rank     string
	Unit     string
	OrgName  string
	Category Category

	PledgeHash string
	Ink        Ink
	Consent    bool
	SignedAt   time.Time
	Channel    Channel
	ClientIP   string
	UserAgent  string

	// ScanHash is the hex SHA-256 of a paper signature's scan, which its
	// leaf commits to (kept after an erasure, like the leaf); Witness is
	// who witnessed it, personal data that an erasure removes with the
	// scan. Both are empty for other channels.
	ScanHash string
	Witness  string
	// Scan is a new paper record's scan, set only until it is stored with
	// it; the store serves it on its own (PaperScan).
	Scan *PaperScan

	// IdentitySalt is random per record; the transparency log holds only
	// IdentityHash, a hash of the salt, NIP and name, so erasing the three
	// keeps the log's leaf valid and unlinkable to the person.
	IdentitySalt []byte
	IdentityHash string

	LeafIndex int64 // position in the transparency log, -1 until appended
	// LeafVersion is the format of the record's log leaf (docs/FORMATS.md
	// §4): 1 for records made before version 2, which commit to less.
	LeafVersion int
	// The event as it was when the record was signed, as its version 2
	// leaf commits to it: what the certificate and the verification page
	// show, whatever the event row says since.
	EventTitle  string
	EventPlace  string
	EventStarts time.Time
	EventOrg    string // the organizing organization's name
	// HolderHash commits to Position, Rank and Unit (salted, see
	// translog.HolderPreimage); an erasure keeps it.
	HolderHash string
	// ClaimToken signs the claim the certificate's QR carries. It is made
	// once, with the key of the day the record is made, and never again:
	// a key rotation must not change an issued certificate.
	ClaimToken string
	// PDFHash is the hex SHA-256 of the certificate as issued and stored,
	// empty until its first download.
	PDFHash string
	// LegacyPDFHash is a fingerprint recorded before certificates were
	// stored that rendering no longer reproduced: a copy with it is an
	// earlier issue, whose bytes the registry never kept.
	LegacyPDFHash string
	ErasedAt      time.Time

	Revocation *Revocation
	// Issuance is set when the record's certificate was issued and logged.
	Issuance *Issuance
}

// IssuedPDF is a certificate as issued: its bytes, their SHA-256 (hex)
// and the QR claim token signed into them.
type IssuedPDF struct {
	SignatureID int64
	PDF         []byte
	SHA256      string
	ClaimToken  string
	// IssuedAt is when the certificate was first stored, as its issuance
	// leaf records; the store sets it if zero.
	IssuedAt time.Time
}

// CheckHash refuses a certificate whose fingerprint is not the SHA-256 of
// its bytes: the issuance leaf commits to the bytes stored.
func (p IssuedPDF) CheckHash() error {
	sum := sha256.Sum256(p.PDF)
	if h := hex.EncodeToString(sum[:]); p.SHA256 != h {
		return fmt.Errorf("store certificate of record %d: fingerprint %q is not the SHA-256 of its bytes (%s)", p.SignatureID, p.SHA256, h)
	}
	return nil
}

// Issuance is the log's record of a certificate's PDF: its issuance leaf.
type Issuance struct {
	LeafIndex int64
	PDFHash   string
	IssuedAt  time.Time
}

// Revoked reports whether the signature was withdrawn.
func (s Signature) Revoked() bool { return s.Revocation != nil }

// Erased reports whether the holder's personal data was erased.
func (s Signature) Erased() bool { return !s.ErasedAt.IsZero() }

// FormatSerial builds the certificate number from the signing year, the
// event and the record's ID: "IKR/2024/E12/000123".
func FormatSerial(year int, eventID, id int64) string {
	return fmt.Sprintf("IKR/%d/E%d/%06d", year, eventID, id)
}

// codeAlphabet is Crockford's base32: no I, L, O, U, easy to read aloud.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeAlphabet is the alphabet of codes people read and type, for other
// short codes made to the same rules (see NormalizeCode).
const CodeAlphabet = codeAlphabet

// NormalizeCode upper-cases a typed code, drops separators and maps the
// letters people confuse (O→0, I/L→1). It returns "" if the result is not a
// well-formed code.
func NormalizeCode(s string, length int) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '.':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if !strings.ContainsRune(codeAlphabet, r) {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != length {
		return ""
	}
	return b.String()
}

// Code lengths: a certificate code carries 60 bits; an event code is short
// enough to read out in a hall and is only half of a signer's identification.
const (
	CertificateCodeLen = 12
	EventCodeLen       = 6
)

// GroupCode shows a code in groups of four: "K7M4-QX2P-9ABC".
func GroupCode(code string) string {
	var parts []string
	for len(code) > 4 {
		parts = append(parts, code[:4])
		code = code[4:]
	}
	return strings.Join(append(parts, code), "-")
}

// Certificate returns the record behind a certificate code.
func (s *Service) Certificate(ctx context.Context, code string) (Signature, error) {
	return s.byCode(ctx, code, s.Store.SignatureByCode)
}

// Lookup is Certificate without the signature ink (Ink holds only its
// Kind): what
// public verification needs, read faster.
func (s *Service) Lookup(ctx context.Context, code string) (Signature, error) {
	return s.byCode(ctx, code, s.Store.SignatureLookup)
}

func (s *Service) byCode(ctx context.Context, code string, read func(context.Context, string) (Signature, error)) (Signature, error) {
	c := NormalizeCode(code, CertificateCodeLen)
	if c == "" {
		return Signature{}, Errorf(ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	}
	sig, err := read(ctx, c)
	if IsCode(err, ENOTFOUND) {
		return Signature{}, Errorf(ENOTFOUND, "Sertifikat dengan kode tersebut tidak ditemukan.")
	}
	return sig, err
}

// SignatureStore keeps ikrar records and revocations.
type SignatureStore interface {
	// InsertSignature stores a new record and sets its ID, Serial and
	// LeafIndex. It returns ECONFLICT if the employee has a standing (not
	// revoked) record of the event; it returns only once the record is
	// durable.
	InsertSignature(ctx context.Context, s *Signature) error
	SignatureByCode(ctx context.Context, code string) (Signature, error)
	// SignatureLookup is SignatureByCode without the signature ink: Ink
	// holds only its Kind.
	SignatureLookup(ctx context.Context, code string) (Signature, error)
	// SignatureFor returns an employee's standing record of an event or,
	// when none stands, their latest revoked one; ENOTFOUND if they have
	// neither.
	SignatureFor(ctx context.Context, eventID, employeeID int64) (Signature, error)
	// Participants lists the eligible employees of an event with their
	// records, in the event organization's subtree.
	Participants(ctx context.Context, e Event, scope string) ([]Participant, error)
	EventStats(ctx context.Context, e Event) (EventStats, error)
	InsertRevocation(ctx context.Context, r *Revocation) error
	// StorePDF keeps a record's certificate as issued, for good, and makes
	// its SHA-256 the record's fingerprint (a different fingerprint recorded
	// before moves to LegacyPDFHash). It reports false, changing nothing,
	// if the record has a certificate stored already or was erased.
	StorePDF(ctx context.Context, p IssuedPDF) (bool, error)
	// IssuedPDF returns a record's stored certificate; ENOTFOUND if none.
	IssuedPDF(ctx context.Context, signatureID int64) ([]byte, error)
	// UnstoredPDFs returns, by ID after afterID, at most limit records that
	// have a fingerprint from before certificates were stored, no stored
	// certificate and no recorded mismatch: those the upgrade still has
	// to store.
	UnstoredPDFs(ctx context.Context, afterID int64, limit int) ([]Signature, error)
	// MarkPDFUnmatched records that a record's fingerprint is not
	// reproduced by rendering it today: it becomes LegacyPDFHash.
	MarkPDFUnmatched(ctx context.Context, signatureID int64) error
	// EraseSignature removes the personal data of a record (NIP, name,
	// position, rank, unit, drawn signature, salt, client address and agent,
	// the stored certificate and its fingerprints) and its link to the roster, and marks it erased.
	EraseSignature(ctx context.Context, signatureID int64, at time.Time) error
	// EraseEmployee erases every record of an employee as EraseSignature
	// does and deletes the employee from the roster; it returns the codes
	// of the records.
	EraseEmployee(ctx context.Context, employeeID int64, at time.Time) ([]string, error)
	// PaperScan returns the stored scan of a paper signature; ENOTFOUND if
	// none (another channel, or erased).
	PaperScan(ctx context.Context, signatureID int64) (PaperScan, error)
}
