package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

const signatureColumns = `s.id, s.event_id, COALESCE(s.employee_id, 0), s.code, s.nip, s.name, s.position, s.rank, s.unit, s.org_name, s.category,
	s.pledge_hash, s.ink_kind, s.ink, s.consent, s.signed_at, s.channel, s.client_ip, s.user_agent, s.leaf_index, s.pdf_hash, s.erased_at,
	r.id, r.reason, r.user_id, r.user_name, r.revoked_at, r.leaf_index, s.identity_hash, s.claim_token, s.legacy_pdf_hash,
	s.identity_salt, s.leaf_version, s.event_title, s.event_place, s.event_starts, s.event_org, s.holder_hash,
	r.leaf_version, c.leaf_index, c.issued_at, s.scan_hash, s.witness`

const signatureFrom = ` FROM signatures s LEFT JOIN revocations r ON r.signature_id = s.id
	LEFT JOIN issuances c ON c.signature_id = s.id`

// signatureColumnsNoInk reads the same columns as signatureColumns but the
// signature image, which public verification never shows.
var signatureColumnsNoInk = strings.Replace(signatureColumns, "s.ink_kind, s.ink,", "s.ink_kind, NULL::bytea,", 1)

func scanSignature(sc pgx.Row) (registry.Signature, error) {
	return scanSignatureWith(sc, true)
}

// scanSignatureWith scans signatureColumns (signatureColumnsNoInk unless
// withInk).
func scanSignatureWith(sc pgx.Row, withInk bool) (registry.Signature, error) {
	var s registry.Signature
	var inkBlob []byte
	var signed, erased, starts int64
	var rID, rUser, rAt, rLeaf, pLeaf, pAt *int64
	var rVersion *int
	var rReason, rUserName *string
	err := sc.Scan(&s.ID, &s.EventID, &s.EmployeeID, &s.Code, &s.NIP, &s.Name, &s.Position, &s.Rank, &s.Unit, &s.OrgName,
		&s.Category, &s.PledgeHash, &s.Ink.Kind, &inkBlob, &s.Consent, &signed, &s.Channel, &s.ClientIP, &s.UserAgent,
		&s.LeafIndex, &s.PDFHash, &erased, &rID, &rReason, &rUser, &rUserName, &rAt, &rLeaf, &s.IdentityHash, &s.ClaimToken, &s.LegacyPDFHash,
		&s.IdentitySalt, &s.LeafVersion, &s.EventTitle, &s.EventPlace, &starts, &s.EventOrg, &s.HolderHash,
		&rVersion, &pLeaf, &pAt, &s.ScanHash, &s.Witness)
	if err != nil {
		return s, err
	}
	s.SignedAt, s.ErasedAt = fromMS(signed), fromMS(erased)
	if s.LeafVersion >= translog.LeafV2 {
		s.EventStarts = fromMS(starts)
	}
	if pLeaf != nil {
		s.Issuance = &registry.Issuance{LeafIndex: *pLeaf, PDFHash: s.PDFHash, IssuedAt: fromMS(*pAt)}
	}
	s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
	if withInk {
		if err := decodeInk(&s.Ink, inkBlob); err != nil {
			return s, fmt.Errorf("signature %d: %w", s.ID, err)
		}
	}
	if rID != nil {
		s.Revocation = &registry.Revocation{ID: *rID, SignatureID: s.ID, Reason: *rReason, UserID: *rUser,
			UserName: *rUserName, RevokedAt: fromMS(*rAt), LeafIndex: *rLeaf, LeafVersion: *rVersion}
	}
	return s, nil
}

// decodeInk fills in's content from its stored form.
func decodeInk(in *registry.Ink, blob []byte) error {
	switch in.Kind {
	case registry.InkStrokes:
		strokes, err := ink.DecodeStrokes(blob)
		if err != nil {
			return fmt.Errorf("strokes: %w", err)
		}
		in.Strokes = strokes
	case registry.InkPNG:
		in.PNG = blob
	case registry.InkTyped:
		in.Typed = string(blob)
	}
	return nil
}

func inkBlob(in registry.Ink) []byte {
	switch in.Kind {
	case registry.InkStrokes:
		return ink.EncodeStrokes(in.Strokes)
	case registry.InkPNG:
		return in.PNG
	}
	return []byte(in.Typed)
}

