package translog

import (
	"encoding/hex"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// LeafV2 is the leaf version new records, revocations and issuances get.
const LeafV2 = 2

// SignatureEntry is the log entry of a signature record, in the record's
// leaf version. It uses only what is known before the record is stored:
// an identity or holder hash not yet set is computed from the record's
// salt and snapshot. The entry holds no personal data.
func SignatureEntry(s registry.Signature) Entry {
	identity := s.IdentityHash
	if identity == "" {
		identity = SignatureIdentity(s)
	}
	if s.LeafVersion < LeafV2 {
		return Entry{
			Kind: KindSignature, EventID: s.EventID, PledgeHash: s.PledgeHash, SignedAt: s.SignedAt,
			Channel: string(s.Channel), Code: s.Code, IdentityHash: identity,
		}
	}
	holder := s.HolderHash
	if holder == "" {
		holder = SignatureHolder(s)
	}
	return Entry{
		LeafVersion: LeafV2, Kind: KindSignature, Code: s.Code, EventID: s.EventID,
		EventTitle: s.EventTitle, EventPlace: s.EventPlace, EventStarts: s.EventStarts, EventOrg: s.EventOrg,
		PledgeHash: s.PledgeHash, Org: s.OrgName, HolderHash: holder, Channel: string(s.Channel), ScanHash: s.ScanHash,
		SignedAt: s.SignedAt, IdentityHash: identity,
	}
}

// RevocationEntry is the log entry of a revocation of s, in the
// revocation's leaf version: version 2 names the record by its leaf hash.
func RevocationEntry(s registry.Signature, r registry.Revocation) Entry {
	if r.LeafVersion >= LeafV2 {
		return Entry{LeafVersion: LeafV2, Kind: KindRevocation, Code: s.Code, Record: LeafHex(SignatureEntry(s).Hash()),
			Reason: ReasonHash(r.Reason), RevokedAt: r.RevokedAt}
	}
	e := SignatureEntry(s)
	e.Kind = KindRevocation
	e.Reason = ReasonHash(r.Reason)
	e.RevokedAt = r.RevokedAt
	return e
}

// LeafHex is a leaf hash as a version 2 leaf names it: lower-case hex.
func LeafHex(h tlog.Hash) string { return hex.EncodeToString(h[:]) }

// IssuanceEntry is the log entry of the issuance of s's certificate.
func IssuanceEntry(s registry.Signature, pdfHash string, issuedAt time.Time) Entry {
	return Entry{LeafVersion: LeafV2, Kind: KindIssuance, Code: s.Code, Record: LeafHex(SignatureEntry(s).Hash()),
		PDFHash: pdfHash, IssuedAt: issuedAt}
}

// SignatureHolderPreimage is the holder preimage of a record from its
// identity salt and its snapshot of position, rank and unit.
func SignatureHolderPreimage(s registry.Signature) []byte {
	return HolderPreimage(s.IdentitySalt, s.Position, s.Rank, s.Unit)
}

// SignatureHolder computes the holder commitment of a record.
func SignatureHolder(s registry.Signature) string {
	return HolderHash(SignatureHolderPreimage(s))
}

// PersonalDataOK reports whether a record's personal data still matches
// the commitments its leaf holds: name and NIP its identity hash, and for
// version 2 position, rank and unit its holder hash. An erased record has
// none left to match.
func PersonalDataOK(s registry.Signature) (identity, holder bool) {
	if s.Erased() {
		return true, true
	}
	identity = SignatureIdentity(s) == s.IdentityHash
	holder = s.LeafVersion < LeafV2 || SignatureHolder(s) == s.HolderHash
	return identity, holder
}

// ClaimOf is the claim a certificate's QR code carries for s.
func ClaimOf(s registry.Signature) Claim {
	return Claim{Code: s.Code, EventID: s.EventID, PledgeHash: s.PledgeHash, SignedAt: s.SignedAt, IdentityHash: s.IdentityHash}
}

// SignatureIdentity computes the identity hash of a record from its salt and
// its snapshot of the signer's NIP and name.
func SignatureIdentity(s registry.Signature) string {
	return IdentityHash(s.IdentitySalt, s.NIP, s.Name)
}

// SignRecordClaim signs the v2 QR claim of a new record with the current
// key, for the registry reached at host (ClaimHost of the base URL); a
// record not yet stored gets its identity hash computed first. The claim
// binds the record's signature leaf, so whatever the leaf commits to the
// QR vouches for. The token it returns is the claim's base32 (see
// ClaimV2.Token), stored with the record and never signed again.
func (k *Keyring) SignRecordClaim(host string, s registry.Signature) (string, error) {
	if s.IdentityHash == "" {
		s.IdentityHash = SignatureIdentity(s)
	}
	c, err := k.SignClaimV2(host, s.Code, s.SignedAt, SignatureEntry(s).Hash())
	if err != nil {
		return "", err
	}
	return c.Token(), nil
}

// DocumentEntry is the log entry of a document kept with an event.
func DocumentEntry(d registry.EventDocument) Entry {
	return Entry{LeafVersion: LeafV2, Kind: KindDocument, EventID: d.EventID, Purpose: string(d.Purpose),
		PDFHash: d.SHA256, Uploaded: d.UploadedAt}
}
