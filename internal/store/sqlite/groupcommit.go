package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
)

// commitBatch stores a batch in one immediate transaction. A record that
// fails (a second signature by the same person) is rolled back to its own
// savepoint and fails alone; the others commit.
func (db *DB) commitBatch(batch []groupcommit.Request) {
	results := make([]error, len(batch))
	ctx := context.Background()
	var size int64
	start := time.Now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lg, err := newLogAppender(ctx, tx)
		if err != nil {
			return err
		}
		defer func() { size = lg.n }()
		for i, r := range batch {
			if r.Ctx.Err() != nil {
				results[i] = r.Ctx.Err()
				continue
			}
			if r.PDF != nil {
				// Stored once: the first certificate stored is the one issued.
				if r.PDF.Stored, err = storePDF(ctx, tx, lg, r.PDF.IssuedPDF); err != nil {
					return fmt.Errorf("store certificate: %w", err)
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT sign`); err != nil {
				return err
			}
			n := lg.n
			if err := signAudited(ctx, tx, lg, r); err != nil {
				if isFull(err) {
					// SQLite may have rolled the whole transaction back:
					// the batch fails, each waiter with storage_full.
					return err
				}
				results[i] = err
				lg.n = n
				if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO sign`); rerr != nil {
					return fmt.Errorf("rollback to savepoint: %w", rerr)
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE sign`); err != nil {
				return err
			}
		}
		if err := countSignings(ctx, tx, batch, results); err != nil {
			return err
		}
		return lg.finish()
	})
	if err == nil {
		db.observeCommit(len(batch), time.Since(start))
		// Before answering: a signer who looks their certificate up at once
		// must find the log grown.
		db.notifyAppend(size)
		// Before answering too: a signer's own dashboard, or a test, that
		// reads the progress once signing returns must find it woken.
		db.feed.Wake(groupcommit.Events(batch, results)...)
	}
	db.commits.Answer(batch, results, err)
}

// signAudited inserts a signing and, for one an officer records (a paper
// sheet), the audit entry its context carries, inside the signing's
// savepoint: the record and its entry are kept or rolled back together.
func signAudited(ctx context.Context, tx *sql.Tx, lg *logAppender, r groupcommit.Request) error {
	if err := insertSignature(ctx, tx, lg, r.Sig); err != nil {
		return err
	}
	return writeAudit(ctx, tx, registry.AuditOf(r.Ctx))
}
