package translog

import (
	"github.com/ikrar-id/ikrar/internal/registry"
)

// SignatureEntry is the log entry of a signature record. The record's
// IdentityHash must be set (see IdentityHash); the entry holds no personal
// data.
func SignatureEntry(s registry.Signature) Entry {
	return Entry{
		Kind: KindSignature, EventID: s.EventID, PledgeHash: s.PledgeHash, SignedAt: s.SignedAt,
		Channel: string(s.Channel), Code: s.Code, IdentityHash: s.IdentityHash,
	}
}

// RevocationEntry is the log entry of a revocation of s.
func RevocationEntry(s registry.Signature, r registry.Revocation) Entry {
	e := SignatureEntry(s)
	e.Kind = KindRevocation
	e.Reason = ReasonHash(r.Reason)
	e.RevokedAt = r.RevokedAt
	return e
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
