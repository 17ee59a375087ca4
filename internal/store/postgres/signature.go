package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// signatureColumnsNoInk reads the same columns as row.SignatureColumns but the
// signature image, which public verification never shows.
var signatureColumnsNoInk = strings.Replace(row.SignatureColumns, "s.ink_kind, s.ink,", "s.ink_kind, NULL::bytea,", 1)

func scanSignature(sc pgx.Row) (registry.Signature, error) {
	return row.Signature(sc, true)
}

// InsertSignature stores a new record and appends its leaf to the
// transparency log in the same transaction; it sets the record's ID,
// serial, identity hash and leaf index. Signings are committed in batches
// (groupcommit.go); each call returns once the batch holding its record
// has committed.
func (db *DB) InsertSignature(ctx context.Context, s *registry.Signature) error {
	return db.commits.Write(ctx, groupcommit.Request{Ctx: ctx, Sig: s})
}

const insertSignatureSQL = `INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name,
	category, pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index, claim_token,
	leaf_version, event_title, event_place, event_starts, event_org, holder_hash, scan_hash, witness)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)
	RETURNING id`

// SignatureByCode returns the record behind a certificate code.
func (db *DB) SignatureByCode(ctx context.Context, code string) (registry.Signature, error) {
	s, err := scanSignature(db.pool.QueryRow(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+` WHERE s.code = $1`, code))
	return s, mapErr(err, "Sertifikat")
}

// SignatureLookup returns the record behind a certificate code without its
// signature ink (Ink holds only its Kind).
func (db *DB) SignatureLookup(ctx context.Context, code string) (registry.Signature, error) {
	s, err := row.Signature(db.pool.QueryRow(ctx, `SELECT `+signatureColumnsNoInk+row.SignatureFrom+` WHERE s.code = $1`, code), false)
	return s, mapErr(err, "Sertifikat")
}

// SignatureFor returns an employee's standing record for an event or,
// when none stands, the latest of their revoked ones.
func (db *DB) SignatureFor(ctx context.Context, eventID, employeeID int64) (registry.Signature, error) {
	s, err := scanSignature(db.pool.QueryRow(ctx, `SELECT `+row.SignatureColumns+row.SignatureFrom+
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
