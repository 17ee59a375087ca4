package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// fullMessage is what a signer is told when the disk is full: the commit
// rolled back whole, so nothing of the request is stored.
const fullMessage = "Penyimpanan server penuh: permintaan ini belum tersimpan (bila Anda sedang menandatangani, tanda tangan Anda belum tersimpan). Coba lagi dalam beberapa menit."

// isFull reports whether err is SQLite's SQLITE_FULL: the database or the
// disk under it is full (SQLite reports the OS's ENOSPC so).
func isFull(err error) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL
}

// classifyFull turns a full disk into the domain's storage_full error,
// keeping the cause for the log, and notes when (LastFull); other errors
// pass unchanged.
func (db *DB) classifyFull(err error) error {
	if err == nil || !isFull(err) {
		return err
	}
	db.lastFull.Store(time.Now().UnixNano())
	if registry.IsCode(err, registry.EFULL) {
		return err
	}
	return registry.Wrap(err, registry.EFULL, fullMessage)
}

// LastFull is when a write last failed because the disk (or the
// database's page cap) was full; zero if none did, or if a signing batch
// has committed since.
func (db *DB) LastFull() time.Time {
	full := db.lastFull.Load()
	if last := db.commits.LastCommit(); full == 0 || !last.IsZero() && last.UnixNano() > full {
		return time.Time{}
	}
	return time.Unix(0, full)
}

// LimitPages caps the database at n pages (PRAGMA max_page_count on the
// writer's one connection; n is raised to the pages in use) and returns
// the cap now in force. A write that would grow the database past it then
// fails with SQLite's own SQLITE_FULL, as on a full disk: the tests of a
// full disk use it, and raise the cap again for space returning.
func (db *DB) LimitPages(ctx context.Context, n int64) (int64, error) {
	var cap int64
	if err := db.write.QueryRowContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, n)).Scan(&cap); err != nil {
		return 0, fmt.Errorf("limit database pages: %w", err)
	}
	return cap, nil
}
