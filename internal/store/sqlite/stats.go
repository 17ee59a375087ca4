package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/ikrar-id/ikrar/internal/store/row"
)

// What the metrics read at scrape time (internal/metrics): the store
// knows these already or finds them in one cheap look, so nothing is
// pushed on the signing path beyond the commit observer.

// ObserveCommits has f called after every group commit that committed,
// with the number of writes it held and the time it took, fsync
// included. f runs on the writer goroutine: it must be quick. Set it
// before serving.
func (db *DB) ObserveCommits(f func(batch int, took time.Duration)) {
	db.committed.Store(&f)
}

// observeCommit reports one commit to the observer, if any.
func (db *DB) observeCommit(batch int, took time.Duration) {
	if f := db.committed.Load(); f != nil {
		(*f)(batch, took)
	}
}

// FileBytes is the size of the database file and of its write-ahead log
// (0 when there is none: between a checkpoint that truncated it and the
// next write, or after a clean close).
func (db *DB) FileBytes() (main, wal int64, err error) {
	fi, err := os.Stat(db.path)
	if err != nil {
		return 0, 0, err
	}
	main = fi.Size()
	wi, err := os.Stat(db.path + "-wal")
	if errors.Is(err, fs.ErrNotExist) {
		return main, 0, nil
	}
	if err != nil {
		return main, 0, err
	}
	return main, wi.Size(), nil
}

// NewestCheckpoint is the tree size of the newest stored signed
// checkpoint and when it was signed; ok is false before the first.
func (db *DB) NewestCheckpoint(ctx context.Context) (size int64, signedAt time.Time, ok bool, err error) {
	var at int64
	err = db.read.QueryRowContext(ctx, `SELECT size, created_at FROM checkpoints ORDER BY size DESC LIMIT 1`).Scan(&size, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, false, nil
	}
	if err != nil {
		return 0, time.Time{}, false, err
	}
	return size, row.Time(at), true, nil
}

// IssuedCount is how many certificates were issued and stored (one
// issuance each; an erasure deletes the PDF, never the issuance). It
// counts an index, not the PDFs' pages.
func (db *DB) IssuedCount(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM issuances`).Scan(&n)
	return n, err
}
