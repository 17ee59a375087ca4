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

// SignRecordClaim signs the claim of a record with the current key; a
// record not yet stored gets its identity hash computed first. It is
// registry.Service.ClaimSigner.
func (k *Keyring) SignRecordClaim(s registry.Signature) (string, error) {
	if s.IdentityHash == "" {
		s.IdentityHash = SignatureIdentity(s)
	}
	return k.SignClaim(ClaimOf(s))
}
