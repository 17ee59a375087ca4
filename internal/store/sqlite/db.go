// Package sqlite is ikrar's embedded store: modernc.org/sqlite (pure Go) in
// WAL mode with one writer connection running immediate transactions and a
// pool of readers. It implements registry.Store with portable SQL so a
// PostgreSQL store can follow the same shape.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/ikrar-id/ikrar/internal/private"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/feed"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/rowcache"

	msqlite "modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// DB is the store. Writes go through the single writer connection; reads use
// the reader pool and never block on the writer (WAL).
type DB struct {
	write *sql.DB
	read  *sql.DB
	path  string
	// appended is signalled (without blocking) after every commit that grew
	// the transparency log, so checkpoints follow promptly.
	appended chan struct{}

	cache    *rowcache.Cache
	hashes   *hashCache // upper levels of the log's tree, for proofs
	prepared stmts
	logSize  atomic.Int64 // leaves in the log, kept by the writer after each commit
	// lastFull is when a write last failed for a full disk (unix ns).
	lastFull atomic.Int64
	// committed, if set, observes every group commit (ObserveCommits).
	committed atomic.Pointer[func(batch int, took time.Duration)]
	// scrubbing is set while a scrub of the WAL after an erasure is retried
	// in the background (erasure.go).
	scrubbing atomic.Bool

	// afterStage, set by tests, runs after each staging transaction of a
	// roster import commits (roster.go).
	afterStage func(chunk int) error

	// commits is the group commit of signings and certificates
	// (groupcommit.go); stop ends it and the background work.
	commits *groupcommit.Queue
	stop    chan struct{}
	// feed wakes the live dashboards after each commit that changes
	// progress (progress.go).
	feed feed.Feed
}

// notifyAppend records the log's new size and wakes the checkpointer.
func (db *DB) notifyAppend(size int64) {
	db.logSize.Store(size)
	select {
	case db.appended <- struct{}{}:
	default:
	}
}

// Appended is signalled after the log grows.
func (db *DB) Appended() <-chan struct{} { return db.appended }

// Open opens (creating if needed) the database file and applies pending
// migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	// SQLite creates the WAL and shared-memory files with the database
	// file's mode: create the file owner-only before SQLite does (0644),
	// and fix the mode of files left by an older version.
	if err := private.Create(path); err != nil {
		return nil, fmt.Errorf("create database file: %w", err)
	}
	if err := private.Chmod(path+"-wal", path+"-shm", path+"-journal"); err != nil {
		return nil, fmt.Errorf("restrict database files: %w", err)
	}
	db, err := open(ctx, path, math.MaxInt, true)
	if err != nil {
		return nil, err
	}
	return db.clearStaging(ctx)
}

// OpenCurrent opens the database at path without migrating it, for a
// command that is neither serve nor migrate: migrating is a step the
// operator takes on purpose, after a backup (docs/UPGRADE.md). A database
// not created yet is created at the current schema, as Open does; one of
// an older schema is refused with an *OutdatedError, one of a newer
// schema with a *SchemaError.
func OpenCurrent(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return Open(ctx, path)
	}
	if err := private.Chmod(path, path+"-wal", path+"-shm", path+"-journal"); err != nil {
		return nil, fmt.Errorf("restrict database files: %w", err)
	}
	db, err := open(ctx, path, math.MaxInt, false)
	if err != nil {
		return nil, err
	}
	return db.clearStaging(ctx)
}

func (db *DB) clearStaging(ctx context.Context) (*DB, error) {
	// An import that died with the process left its staged rows.
	if _, err := db.write.ExecContext(ctx, `DELETE FROM roster_staging`); err != nil {
		db.Close()
		return nil, fmt.Errorf("clear roster staging: %w", err)
	}
	return db, nil
}

// open opens the database with the migrations up to version upTo applied
// (tests build databases at an older schema with it).
func open(ctx context.Context, path string, upTo int, migrate bool) (*DB, error) {
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	// More than one writer connection is slower and has a worse p99 than one
	// (PERF-NOTES); SQLite serialises writers anyway.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open readers: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{write: w, read: r, path: path, appended: make(chan struct{}, 1), cache: rowcache.New(), hashes: newHashCache(), prepared: stmts{m: map[string]*sql.Stmt{}},
		stop: make(chan struct{})}
	check := db.checkCurrent
	if migrate {
		check = func(ctx context.Context) error { return db.migrate(ctx, upTo) }
	}
	if err := check(ctx); err != nil {
		errors.Join(r.Close(), w.Close())
		return nil, err
	}

	var size int64
	if err := w.QueryRowContext(ctx, `SELECT size FROM log_state WHERE id = 1`).Scan(&size); err != nil {
		errors.Join(r.Close(), w.Close())
		return nil, fmt.Errorf("read log size: %w", err)
	}
	db.logSize.Store(size)
	if err := private.Chmod(path+"-wal", path+"-shm"); err != nil {
		errors.Join(r.Close(), w.Close())
		return nil, fmt.Errorf("restrict database files: %w", err)
	}
	db.commits = groupcommit.Start(db.stop, db.commitBatch)
	return db, nil
}

// dsn puts the pragmas in the connection string: db.Exec("PRAGMA …") would
// set only one pooled connection.
func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	if writer {
		q.Add("_pragma", "synchronous(FULL)")
		// Deleted and overwritten content is zeroed, not left in free
		// space and free pages, so an erasure really erases (erasure.go, Scrub).
		q.Add("_pragma", "secure_delete(1)")
		// Without immediate transactions, concurrent read-then-write
		// transactions fail with "database is locked".
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close stops the signing writer (after the batch it is committing) and
// closes both pools.
func (db *DB) Close() error {
	close(db.stop)
	<-db.commits.Ended()
	db.prepared.close()
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// tx runs fn in one immediate transaction on the writer connection; all
// writes go through here. The audit entry of the action ctx carries
// (registry.WithAudit) is written in the same transaction, so the action
// and its trail commit together or not at all. A full disk fails the whole
// transaction with the domain's storage_full error, whichever statement
// met it.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return db.classifyFull(fmt.Errorf("begin: %w", err))
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return db.classifyFull(err)
	}
	p := registry.AuditOf(ctx)
	if err := writeAudit(ctx, tx, p); err != nil {
		tx.Rollback()
		return db.classifyFull(err)
	}
	if err := tx.Commit(); err != nil {
		return db.classifyFull(fmt.Errorf("commit: %w", err))
	}
	if p != nil {
		p.MarkWritten()
	}
	return nil
}

// Backup writes a consistent copy of the live database to path, which
// must not exist or be empty; the copy is readable by its owner only.
// VACUUM INTO writes only live content: no free pages, no WAL.
func (db *DB) Backup(ctx context.Context, path string) error {
	if err := private.Create(path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return private.Chmod(path)
}

// mapErr turns driver errors into domain errors.
func mapErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return registry.Wrapf(err, registry.ENOTFOUND, "%s tidak ditemukan.", what)
	case isUnique(err):
		return registry.Wrapf(err, registry.ECONFLICT, "%s sudah ada.", what)
	}
	return err
}

// isUnique reports whether err is SQLite's refusal of a duplicate key: a
// UNIQUE index or a PRIMARY KEY. The driver turns on extended result codes,
// so the code says which constraint failed without reading its wording.
func isUnique(err error) bool {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}
