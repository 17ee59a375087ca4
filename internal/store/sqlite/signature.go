package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// signatureColumnsNoInk reads the same columns as row.SignatureColumns but the
// signature image, which public verification never shows: it is most of a
// row's bytes, and drawn strokes would be decoded for nothing.
var signatureColumnsNoInk = strings.Replace(row.SignatureColumns, "s.ink_kind, s.ink,", "s.ink_kind, NULL,", 1)

func scanSignature(sc row.Scanner) (registry.Signature, error) {
	return row.Signature(sc, true)
}

// InsertSignature stores a new record and appends its leaf to the
// transparency log in the same transaction; it sets the record's ID, serial,
// identity hash and leaf index. Signings are committed in batches by one
// writer goroutine (group commit); each call returns only after the batch
// holding its record has committed.
func (db *DB) InsertSignature(ctx context.Context, s *registry.Signature) error {
	return db.commits.Write(ctx, groupcommit.Request{Ctx: ctx, Sig: s})
}

func insertSignature(ctx context.Context, tx *sql.Tx, lg *logAppender, s *registry.Signature) error {
	entry, err := leaf.SealNew(s)
	if err != nil {
		return err
	}
	var status registry.EventStatus
	if err := tx.QueryRowContext(ctx, `SELECT status FROM events WHERE id = ?`, s.EventID).Scan(&status); err != nil {
		return mapErr(err, "Acara")
	}
	if err := registry.CommitState(status, s); err != nil {
		return err
	}
	s.LeafIndex = lg.n
	var args [30]any
	res, err := tx.ExecContext(ctx, `INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name,
		category, pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index, claim_token,
		leaf_version, event_title, event_place, event_starts, event_org, holder_hash, scan_hash, witness)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row.SignatureArgs(args[:0], s)...)
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
	s, err := scanSignature(db.queryRow(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+` WHERE s.code = ?`, code))
	return s, mapErr(err, "Sertifikat")
}

// SignatureLookup returns the record behind a certificate code without its
// signature ink (Ink holds only its Kind), for the public verification
// answers.
func (db *DB) SignatureLookup(ctx context.Context, code string) (registry.Signature, error) {
	s, err := row.Signature(db.queryRow(ctx, `SELECT `+signatureColumnsNoInk+row.SignatureFrom+` WHERE s.code = ?`, code), false)
	return s, mapErr(err, "Sertifikat")
}

// SignatureFor returns an employee's standing record for an event or,
// when none stands, the latest of their revoked ones (Revoked reports
// which): a revoked record does not count as signed, but the signing page
// tells its signer about it.
func (db *DB) SignatureFor(ctx context.Context, eventID, employeeID int64) (registry.Signature, error) {
	s, err := scanSignature(db.queryRow(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+
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
