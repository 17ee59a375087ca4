package sqlite

import (
	"context"
	"database/sql"
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
