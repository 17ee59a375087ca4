package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// EraseSignature removes a record's personal data and its link to the
// roster, keeping what the log leaf and the public verdict need (code,
// event, time, channel, pledge and identity hashes, organization). Then
// it scrubs the WAL, so the old values are gone from the files too.
func (db *DB) EraseSignature(ctx context.Context, signatureID int64, at time.Time) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		return eraseSignature(ctx, tx, signatureID, at)
	})
	if err != nil {
		return err
	}
	db.feed.Wake(0)
	return scrubbed(db.Scrub(ctx))
}

// EraseEmployee erases the personal data of every record of an employee,
// then deletes the employee from the roster with what hangs off the row
// (personal link generations, participant lists). It returns the codes of
// the records it erased.
func (db *DB) EraseEmployee(ctx context.Context, employeeID int64, at time.Time) ([]string, error) {
	var codes []string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		codes = codes[:0]
		rows, err := tx.QueryContext(ctx, `SELECT id, code, erased_at FROM signatures WHERE employee_id = ?`, employeeID)
		if err != nil {
			return err
		}
		type rec struct {
			id     int64
			code   string
			erased int64
		}
		var recs []rec
		for rows.Next() {
			var r rec
			if err := rows.Scan(&r.id, &r.code, &r.erased); err != nil {
				rows.Close()
				return err
			}
			recs = append(recs, r)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, r := range recs {
			if err := eraseSignature(ctx, tx, r.id, at); err != nil && !registry.IsCode(err, registry.ECONFLICT) {
				return fmt.Errorf("erase record %s: %w", r.code, err)
			}
			codes = append(codes, r.code)
		}
		for _, q := range []string{
			`DELETE FROM link_generations WHERE employee_id = ?`,
			`DELETE FROM event_participants WHERE employee_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, employeeID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM employees WHERE id = ?`, employeeID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Pegawai tidak ditemukan.")
		}
		// The roster counter kept the employee's unit name; a unit nobody
		// is left in goes.
		_, err = tx.ExecContext(ctx, `DELETE FROM ops_roster WHERE employees <= 0`)
		registry.Decided(ctx, registry.AuditOutcome{Count: len(codes), Codes: codes})
		return err
	})
	if err != nil {
		return nil, err
	}
	db.feed.Wake(0)
	return codes, scrubbed(db.Scrub(ctx))
}

// scrubbed marks a failed scrub after a committed erasure as pending.
func scrubbed(err error) error {
	if err != nil {
		return fmt.Errorf("%w: %w", registry.ErrScrubPending, err)
	}
	return nil
}

// eraseSignature blanks one record in tx. A standing record stops counting
// for its signer's unit: it no longer belongs to anyone.
func eraseSignature(ctx context.Context, tx *sql.Tx, signatureID int64, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ops_signed SET signed = signed - 1
		WHERE (event_id, org_id, unit) = (
			SELECT s.event_id, e.org_id, e.unit FROM signatures s JOIN employees e ON e.id = s.employee_id
			WHERE s.id = ? AND s.erased_at = 0 AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id))`,
		signatureID); err != nil {
		return fmt.Errorf("uncount erased record: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ops_signed WHERE signed <= 0`); err != nil {
		return err
	}
	// A logged issuance keeps its fingerprint: the leaf is recomputed from
	// it, and the hash of a deleted PDF tells nothing about the person.
	res, err := tx.ExecContext(ctx, `UPDATE signatures SET employee_id = NULL, nip = '', name = '', position = '', rank = '',
		unit = '', ink_kind = ?, ink = x'', identity_salt = NULL, client_ip = '', user_agent = '',
		pdf_hash = CASE WHEN EXISTS (SELECT 1 FROM issuances i WHERE i.signature_id = signatures.id) THEN pdf_hash ELSE '' END,
		legacy_pdf_hash = '', witness = '', erased_at = ?
		WHERE id = ? AND erased_at = 0`, registry.InkErased, row.Millis(at), signatureID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return registry.Errorf(registry.ECONFLICT, "Data pribadi pada sertifikat ini sudah dihapus.")
	}
	// The certificate shows the name, NIP and drawn signature; its
	// issuance row stays for its leaf.
	if _, err := tx.ExecContext(ctx, `DELETE FROM certificate_pdfs WHERE signature_id = ?`, signatureID); err != nil {
		return fmt.Errorf("delete erased certificate: %w", err)
	}
	// A paper signature's scan shows the person's hand and name; its hash
	// stays in the record for its leaf.
	if _, err := tx.ExecContext(ctx, `DELETE FROM paper_scans WHERE signature_id = ?`, signatureID); err != nil {
		return fmt.Errorf("delete erased paper scan: %w", err)
	}
	return nil
}

// scrubWait bounds how long Scrub waits for readers to leave the WAL.
var scrubWait = 5 * time.Second

// Scrub moves every page of the WAL into the database file and truncates
// the WAL to nothing: with secure_delete on, what an erasure overwrote is
// then gone from both files. A checkpoint cannot pass a reader that still
// holds an older snapshot, so Scrub retries for a while; if readers keep it
// from completing it returns an error and retries in the background until
// it completes.
func (db *DB) Scrub(ctx context.Context) error {
	deadline := time.Now().Add(scrubWait)
	for {
		done, err := db.checkpointTruncate(ctx)
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			db.scrubInBackground()
			return fmt.Errorf("scrub WAL: readers kept the checkpoint from completing for %v; retrying in the background", scrubWait)
		}
		select {
		case <-ctx.Done():
			db.scrubInBackground()
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// scrubInBackground retries the scrub every second until it completes or
// the store closes; one retrier at a time serves every pending erasure.
func (db *DB) scrubInBackground() {
	if db.scrubbing.CompareAndSwap(false, true) {
		go db.scrubLater()
	}
}

func (db *DB) scrubLater() {
	defer db.scrubbing.Store(false)
	for {
		select {
		case <-db.stop:
			return
		case <-time.After(time.Second):
		}
		done, err := db.checkpointTruncate(context.Background())
		if done {
			slog.Info("WAL scrubbed after an erasure")
			return
		}
		if err != nil {
			slog.Warn("scrub WAL after an erasure", "err", err)
		}
	}
}

// checkpointTruncate runs one TRUNCATE checkpoint on the writer
// connection, which the group commit also uses: it runs between batches.
// A TRUNCATE checkpoint waits for readers through the busy handler, so the
// connection's busy timeout is shortened meanwhile: signings must not
// queue behind a reader for the 10 s the writer otherwise waits.
func (db *DB) checkpointTruncate(ctx context.Context) (bool, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 100`); err != nil {
		return false, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 10000`)
	var busy, logFrames, checkpointed int
	if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed); err != nil {
		return false, fmt.Errorf("checkpoint WAL: %w", err)
	}
	return busy == 0, nil
}
