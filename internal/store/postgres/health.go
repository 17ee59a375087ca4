package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// LastCommit is when this instance's group commit last committed a batch;
// zero before the first.
func (db *DB) LastCommit() time.Time {
	return db.commits.LastCommit()
}

// ProbeWrite proves the database takes a commit: a transaction that is
// given a transaction ID, so its commit is written to the WAL and flushed
// like a signing's, without locking any row a signing needs (the log's
// state row is left alone).
func (db *DB) ProbeWrite(ctx context.Context) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT pg_current_xact_id()`)
		return err
	})
}
