package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// ExecForTest runs a statement through the writer, as a tampering tool
// would: tests use it to check what the schema itself refuses.
func ExecForTest(db *DB, ctx context.Context, query string, args ...any) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}

// UncachedHashReader reads every stored hash from the table, as the
// reader behind the proof cache does.
func UncachedHashReader(db *DB, ctx context.Context) hashReader {
	return hashReader{ctx, db.read}
}

// SetScrubWait shortens how long an erasure waits for readers to leave
// the WAL; the returned func restores it.
func SetScrubWait(d time.Duration) (restore func()) {
	old := scrubWait
	scrubWait = d
	return func() { scrubWait = old }
}

// ReadTx begins a read transaction on the reader pool, as a long report
// holds one.
func ReadTx(db *DB, ctx context.Context) (*sql.Tx, error) { return db.read.BeginTx(ctx, nil) }

// Path is the database file.
func Path(db *DB) string { return db.path }
