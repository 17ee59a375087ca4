package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// Erasure on PostgreSQL: the statements are the SQLite store's, so every
// row the registry reads loses the personal data in the erasure's
// transaction. The old row versions are not overwritten at once, as
// SQLite's secure_delete and WAL scrub do: autovacuum reclaims them, and
// the WAL and its archive keep them until they are recycled or expire
// (docs/DEPLOY.md, issue 16, is to say how to bound that).

// EraseSignature removes a record's personal data and its link to the
// roster, keeping what the log leaf and the public verdict need.
func (db *DB) EraseSignature(ctx context.Context, signatureID int64, at time.Time) error {
	defer db.feed.Wake(0)
	return db.tx(ctx, func(tx pgx.Tx) error {
		return eraseSignature(ctx, tx, signatureID, at)
	})
}

// EraseEmployee erases the personal data of every record of an employee,
// then deletes the employee from the roster with what hangs off the row
// (personal link generations, participant lists). It returns the codes of
// the records it erased.
func (db *DB) EraseEmployee(ctx context.Context, employeeID int64, at time.Time) ([]string, error) {
	defer db.feed.Wake(0)
	var codes []string
	err := db.tx(ctx, func(tx pgx.Tx) error {
		codes = codes[:0]
		type rec struct {
			id   int64
			code string
		}
		rows, err := tx.Query(ctx, `SELECT id, code FROM signatures WHERE employee_id = $1 ORDER BY id`, employeeID)
		if err != nil {
			return err
		}
		recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rec, error) {
			var x rec
			err := r.Scan(&x.id, &x.code)
			return x, err
		})
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := eraseSignature(ctx, tx, r.id, at); err != nil && !registry.IsCode(err, registry.ECONFLICT) {
				return fmt.Errorf("erase record %s: %w", r.code, err)
			}
			codes = append(codes, r.code)
		}
		for _, q := range []string{
			`DELETE FROM link_generations WHERE employee_id = $1`,
			`DELETE FROM event_participants WHERE employee_id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, employeeID); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `DELETE FROM employees WHERE id = $1`, employeeID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Pegawai tidak ditemukan.")
		}
		// The roster counter kept the employee's unit name; a unit nobody
		// is left in goes.
		_, err = tx.Exec(ctx, `DELETE FROM ops_roster WHERE employees <= 0`)
		registry.Decided(ctx, registry.AuditOutcome{Count: len(codes), Codes: codes})
		return err
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// erasedChannel is the channel of PostgreSQL's notifications that a
// record's personal data was erased; the payload is its code.
const erasedChannel = "ikrar_erased"

// OnErased has f called, after the commit, with the code of each record
// whose personal data any instance erased, so that copies kept in memory
// (issued certificates) go too; with nil when some may have gone unheard
// (the notifications were interrupted): forget every copy. f must return
// at once.
func (db *DB) OnErased(f func(codes []string)) { db.erased.Store(&f) }

// forgetErased passes codes to the OnErased function, if any.
func (db *DB) forgetErased(codes []string) {
	if f := db.erased.Load(); f != nil {
		(*f)(codes)
	}
}

// eraseSignature blanks one record in tx. A standing record stops counting
// for its signer's unit: it no longer belongs to anyone.
func eraseSignature(ctx context.Context, tx pgx.Tx, signatureID int64, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE ops_signed SET signed = signed - 1
		WHERE (event_id, org_id, unit) = (
			SELECT s.event_id, e.org_id, e.unit FROM signatures s JOIN employees e ON e.id = s.employee_id
			WHERE s.id = $1 AND s.erased_at = 0 AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id))`,
		signatureID); err != nil {
		return fmt.Errorf("uncount erased record: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM ops_signed WHERE signed <= 0`); err != nil {
		return err
	}
	// A logged issuance keeps its fingerprint: the leaf is recomputed from
	// it, and the hash of a deleted PDF tells nothing about the person.
	var code string
	err := tx.QueryRow(ctx, `UPDATE signatures SET employee_id = NULL, nip = '', name = '', position = '', rank = '',
		unit = '', ink_kind = $1, ink = ''::bytea, identity_salt = NULL, client_ip = '', user_agent = '',
		pdf_hash = CASE WHEN EXISTS (SELECT 1 FROM issuances i WHERE i.signature_id = signatures.id) THEN pdf_hash ELSE '' END,
		legacy_pdf_hash = '', witness = '', erased_at = $2
		WHERE id = $3 AND erased_at = 0 RETURNING code`, registry.InkErased, row.Millis(at), signatureID).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return registry.Errorf(registry.ECONFLICT, "Data pribadi pada sertifikat ini sudah dihapus.")
	}
	if err != nil {
		return err
	}
	if err := notifyProgress(ctx, tx, 0); err != nil {
		return err
	}
	// Every instance forgets the certificate it may hold in memory.
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, erasedChannel, code); err != nil {
		return err
	}
	// The certificate shows the name, NIP and drawn signature; its
	// issuance row stays for its leaf. A paper signature's scan shows the
	// person's hand and name; its hash stays in the record for its leaf.
	for _, q := range []string{`DELETE FROM certificate_pdfs WHERE signature_id = $1`, `DELETE FROM paper_scans WHERE signature_id = $1`} {
		if _, err := tx.Exec(ctx, q, signatureID); err != nil {
			return fmt.Errorf("erase record %d: %w", signatureID, err)
		}
	}
	return nil
}
