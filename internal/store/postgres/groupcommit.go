package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// commitBatch stores a batch in one transaction. A record that fails (a
// second standing signature of one person) is rolled back to its own
// savepoint and fails alone; the others commit. The batch's plain
// signings go to PostgreSQL together, as one pipeline, so a batch costs a
// round trip or so under the log's lock however many it holds (see
// signPlain); a paper record, which stores a scan and an audit entry with
// it, takes a round trip of its own.
func (db *DB) commitBatch(batch []groupcommit.Request) {
	results := make([]error, len(batch))
	ctx := context.Background()
	var events []int64 // of the records stored, for the dashboards
	err := db.appendTx(ctx, func(tx pgx.Tx, lg *logAppender) error {
		statuses := map[int64]registry.EventStatus{}
		var signed []int64
		var plain []int // the run of plain signings not sent yet, in order
		flush := func() error {
			stored, err := signPlain(ctx, tx, lg, statuses, batch, plain, results)
			signed = append(signed, stored...)
			plain = plain[:0]
			return err
		}
		for i, r := range batch {
			if r.Ctx.Err() != nil {
				results[i] = r.Ctx.Err()
				continue
			}
			if r.PDF == nil && r.Sig.Scan == nil && registry.AuditOf(r.Ctx) == nil {
				plain = append(plain, i)
				continue
			}
			// In the batch's order: the leaves follow it.
			if err := flush(); err != nil {
				return err
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
		if err := flush(); err != nil {
			return err
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

// signPlain stores the plain signings batch[i] for i in run, in order,
// each inside a savepoint of its own, all sent as one pipeline: a round
// trip for the run rather than one per signing, while this transaction
// holds the log's lock that every instance's signings wait for.
//
// A signing of someone who already has a standing record (in the table,
// or earlier in the run) would fail, and PostgreSQL runs none of a
// pipeline's statements after a failed one; one query first finds those,
// and they go after the pipeline, one at a time, to fail alone as a
// signing always has. Should another signing of the pipeline fail all the
// same, it is rolled back to its savepoint and the rest of the run goes
// again, its leaf indexes closing the gap. It returns the IDs of the
// records stored; a failure of the batch as a whole is err.
func signPlain(ctx context.Context, tx pgx.Tx, lg *logAppender, statuses map[int64]registry.EventStatus, batch []groupcommit.Request, run []int, results []error) (stored []int64, err error) {
	type pending struct {
		i     int
		entry translog.Entry
	}
	var todo []pending
	var events, employees []int64
	for _, i := range run {
		s := batch[i].Sig
		entry, failed := leaf.SealNew(s)
		if failed == nil {
			failed, err = checkOpen(ctx, tx, statuses, s)
			if err != nil {
				return stored, err
			}
		}
		if failed != nil {
			results[i] = failed
			continue
		}
		todo = append(todo, pending{i, entry})
		events, employees = append(events, s.EventID), append(employees, s.EmployeeID)
	}
	if len(todo) == 0 {
		return nil, nil
	}
	standing, err := standingRecords(ctx, tx, events, employees)
	if err != nil {
		return nil, err
	}
	var conflicting []int
	todo = slices.DeleteFunc(todo, func(p pending) bool {
		s := batch[p.i].Sig
		key := [2]int64{s.EventID, s.EmployeeID}
		if standing[key] {
			conflicting = append(conflicting, p.i)
			return true
		}
		standing[key] = true
		return false
	})
	for len(todo) > 0 {
		b := &pgx.Batch{}
		released := 0 // of todo, in order
		for k, p := range todo {
			s := batch[p.i].Sig
			s.LeafIndex = lg.n + int64(k)
			b.Queue(`SAVEPOINT sign`)
			b.Queue(insertSignatureSQL, row.SignatureArgs(nil, s)...).QueryRow(func(row pgx.Row) error { return row.Scan(&s.ID) })
			b.Queue(`RELEASE SAVEPOINT sign`).Exec(func(pgconn.CommandTag) error { released++; return nil })
		}
		sendErr := tx.SendBatch(ctx, b).Close()
		// PostgreSQL ran the statements in order up to the first that
		// failed, and none after it: the first todo[released:] signings
		// before it are stored. The failed one goes back to its savepoint
		// first, so that the transaction can read again.
		if sendErr != nil {
			var pe *pgconn.PgError
			if !errors.As(sendErr, &pe) || released == len(todo) {
				return stored, sendErr
			}
			failed := todo[released]
			s := batch[failed.i].Sig
			s.ID, s.LeafIndex = 0, -1
			results[failed.i] = mapErr(sendErr, "Tanda tangan")
			for _, q := range []string{`ROLLBACK TO SAVEPOINT sign`, `RELEASE SAVEPOINT sign`} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return stored, fmt.Errorf("roll the signing back: %w", err)
				}
			}
		}
		for _, p := range todo[:released] {
			s := batch[p.i].Sig
			if err := lg.append(p.entry.Hash()); err != nil {
				return stored, fmt.Errorf("log signature %d: %w", s.ID, err)
			}
			s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
			stored = append(stored, s.ID)
		}
		if sendErr == nil {
			break
		}
		todo = todo[released+1:]
	}
	for _, i := range conflicting {
		n := lg.n
		failed, err := sign(ctx, tx, lg, statuses, batch[i])
		if err != nil {
			return stored, err
		}
		if failed != nil {
			results[i] = failed
			lg.truncate(n)
			continue
		}
		stored = append(stored, batch[i].Sig.ID)
	}
	return stored, nil
}

// standingRecords returns which of the people employees[k] has a standing
// record of events[k], in one query.
func standingRecords(ctx context.Context, tx pgx.Tx, events, employees []int64) (map[[2]int64]bool, error) {
	rows, err := tx.Query(ctx, `SELECT event_id, employee_id FROM signatures
		WHERE NOT revoked AND (event_id, employee_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))`, events, employees)
	if err != nil {
		return nil, fmt.Errorf("find standing records: %w", err)
	}
	standing := map[[2]int64]bool{}
	var key [2]int64
	_, err = pgx.ForEachRow(rows, []any{&key[0], &key[1]}, func() error {
		standing[key] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find standing records: %w", err)
	}
	return standing, nil
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
	if _, err := tx.Exec(ctx, `SAVEPOINT sign`); err != nil {
		return nil, err
	}
	if err := tx.QueryRow(ctx, insertSignatureSQL, row.SignatureArgs(nil, s)...).Scan(&s.ID); err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return nil, err
		}
		failed = mapErr(err, "Tanda tangan")
	} else {
		failed = storeWithRecord(ctx, tx, s, audit)
	}
	if failed != nil {
		s.ID, s.LeafIndex = 0, -1
		for _, q := range []string{`ROLLBACK TO SAVEPOINT sign`, `RELEASE SAVEPOINT sign`} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return nil, fmt.Errorf("roll the signing back: %w", err)
			}
		}
		return failed, nil
	}
	if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT sign`); err != nil {
		return nil, err
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
