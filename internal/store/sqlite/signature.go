package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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
// signature image, which public verification never shows: it is most of a
// row's bytes, and drawn strokes would be decoded for nothing.
var signatureColumnsNoInk = strings.Replace(signatureColumns, "s.ink_kind, s.ink,", "s.ink_kind, NULL,", 1)

func scanSignature(sc scanner) (registry.Signature, error) {
	return scanSignatureWith(sc, true)
}

// scanSignatureWith scans signatureColumns (signatureColumnsNoInk unless
// withInk) followed by extra columns.
func scanSignatureWith(sc scanner, withInk bool, extra ...any) (registry.Signature, error) {
	var s registry.Signature
	var inkBlob []byte
	var signed, erased, starts int64
	var rID, rUser, rAt, rLeaf, rVersion, pLeaf, pAt sql.NullInt64
	var rReason, rUserName sql.NullString
	dest := []any{&s.ID, &s.EventID, &s.EmployeeID, &s.Code, &s.NIP, &s.Name, &s.Position, &s.Rank, &s.Unit, &s.OrgName,
		&s.Category, &s.PledgeHash, &s.Ink.Kind, &inkBlob, &s.Consent, &signed, &s.Channel, &s.ClientIP, &s.UserAgent,
		&s.LeafIndex, &s.PDFHash, &erased, &rID, &rReason, &rUser, &rUserName, &rAt, &rLeaf, &s.IdentityHash, &s.ClaimToken, &s.LegacyPDFHash,
		&s.IdentitySalt, &s.LeafVersion, &s.EventTitle, &s.EventPlace, &starts, &s.EventOrg, &s.HolderHash,
		&rVersion, &pLeaf, &pAt, &s.ScanHash, &s.Witness}
	err := sc.Scan(append(dest, extra...)...)
	if err != nil {
		return s, err
	}
	s.SignedAt, s.ErasedAt = fromMS(signed), fromMS(erased)
	if s.LeafVersion >= translog.LeafV2 {
		s.EventStarts = fromMS(starts)
	}
	if pLeaf.Valid {
		s.Issuance = &registry.Issuance{LeafIndex: pLeaf.Int64, PDFHash: s.PDFHash, IssuedAt: fromMS(pAt.Int64)}
	}
	s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
	if withInk {
		if err := decodeInk(&s.Ink, inkBlob); err != nil {
			return s, fmt.Errorf("signature %d: %w", s.ID, err)
		}
	}
	if rID.Valid {
		s.Revocation = &registry.Revocation{ID: rID.Int64, SignatureID: s.ID, Reason: rReason.String, UserID: rUser.Int64,
			UserName: rUserName.String, RevokedAt: fromMS(rAt.Int64), LeafIndex: rLeaf.Int64, LeafVersion: int(rVersion.Int64)}
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
// transparency log in the same transaction; it sets the record's ID, serial,
// identity hash and leaf index. Signings are committed in batches by one
// writer goroutine (group commit); each call returns only after the batch
// holding its record has committed.
func (db *DB) InsertSignature(ctx context.Context, s *registry.Signature) error {
	return db.groupWrite(ctx, signRequest{ctx: ctx, sig: s, done: make(chan error, 1)})
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

func insertSignature(ctx context.Context, tx *sql.Tx, lg *logAppender, s *registry.Signature) error {
	if s.LeafVersion == 0 {
		s.LeafVersion = 1
	}
	entry := leaf.Seal(s)
	var starts int64
	if s.LeafVersion >= translog.LeafV2 {
		starts = ms(s.EventStarts)
	}
	if s.LeafVersion >= translog.LeafV2 {
		// A version 2 leaf is strict: what cannot be encoded unambiguously
		// is refused rather than logged.
		if err := entry.Validate(); err != nil {
			return registry.Errorf(registry.EINVALID, "Catatan tidak dapat dicatat di log: %v", err)
		}
	}
	// The event's state is read in the commit's own transaction: once a
	// close has committed no signing commits, even one that checked a copy
	// of the event read before the close. An officer's record of a paper
	// sheet is the exception: it may be entered after the close, never
	// into a draft (registry.Event.PaperState).
	var status registry.EventStatus
	if err := tx.QueryRowContext(ctx, `SELECT status FROM events WHERE id = ?`, s.EventID).Scan(&status); err != nil {
		return mapErr(err, "Acara")
	}
	if s.Channel == registry.ChannelPaper && status == registry.StatusClosed {
		status = registry.StatusOpen
	}
	if status != registry.StatusOpen {
		return registry.Errorf(registry.ENOTOPEN, "Penandatanganan ikrar untuk acara ini sudah ditutup.")
	}
	s.LeafIndex = lg.n
	res, err := tx.ExecContext(ctx, `INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name,
		category, pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index, claim_token,
		leaf_version, event_title, event_place, event_starts, event_org, holder_hash, scan_hash, witness)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.EventID, s.EmployeeID, s.Code, s.NIP, s.Name, s.Position, s.Rank, s.Unit, s.OrgName, s.Category, s.PledgeHash,
		s.Ink.Kind, inkBlob(s.Ink), s.Consent, ms(s.SignedAt), s.Channel, s.ClientIP, s.UserAgent, s.IdentitySalt, s.IdentityHash, s.LeafIndex, s.ClaimToken,
		s.LeafVersion, s.EventTitle, s.EventPlace, starts, s.EventOrg, s.HolderHash, s.ScanHash, s.Witness)
	if err != nil {
		s.LeafIndex = -1
		return mapErr(err, "Tanda tangan")
	}
	if s.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if s.Scan != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO paper_scans (signature_id, content_type, scan) VALUES (?, ?, ?)`,
			s.ID, s.Scan.ContentType, s.Scan.Data); err != nil {
			return fmt.Errorf("store paper scan of %d: %w", s.ID, err)
		}
	}
	if err := lg.append(entry.Hash()); err != nil {
		return fmt.Errorf("log signature %d: %w", s.ID, err)
	}
	s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
	return nil
}

// SignatureByCode returns the record behind a certificate code.
func (db *DB) SignatureByCode(ctx context.Context, code string) (registry.Signature, error) {
	s, err := scanSignature(db.queryRow(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.code = ?`, code))
	return s, mapErr(err, "Sertifikat")
}

// SignatureLookup returns the record behind a certificate code without its
// signature ink (Ink holds only its Kind), for the public verification
// answers.
func (db *DB) SignatureLookup(ctx context.Context, code string) (registry.Signature, error) {
	s, err := scanSignatureWith(db.queryRow(ctx, `SELECT `+signatureColumnsNoInk+signatureFrom+` WHERE s.code = ?`, code), false)
	return s, mapErr(err, "Sertifikat")
}

// SignatureFor returns an employee's standing record for an event or,
// when none stands, the latest of their revoked ones (Revoked reports
// which): a revoked record does not count as signed, but the signing page
// tells its signer about it.
func (db *DB) SignatureFor(ctx context.Context, eventID, employeeID int64) (registry.Signature, error) {
	s, err := scanSignature(db.queryRow(ctx, `SELECT `+signatureColumns+signatureFrom+
		` WHERE s.id = `+personRecord("?"), eventID, employeeID, eventID, employeeID))
	return s, mapErr(err, "Tanda tangan")
}

// personRecord is the ID of the record that stands for the employee whose
// ID is emp at an event: their standing record, else their latest revoked
// one. An employee has at most one standing record per event
// (migrations/012_resign.sql). Its two arguments are the event's ID,
// twice; each look-up is one probe of signatures_person, no sort.
func personRecord(emp string) string {
	return `COALESCE((SELECT p.id FROM signatures p WHERE p.event_id = ? AND p.employee_id = ` + emp + ` AND p.revoked = 0),
		(SELECT MAX(p.id) FROM signatures p WHERE p.event_id = ? AND p.employee_id = ` + emp + `))`
}
