package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// commitBatch stores a batch in one transaction. A record that fails (a
// second standing signature of one person) is rolled back to its own
// savepoint and fails alone; the others commit. A plain signing costs one
// round trip: its savepoint, insert and release go as one pipeline.
func (db *DB) commitBatch(batch []groupcommit.Request) {
	results := make([]error, len(batch))
	ctx := context.Background()
	var events []int64 // of the records stored, for the dashboards
	err := db.appendTx(ctx, func(tx pgx.Tx, lg *logAppender) error {
		statuses := map[int64]registry.EventStatus{}
		var signed []int64
		for i, r := range batch {
			if r.Ctx.Err() != nil {
				results[i] = r.Ctx.Err()
				continue
			}
			if r.PDF != nil {
				// Stored once: the first certificate stored is the one issued.
				var err error
				if r.PDF.Stored, err = storePDF(ctx, tx, lg, r.PDF.IssuedPDF); err != nil {
					return fmt.Errorf("store certificate: %w", err)
				}
				continue
			}
			n := lg.n
			failed, err := sign(ctx, tx, lg, statuses, r)
			if err != nil {
				return err
			}
			if failed != nil {
				results[i] = failed
				lg.truncate(n)
				continue
			}
			signed = append(signed, r.Sig.ID)
		}
		events = groupcommit.Events(batch, results)
		if err := countSignings(ctx, tx, signed); err != nil {
			return err
		}
		for _, id := range events {
			if err := notifyProgress(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		db.feed.Wake(events...)
	}
	db.commits.Answer(batch, results, err)
}

// sign stores r's record, and for one an officer records (a paper sheet)
// its scan and the audit entry its context carries, inside a savepoint:
// the record and what goes with it are kept or rolled back together.
// failed is the signing's own failure, which leaves the batch going; err
// fails the batch.
func sign(ctx context.Context, tx pgx.Tx, lg *logAppender, statuses map[int64]registry.EventStatus, r groupcommit.Request) (failed, err error) {
	s := r.Sig
	entry, failed := leaf.SealNew(s)
	if failed != nil {
		return failed, nil
	}
	if failed, err := checkOpen(ctx, tx, statuses, s); failed != nil || err != nil {
		return failed, err
	}
	s.LeafIndex = lg.n
	audit := registry.AuditOf(r.Ctx)
	b := &pgx.Batch{}
	b.Queue(`SAVEPOINT sign`)
	b.Queue(insertSignatureSQL, row.SignatureArgs(nil, s)...).QueryRow(func(row pgx.Row) error { return row.Scan(&s.ID) })
	if s.Scan == nil && audit == nil {
		b.Queue(`RELEASE SAVEPOINT sign`)
	}
	var saved bool
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return nil, err
		}
		// The insert failed (the release, if queued, was then refused).
		failed = mapErr(err, "Tanda tangan")
	} else {
		saved = true
	}
	if saved && (s.Scan != nil || audit != nil) {
		failed = storeWithRecord(ctx, tx, s, audit)
		if failed == nil {
			if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT sign`); err != nil {
				return nil, err
			}
		}
	}
	if failed != nil {
		s.LeafIndex = -1
		for _, q := range []string{`ROLLBACK TO SAVEPOINT sign`, `RELEASE SAVEPOINT sign`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return nil, fmt.Errorf("roll the signing back: %w", err)
			}
		}
		return failed, nil
	}
	if err := lg.append(entry.Hash()); err != nil {
		return nil, fmt.Errorf("log signature %d: %w", s.ID, err)
	}
	s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
	return nil, nil
}

// storeWithRecord writes a paper record's scan and the audit entry of an
// officer's record, after the record.
func storeWithRecord(ctx context.Context, tx pgx.Tx, s *registry.Signature, audit *registry.PendingAudit) error {
	if s.Scan != nil {
		if _, err := tx.Exec(ctx, `INSERT INTO paper_scans (signature_id, content_type, scan) VALUES ($1, $2, $3)`,
			s.ID, s.Scan.ContentType, s.Scan.Data); err != nil {
			return fmt.Errorf("store paper scan of %d: %w", s.ID, err)
		}
	}
	return writeAudit(ctx, tx, audit)
}

// checkOpen refuses a signing into an event that is not open, reading
// each event's status once per batch with a share lock: a close on any
// instance waits for this batch to commit, and a batch that reads after a
// close has committed sees the event closed (registry.CommitState).
func checkOpen(ctx context.Context, tx pgx.Tx, statuses map[int64]registry.EventStatus, s *registry.Signature) (failed, err error) {
	status, ok := statuses[s.EventID]
	if !ok {
		err := tx.QueryRow(ctx, `SELECT status FROM events WHERE id = $1 FOR SHARE`, s.EventID).Scan(&status)
		if errors.Is(err, pgx.ErrNoRows) {
			return mapErr(err, "Acara"), nil
		}
		if err != nil {
			return nil, err
		}
		statuses[s.EventID] = status
	}
	return registry.CommitState(status, s), nil
}
