// Package leaf maps the registry's records to the transparency log's
// entries: which fields of a signature, revocation, issuance or event
// document a leaf commits to, and the QR claim of a record. It is the one
// place where the domain (registry) and the log library (translog) meet,
// as cmd/go's go.sum code sits on top of sumdb's tlog: translog knows
// entries, checkpoints and proofs but no record, and registry stays a
// domain package that imports nothing technical. The store calls it to
// compute the leaf it appends in the same transaction as the record.
package leaf

import (
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// Signature is the log entry of a signature record, in the record's leaf
// version. It uses only what is known before the record is stored: an
// identity or holder hash not yet set is computed from the record's salt
// and snapshot. The entry holds no personal data.
func Signature(s registry.Signature) translog.Entry {
	identity := s.IdentityHash
	if identity == "" {
		identity = Identity(s)
	}
	if s.LeafVersion < translog.LeafV2 {
		return translog.Entry{
			Kind: translog.KindSignature, EventID: s.EventID, PledgeHash: s.PledgeHash, SignedAt: s.SignedAt,
			Channel: string(s.Channel), Code: s.Code, IdentityHash: identity,
		}
	}
	holder := s.HolderHash
	if holder == "" {
		holder = Holder(s)
	}
	return translog.Entry{
		LeafVersion: translog.LeafV2, Kind: translog.KindSignature, Code: s.Code, EventID: s.EventID,
		EventTitle: s.EventTitle, EventPlace: s.EventPlace, EventStarts: s.EventStarts, EventOrg: s.EventOrg,
		PledgeHash: s.PledgeHash, Org: s.OrgName, HolderHash: holder, Channel: string(s.Channel), ScanHash: s.ScanHash,
		SignedAt: s.SignedAt, IdentityHash: identity,
	}
}

// Seal sets the commitments a new record's leaf holds, computed from its
// salt and snapshot (the identity hash, and from version 2 the holder
// hash), and returns the record's entry: what the store appends to the log
// in the record's transaction.
func Seal(s *registry.Signature) translog.Entry {
	s.IdentityHash = Identity(*s)
	if s.LeafVersion >= translog.LeafV2 {
		s.HolderHash = Holder(*s)
	}
	return Signature(*s)
}

// Revocation is the log entry of a revocation of s, in the revocation's
// leaf version: version 2 names the record by its leaf hash.
func Revocation(s registry.Signature, r registry.Revocation) translog.Entry {
	if r.LeafVersion >= translog.LeafV2 {
		return translog.Entry{LeafVersion: translog.LeafV2, Kind: translog.KindRevocation, Code: s.Code,
			Record: translog.LeafHex(Signature(s).Hash()), Reason: translog.ReasonHash(r.Reason), RevokedAt: r.RevokedAt}
	}
	e := Signature(s)
	e.Kind = translog.KindRevocation
	e.Reason = translog.ReasonHash(r.Reason)
	e.RevokedAt = r.RevokedAt
	return e
}

// Issuance is the log entry of the issuance of s's certificate.
func Issuance(s registry.Signature, pdfHash string, issuedAt time.Time) translog.Entry {
	return translog.Entry{LeafVersion: translog.LeafV2, Kind: translog.KindIssuance, Code: s.Code,
		Record: translog.LeafHex(Signature(s).Hash()), PDFHash: pdfHash, IssuedAt: issuedAt}
}

// Document is the log entry of a document kept with an event.
func Document(d registry.EventDocument) translog.Entry {
	return translog.Entry{LeafVersion: translog.LeafV2, Kind: translog.KindDocument, EventID: d.EventID,
		Purpose: string(d.Purpose), PDFHash: d.SHA256, Uploaded: d.UploadedAt}
}

// Identity computes the identity hash of a record from its salt and its
// snapshot of the signer's NIP and name.
func Identity(s registry.Signature) string {
	return translog.IdentityHash(s.IdentitySalt, s.NIP, s.Name)
}

// HolderPreimage is the holder preimage of a record from its identity salt
// and its snapshot of position, rank and unit.
func HolderPreimage(s registry.Signature) []byte {
	return translog.HolderPreimage(s.IdentitySalt, s.Position, s.Rank, s.Unit)
}

// Holder computes the holder commitment of a record.
func Holder(s registry.Signature) string {
	return translog.HolderHash(HolderPreimage(s))
}

// PersonalDataOK reports whether a record's personal data still matches
// the commitments its leaf holds: name and NIP its identity hash, and for
// version 2 position, rank and unit its holder hash. An erased record has
// none left to match.
func PersonalDataOK(s registry.Signature) (identity, holder bool) {
	if s.Erased() {
		return true, true
	}
	identity = Identity(s) == s.IdentityHash
	holder = s.LeafVersion < translog.LeafV2 || Holder(s) == s.HolderHash
	return identity, holder
}

// Claim is the claim a certificate's QR code carries for s.
func Claim(s registry.Signature) translog.Claim {
	return translog.Claim{Code: s.Code, EventID: s.EventID, PledgeHash: s.PledgeHash, SignedAt: s.SignedAt, IdentityHash: s.IdentityHash}
}

// SignClaim signs the v2 QR claim of a new record with k's current key,
// for the registry reached at host (translog.ClaimHost of the base URL); a
// record not yet stored gets its identity hash computed first. The claim
// binds the record's signature leaf, so whatever the leaf commits to the
// QR vouches for. The token it returns is the claim's base32 (see
// translog.ClaimV2.Token), stored with the record and never signed again.
func SignClaim(k *translog.Keyring, host string, s registry.Signature) (string, error) {
	if s.IdentityHash == "" {
		s.IdentityHash = Identity(s)
	}
	c, err := k.SignClaimV2(host, s.Code, s.SignedAt, Signature(s).Hash())
	if err != nil {
		return "", err
	}
	return c.Token(), nil
}

// SealNew prepares a new record for the log (a record stored before leaf
// versions is version 1) and returns its entry. A version 2 leaf is
// strict: what cannot be encoded unambiguously is refused rather than
// logged.
func SealNew(s *registry.Signature) (translog.Entry, error) {
	if s.LeafVersion == 0 {
		s.LeafVersion = 1
	}
	entry := Seal(s)
	if s.LeafVersion >= translog.LeafV2 {
		if err := entry.Validate(); err != nil {
			return entry, registry.Errorf(registry.EINVALID, "Catatan tidak dapat dicatat di log: %v", err)
		}
	}
	return entry, nil
}

// Issued is the log entry of storing p as s's certificate, checked, and
// the time it records: p's IssuedAt, or now when that is zero, in UTC to
// the millisecond as the stores keep it.
func Issued(s registry.Signature, p registry.IssuedPDF) (translog.Entry, time.Time, error) {
	at := p.IssuedAt
	if at.IsZero() {
		at = time.Now()
	}
	at = at.UTC().Truncate(time.Millisecond)
	entry := Issuance(s, p.SHA256, at)
	return entry, at, entry.Validate()
}

// Revoked sets a new revocation of s to be logged at index, in the current
// leaf version, and returns its entry, checked.
func Revoked(s registry.Signature, r *registry.Revocation, index int64) (translog.Entry, error) {
	r.LeafIndex, r.LeafVersion = index, translog.LeafV2
	entry := Revocation(s, *r)
	return entry, entry.Validate()
}
