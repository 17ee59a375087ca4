package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// maxBatch bounds how many signings one transaction commits.
const maxBatch = 512

var errClosed = errors.New("store is closed")

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

// signWriter is the single goroutine that writes signings. While one batch
// commits (and fsyncs), new requests queue up and form the next batch, so
// durability costs one fsync per batch rather than per signature.
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

// commitBatch stores a batch in one immediate transaction. A record that
// fails (a second signature by the same person) is rolled back to its own
// savepoint and fails alone; the others commit.
func (db *DB) commitBatch(batch []signRequest) {
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
		now := time.Now()
		db.lastCommit.Store(now.UnixNano())
		db.observeCommit(len(batch), now.Sub(start))
		// Before answering: a signer who looks their certificate up at once
		// must find the log grown.
		db.notifyAppend(size)
		// Before answering too: a signer's own dashboard, or a test, that
		// reads the progress once signing returns must find it woken.
		db.notifyOps(batch)
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
func signAudited(ctx context.Context, tx *sql.Tx, lg *logAppender, r signRequest) error {
	if err := insertSignature(ctx, tx, lg, r.sig); err != nil {
		return err
	}
	return writeAudit(ctx, tx, registry.AuditOf(r.ctx))
}
