package sqlite

import (
	"context"
	"database/sql"
	"strings"
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

// OpenAtVersion opens a database with the migrations up to version only,
// as an older ikrar left it.
func OpenAtVersion(ctx context.Context, path string, version int) (*DB, error) {
	return open(ctx, path, version, true)
}

// SetAfterStage sets the hook run after each staging transaction of a
// roster import.
func SetAfterStage(db *DB, fn func(chunk int) error) { db.afterStage = fn }

// StageChunk is the number of rows one staging transaction writes.
const StageChunk = stageChunk

// CountForTest runs a COUNT query on the readers.
func CountForTest(db *DB, ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

// DumpForTest returns the rows of each query, a line per row with its
// columns separated by "|".
func DumpForTest(db *DB, ctx context.Context, queries ...string) (string, error) {
	var b strings.Builder
	for _, q := range queries {
		rows, err := db.read.QueryContext(ctx, q)
		if err != nil {
			return "", err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(sql.RawBytes)
		}
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				rows.Close()
				return "", err
			}
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				b.Write(*v.(*sql.RawBytes))
			}
			b.WriteByte('\n')
		}
		if err := rows.Close(); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// MapErr is mapErr, which turns driver errors into domain errors.
func MapErr(err error, what string) error { return mapErr(err, what) }