// InsertSignature stores a new record and appends its leaf to the
// transparency log in the same transaction; it sets the record's ID,
// serial, identity hash and leaf index. Signings are committed in batches
// (groupcommit.go); each call returns once the batch holding its record
// has committed.
func (db *DB) InsertSignature(ctx context.Context, s *registry.Signature) error {
	return db.groupWrite(ctx, signRequest{ctx: ctx, sig: s, done: make(chan error, 1)})
}

// sealSignature sets the commitments of a new record's leaf and returns
// its entry; a version 2 leaf is strict: what cannot be encoded
// unambiguously is refused rather than logged.
func sealSignature(s *registry.Signature) (translog.Entry, error) {
	if s.LeafVersion == 0 {
		s.LeafVersion = 1
	}
	entry := leaf.Seal(s)
	if s.LeafVersion >= translog.LeafV2 {
		if err := entry.Validate(); err != nil {
			return entry, registry.Errorf(registry.EINVALID, "Catatan tidak dapat dicatat di log: %v", err)
		}
	}
	return entry, nil
}

const insertSignatureSQL = `INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name,
	category, pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index, claim_token,
	leaf_version, event_title, event_place, event_starts, event_org, holder_hash, scan_hash, witness)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)
	RETURNING id`

// signatureArgs are insertSignatureSQL's arguments for s.
func signatureArgs(s *registry.Signature) []any {
	var starts int64
	if s.LeafVersion >= translog.LeafV2 {
		starts = ms(s.EventStarts)
	}
	return []any{s.EventID, s.EmployeeID, s.Code, s.NIP, s.Name, s.Position, s.Rank, s.Unit, s.OrgName, s.Category, s.PledgeHash,
		s.Ink.Kind, inkBlob(s.Ink), s.Consent, ms(s.SignedAt), s.Channel, s.ClientIP, s.UserAgent, s.IdentitySalt, s.IdentityHash, s.LeafIndex, s.ClaimToken,
		s.LeafVersion, s.EventTitle, s.EventPlace, starts, s.EventOrg, s.HolderHash, s.ScanHash, s.Witness}
}

// SignatureByCode returns the record behind a certificate code.
func (db *DB) SignatureByCode(ctx context.Context, code string) (registry.Signature, error) {
	s, err := scanSignature(db.pool.QueryRow(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.code = $1`, code))
	return s, mapErr(err, "Sertifikat")
}

// SignatureLookup returns the record behind a certificate code without its
// signature ink (Ink holds only its Kind).
func (db *DB) SignatureLookup(ctx context.Context, code string) (registry.Signature, error) {
	s, err := scanSignatureWith(db.pool.QueryRow(ctx, `SELECT `+signatureColumnsNoInk+signatureFrom+` WHERE s.code = $1`, code), false)
	return s, mapErr(err, "Sertifikat")
}

// SignatureFor returns an employee's standing record for an event or,
// when none stands, the latest of their revoked ones.
func (db *DB) SignatureFor(ctx context.Context, eventID, employeeID int64) (registry.Signature, error) {
	s, err := scanSignature(db.pool.QueryRow(ctx, `SELECT `+signatureColumns+signatureFrom+
		` WHERE s.id = `+personRecord("$1", "$2"), eventID, employeeID))
	return s, mapErr(err, "Tanda tangan")
}

// personRecord is the ID of the record that stands for the employee whose
// ID is emp at the event whose ID is ev: their standing record, else their
// latest revoked one.
func personRecord(ev, emp string) string {
	return `COALESCE((SELECT p.id FROM signatures p WHERE p.event_id = ` + ev + ` AND p.employee_id = ` + emp + ` AND NOT p.revoked),
		(SELECT MAX(p.id) FROM signatures p WHERE p.event_id = ` + ev + ` AND p.employee_id = ` + emp + `))`
}

// groupWrite hands a write to the group commit and waits for its batch.
func (db *DB) groupWrite(ctx context.Context, req signRequest) error {
	select {
	case db.signq <- req:
	case <-db.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the record may commit: wait for the outcome rather than
	// for ctx, so a caller never reports failure for a stored signature.
	select {
	case err := <-req.done:
		return err
	case <-db.writerDone:
		return errClosed
	}
}
