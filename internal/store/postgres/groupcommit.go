package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// maxBatch bounds how many signings one transaction commits.
const maxBatch = 512

// signRequest is one write for the group commit: a signing, or (sig nil)
// a certificate stored at its first download.
type signRequest struct {
	ctx  context.Context
	sig  *registry.Signature
	pdf  *pdfWrite
	done chan error
}

// pdfWrite is a certificate to store; stored is set before done is
// signalled.
type pdfWrite struct {
	registry.IssuedPDF
	stored bool
}

// signWriter is the goroutine that writes this instance's signings. While
// one batch commits, new requests queue up and form the next batch, so
// the log's lock is taken, and the commit made durable, once per batch
// rather than per signature. Batches of several instances take turns on
// the log's lock (logAppender).
func (db *DB) signWriter() {
	defer close(db.writerDone)
	for {
		var first signRequest
		select {
		case first = <-db.signq:
		case <-db.stop:
			db.drainClosed()
			return
		}
		batch := append(make([]signRequest, 0, 64), first)
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-db.signq:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		db.commitBatch(batch)
	}
}

// drainClosed fails requests still queued at shutdown.
func (db *DB) drainClosed() {
	for {
		select {
		case r := <-db.signq:
			r.done <- errClosed
		default:
			return
		}
	}
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

// commitBatch stores a batch in one transaction. A record that fails (a
// second standing signature of one person) is rolled back to its own
// savepoint and fails alone; the others commit.
func (db *DB) commitBatch(batch []signRequest) {
	results := make([]error, len(batch))
	ctx := context.Background()
	var events []int64 // of the records stored, for the dashboards
	err := db.tx(ctx, func(tx pgx.Tx) error {
		events = events[:0]
		lg, err := newLogAppender(ctx, tx)
		if err != nil {
			return err
		}
		var signed []int64
		for i, r := range batch {
			if r.ctx.Err() != nil {
				results[i] = r.ctx.Err()
				continue
			}
			if r.pdf != nil {
				// Stored once: the first certificate stored is the one issued.
				if r.pdf.stored, err = storePDF(ctx, tx, lg, r.pdf.IssuedPDF); err != nil {
					return fmt.Errorf("store certificate: %w", err)
				}
				continue
			}
			if _, err := tx.Exec(ctx, `SAVEPOINT sign`); err != nil {
				return err
			}
			n := lg.n
			if err := signAudited(ctx, tx, lg, r); err != nil {
				results[i] = err
				lg.n = n
				if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT sign`); err != nil {
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
			} else {
				signed = append(signed, r.sig.ID)
				if !slices.Contains(events, r.sig.EventID) {
					events = append(events, r.sig.EventID)
				}
			}
			if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT sign`); err != nil {
				return err
			}
		}
		if err := countSignings(ctx, tx, signed); err != nil {
			return err
		}
		for _, id := range events {
			if err := notifyProgress(ctx, tx, id); err != nil {
				return err
			}
		}
		return lg.finish()
	})
	if err == nil {
		db.lastCommit.Store(time.Now().UnixNano())
		for _, id := range events {
			db.feed.wake(id)
		}
	}
	for i, r := range batch {
		if err != nil {
			r.done <- err
			continue
		}
		if p := registry.AuditOf(r.ctx); p != nil && r.sig != nil && results[i] == nil {
			p.MarkWritten()
		}
		r.done <- results[i]
	}
}

// signAudited inserts a signing and, for one an officer records (a paper
// sheet), the audit entry its context carries, inside the signing's
// savepoint: the record and its entry are kept or rolled back together.
func signAudited(ctx context.Context, tx pgx.Tx, lg *logAppender, r signRequest) error {
	if err := insertSignature(ctx, tx, lg, r.sig); err != nil {
		return err
	}
	return writeAudit(ctx, tx, registry.AuditOf(r.ctx))
}

// countSignings adds a batch's records to the live dashboard's counters
// (ops_signed per organization and unit of the signer, ops_minutes per
// minute of signing), once per batch rather than a trigger per record.
func countSignings(ctx context.Context, tx pgx.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ops_signed (event_id, org_id, unit, signed)
		SELECT s.event_id, e.org_id, e.unit, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
		WHERE s.id = ANY($1) GROUP BY s.event_id, e.org_id, e.unit
		ON CONFLICT (event_id, org_id, unit) DO UPDATE SET signed = ops_signed.signed + excluded.signed`, ids); err != nil {
		return fmt.Errorf("count signings per unit: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ops_minutes (event_id, minute, org_id, signings)
		SELECT s.event_id, s.signed_at / 60000, e.org_id, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
		WHERE s.id = ANY($1) GROUP BY s.event_id, s.signed_at / 60000, e.org_id
		ON CONFLICT (event_id, minute, org_id) DO UPDATE SET signings = ops_minutes.signings + excluded.signings`, ids); err != nil {
		return fmt.Errorf("count signings per minute: %w", err)
	}
	return nil
}
