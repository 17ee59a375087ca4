// Package postgres is ikrar's store on a PostgreSQL server, for several
// ikrar instances behind a load balancer (issue 16). It keeps the SQLite
// store's data model — the same tables, columns and meanings (see
// migrations/017_schema.sql) — and mirrors its SQL statement by statement
// in PostgreSQL's dialect, through jackc/pgx's own interface and
// connection pool.
//
// Several processes may share one database, so nothing here assumes it is
// the only writer: migrations run under an advisory lock, and only rows
// that never change once written (organizations, pledge versions) are
// cached in memory.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/feed"
	"github.com/ikrar-id/ikrar/internal/store/groupcommit"
	"github.com/ikrar-id/ikrar/internal/store/rowcache"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// DB is the store: a pool of connections to one database.
type DB struct {
	pool   *pgxpool.Pool
	cache  *rowcache.Cache
	hashes hashCache // committed stored hashes, for appends

	commits  *groupcommit.Queue // of signings and certificates (groupcommit.go)
	stop     chan struct{}
	appended chan struct{}
	leadMu   sync.Mutex
	leads    []func() // releases of the jobs led (Lead)
	closing  sync.Once

	// feed wakes the live dashboards; listen feeds it the notifications
	// of every instance's commits until stopListening is called.
	feed          feed.Feed
	stopListening context.CancelFunc
	listenDone    chan struct{}
	erased        atomic.Pointer[func(codes []string)] // OnErased
}

// Open connects to the database at url (postgres://…) and applies the
// migrations it lacks. Several processes may open one database at once:
// the first to take the migration lock migrates, the others find it done.
// A database of a newer schema than this build knows is refused with a
// *sqlite.SchemaError, before anything is changed.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default is one connection per CPU (at least 4); the
		// group commit and a job's lead each hold one for long, and page
		// reads wait on the network, not the CPU.
		cfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	db := &DB{pool: pool, cache: rowcache.New(),
		stop:     make(chan struct{}),
		appended: make(chan struct{}, 1)}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	// Listening before Open returns: commits made from then on, on any
	// instance, reach this instance's dashboards.
	conn, err := listenConn(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("listen for progress notifications: %w", err)
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	db.stopListening, db.listenDone = cancel, make(chan struct{})
	go db.listen(lctx, cfg.ConnConfig.Copy(), conn)
	db.commits = groupcommit.Start(db.stop, db.commitBatch)
	return db, nil
}

// OpenCurrent opens the database at url without migrating it, for a
// command that is neither serve nor migrate: migrating is a step the
// operator takes on purpose, after a backup. A database with no schema
// yet is created at the current one, as Open does; one of an older
// schema is refused with an *OutdatedError, one of a newer schema with a
// *sqlite.SchemaError.
func OpenCurrent(ctx context.Context, url string) (*DB, error) {
	have, pending, err := MigrationStatus(ctx, url)
	if err != nil {
		return nil, err
	}
	known, err := KnownSchemaVersion()
	if err != nil {
		return nil, err
	}
	switch {
	case have > known:
		return nil, &sqlite.SchemaError{Have: have, Known: known}
	case have > 0 && len(pending) > 0:
		return nil, &OutdatedError{Have: have, Known: known}
	}
	return Open(ctx, url)
}

// Close stops the signing writer (after the batch it is committing),
// releases what the instance holds and closes the pool's connections; a
// second Close does nothing.
func (db *DB) Close() error {
	db.closing.Do(func() {
		close(db.stop)
		<-db.commits.Ended()
		db.stopListening()
		<-db.listenDone
		db.releaseLeads()
		db.pool.Close()
	})
	return nil
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// tx runs fn in one transaction; all writes go through here. The audit
// entry of the action ctx carries (registry.WithAudit) is written in the
// same transaction, so the action and its trail commit together or not at
// all.
func (db *DB) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	p := registry.AuditOf(ctx)
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return writeAudit(ctx, tx, p)
	})
	if err != nil {
		return err
	}
	if p != nil {
		p.MarkWritten()
	}
	return nil
}

// snapshot runs fn in a read-only transaction that sees one snapshot of
// the database (REPEATABLE READ): commits of any instance meanwhile change
// none of what fn reads, so numbers read together agree.
func (db *DB) snapshot(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// uniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const uniqueViolation = "23505"

// isUnique reports whether err is the refusal of a duplicate key, by its
// SQLSTATE.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == uniqueViolation
}

// mapErr turns driver errors into domain errors.
func mapErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return registry.Wrapf(err, registry.ENOTFOUND, "%s tidak ditemukan.", what)
	case isUnique(err):
		return registry.Wrapf(err, registry.ECONFLICT, "%s sudah ada.", what)
	}
	return err
}

// nullID is an optional reference: 0 is NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
