package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// OutdatedError is a database of an older schema opened by a command
// that does not migrate.
type OutdatedError struct {
	Have, Known int
}

func (e *OutdatedError) Error() string {
	return fmt.Sprintf("skema basis data versi %d lebih lama daripada versi %d ikrar ini; buat cadangan (pg_dump), lalu jalankan ikrar migrate dengan basis data yang sama", e.Have, e.Known) + " / " +
		fmt.Sprintf("the database has schema version %d, older than the %d this ikrar uses: back it up (pg_dump), then run ikrar migrate on the same database (docs/UPGRADE.md)", e.Have, e.Known)
}

// MigrationStatus reads the schema version of the database at url,
// whatever it is and without changing anything, and the migrations this
// build would apply to it (have 0 and every migration for a database
// without ikrar's schema).
func MigrationStatus(ctx context.Context, url string) (have int, pending []string, err error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, nil, fmt.Errorf("read the schema version: %w", err)
	}
	if exists {
		if err := conn.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return 0, nil, fmt.Errorf("read the schema version: %w", err)
		}
	}
	all, err := readMigrations()
	if err != nil {
		return 0, nil, err
	}
	for _, m := range all {
		if m.version > have {
			pending = append(pending, m.name)
		}
	}
	return have, pending, nil
}

// migrationLock is the key of the advisory lock a migration holds: any
// constant no other user of the database takes ("ikrar" in ASCII).
const migrationLock = 0x696b726172

// migration is one file of migrations/.
type migration struct {
	version int
	name    string
	body    string
}

func readMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []migration
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad version prefix", name)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: path.Base(name), body: string(body)})
	}
	return out, nil
}

// KnownSchemaVersion is the newest schema version this build has a
// migration for.
func KnownSchemaVersion() (int, error) {
	all, err := readMigrations()
	if err != nil || len(all) == 0 {
		return 0, err
	}
	return all[len(all)-1].version, nil
}

// migrate applies each pending migration in a transaction of its own that
// first takes the migration lock, then reads the schema version: a process
// that waited for another's migration sees it applied and skips it.
func (db *DB) migrate(ctx context.Context) error {
	all, err := readMigrations()
	if err != nil {
		return err
	}
	known := all[len(all)-1].version
	first := true
	for _, m := range all {
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
				return fmt.Errorf("take the migration lock: %w", err)
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version integer PRIMARY KEY, applied_at bigint NOT NULL)`); err != nil {
				return fmt.Errorf("create schema_migrations: %w", err)
			}
			var have int
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
				return fmt.Errorf("read the schema version: %w", err)
			}
			if first && have > known {
				return &sqlite.SchemaError{Have: have, Known: known}
			}
			first = false
			if have >= m.version {
				return nil
			}
			// No arguments: pgx sends the file as one simple-protocol
			// query, which may hold several statements.
			if _, err := tx.Exec(ctx, m.body); err != nil {
				return fmt.Errorf("apply migration %s: %w", m.name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, m.version, row.Millis(time.Now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SchemaVersion is the newest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.pool.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
