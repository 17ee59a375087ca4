package row

import (
	"fmt"

	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// SignatureColumns are the columns Signature reads, from SignatureFrom: a
// record with its revocation and its issuance, if any. A store that reads
// a record without its ink selects NULL in place of s.ink.
const SignatureColumns = `s.id, s.event_id, COALESCE(s.employee_id, 0), s.code, s.nip, s.name, s.position, s.rank, s.unit, s.org_name, s.category,
	s.pledge_hash, s.ink_kind, s.ink, s.consent, s.signed_at, s.channel, s.client_ip, s.user_agent, s.leaf_index, s.pdf_hash, s.erased_at,
	r.id, r.reason, r.user_id, r.user_name, r.revoked_at, r.leaf_index, s.identity_hash, s.claim_token, s.legacy_pdf_hash,
	s.identity_salt, s.leaf_version, s.event_title, s.event_place, s.event_starts, s.event_org, s.holder_hash,
	r.leaf_version, c.leaf_index, c.issued_at, s.scan_hash, s.witness`

// SignatureFrom is where SignatureColumns come from.
const SignatureFrom = ` FROM signatures s LEFT JOIN revocations r ON r.signature_id = s.id
	LEFT JOIN issuances c ON c.signature_id = s.id`

// Signature reads SignatureColumns followed by extra columns; its ink's
// content is decoded only withInk (Ink holds only its Kind otherwise).
func Signature(sc Scanner, withInk bool, extra ...any) (registry.Signature, error) {
	var s registry.Signature
	var inkBlob []byte
	var signed, erased, starts int64
	var rID, rUser, rAt, rLeaf, pLeaf, pAt *int64
	var rVersion *int
	var rReason, rUserName *string
	dest := []any{&s.ID, &s.EventID, &s.EmployeeID, &s.Code, &s.NIP, &s.Name, &s.Position, &s.Rank, &s.Unit, &s.OrgName,
		&s.Category, &s.PledgeHash, &s.Ink.Kind, &inkBlob, &s.Consent, &signed, &s.Channel, &s.ClientIP, &s.UserAgent,
		&s.LeafIndex, &s.PDFHash, &erased, &rID, &rReason, &rUser, &rUserName, &rAt, &rLeaf, &s.IdentityHash, &s.ClaimToken, &s.LegacyPDFHash,
		&s.IdentitySalt, &s.LeafVersion, &s.EventTitle, &s.EventPlace, &starts, &s.EventOrg, &s.HolderHash,
		&rVersion, &pLeaf, &pAt, &s.ScanHash, &s.Witness}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return s, err
	}
	s.SignedAt, s.ErasedAt = Time(signed), Time(erased)
	if s.LeafVersion >= translog.LeafV2 {
		s.EventStarts = Time(starts)
	}
	if pLeaf != nil {
		s.Issuance = &registry.Issuance{LeafIndex: *pLeaf, PDFHash: s.PDFHash, IssuedAt: Time(*pAt)}
	}
	s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
	if withInk {
		if err := ink.FromBlob(&s.Ink, inkBlob); err != nil {
			return s, fmt.Errorf("signature %d: %w", s.ID, err)
		}
	}
	if rID != nil {
		s.Revocation = &registry.Revocation{ID: *rID, SignatureID: s.ID, Reason: *rReason, UserID: *rUser,
			UserName: *rUserName, RevokedAt: Time(*rAt), LeafIndex: *rLeaf, LeafVersion: *rVersion}
	}
	return s, nil
}

// SignatureArgs are the values of a new record's columns, in this order:
// event_id, employee_id, code, nip, name, position, rank, unit, org_name,
// category, pledge_hash, ink_kind, ink, consent, signed_at, channel,
// client_ip, user_agent, identity_salt, identity_hash, leaf_index,
// claim_token, leaf_version, event_title, event_place, event_starts,
// event_org, holder_hash, scan_hash, witness; they are appended to dst,
// which a caller may keep on its stack.
func SignatureArgs(dst []any, s *registry.Signature) []any {
	var starts int64
	if s.LeafVersion >= translog.LeafV2 {
		starts = Millis(s.EventStarts)
	}
	return append(dst, s.EventID, s.EmployeeID, s.Code, s.NIP, s.Name, s.Position, s.Rank, s.Unit, s.OrgName, s.Category, s.PledgeHash,
		s.Ink.Kind, ink.Blob(s.Ink), s.Consent, Millis(s.SignedAt), s.Channel, s.ClientIP, s.UserAgent, s.IdentitySalt, s.IdentityHash, s.LeafIndex, s.ClaimToken,
		s.LeafVersion, s.EventTitle, s.EventPlace, starts, s.EventOrg, s.HolderHash, s.ScanHash, s.Witness)
}
