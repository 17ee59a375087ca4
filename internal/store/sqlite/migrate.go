package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/store/row"
)

//go:embed migrations/*.sql
var migrations embed.FS

// schemaVersion is the newest migration applied to the database, 0 for
// a database with none (a new, empty file).
func (db *DB) schemaVersion(ctx context.Context) (int, error) {
	var tables int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables); err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	if tables == 0 {
		return 0, nil
	}
	var v int
	if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	return v, nil
}

// checkCurrent refuses a database whose schema is not this build's,
// migrating only a new, empty one.
func (db *DB) checkCurrent(ctx context.Context) error {
	have, err := db.schemaVersion(ctx)
	if err != nil {
		return err
	}
	known, err := KnownSchemaVersion()
	if err != nil {
		return err
	}
	switch {
	case have == 0:
		return db.migrate(ctx, math.MaxInt)
	case have > known:
		return &SchemaError{Have: have, Known: known}
	case have < known:
		return &OutdatedError{Have: have, Known: known}
	}
	return nil
}

func (db *DB) migrate(ctx context.Context, upTo int) error {
	// A newer ikrar's database may have columns and rules this build
	// would ignore or break: refuse it before touching anything.
	have, err := db.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if known, err := KnownSchemaVersion(); err != nil {
		return err
	} else if have > known {
		return &SchemaError{Have: have, Known: known}
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	scrub := false
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: bad version prefix", base)
		}
		if version > upTo {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		erased, err := db.applyMigration(ctx, version, string(body))
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", base, err)
		}
		scrub = scrub || erased
	}
	if scrub {
		// Nothing else reads yet: the checkpoint completes at once.
		if err := db.Scrub(ctx); err != nil {
			return fmt.Errorf("scrub the WAL after migrating: %w", err)
		}
	}
	return nil
}

// dataSteps are the migrations that rewrite data SQL cannot: each runs
// after its version's SQL, in the same transaction, so the version is
// recorded if and only if its step completed. A step reports whether it
// dropped personal data, which the WAL must then be scrubbed of.
var dataSteps = map[int]func(context.Context, *sql.Tx) (erased bool, err error){
	17: func(ctx context.Context, tx *sql.Tx) (bool, error) {
		n, err := stripStrokeTiming(ctx, tx, 0)
		return n > 0, err
	},
}

// applyMigration runs one migration, if not yet applied, with foreign keys
// off: a migration that rebuilds a table (SQLite cannot alter a column)
// drops the table other tables refer to. The keys are checked before the
// migration commits. PRAGMA foreign_keys is a no-op inside a transaction,
// so it is set on the writer's one connection around it.
func (db *DB) applyMigration(ctx context.Context, version int, body string) (erased bool, err error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return false, err
	}
	// A migration that renames tables may set legacy_alter_table; a failed
	// one must not leave it set on the writer.
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON; PRAGMA legacy_alter_table = OFF`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return false, err
	}
	if step := dataSteps[version]; step != nil {
		if erased, err = step(ctx, tx); err != nil {
			return false, err
		}
	}
	if err := foreignKeyCheck(ctx, tx); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, row.Millis(time.Now())); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	return erased, nil
}

// foreignKeyCheck fails if any row refers to a missing one, naming them.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	var broken []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			rows.Close()
			return err
		}
		broken = append(broken, fmt.Sprintf("%s row %d → %s", table, rowid.Int64, parent))
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if len(broken) > 0 {
		return fmt.Errorf("foreign keys broken: %s", strings.Join(broken, ", "))
	}
	return nil
}

// KnownSchemaVersion is the newest schema version this build has a
// migration for.
func KnownSchemaVersion() (int, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	want := 0
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return 0, fmt.Errorf("migration %s: bad version prefix", name)
		}
		want = max(want, v)
	}
	return want, nil
}

// SchemaError is a database written by a newer ikrar than this one: its
// schema may have columns and rules this build does not know, so neither
// serving it nor writing it is safe.
type SchemaError struct {
	Have, Known int
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("skema basis data versi %d lebih baru daripada yang dikenal ikrar ini (versi %d); jalankan versi ikrar yang menulisnya atau yang lebih baru", e.Have, e.Known) + " / " +
		fmt.Sprintf("the database has schema version %d, newer than the %d this ikrar knows: it was written by a newer ikrar; run that release or a later one (docs/UPGRADE.md)", e.Have, e.Known)
}

// OutdatedError is a database of an older schema opened by a command
// that does not migrate.
type OutdatedError struct {
	Have, Known int
}

func (e *OutdatedError) Error() string {
	return fmt.Sprintf("skema basis data versi %d lebih lama daripada versi %d ikrar ini; buat cadangan (ikrar backup), lalu jalankan ikrar migrate --data DIR", e.Have, e.Known) + " / " +
		fmt.Sprintf("the database has schema version %d, older than the %d this ikrar uses: back it up (ikrar backup), then run ikrar migrate --data DIR (docs/UPGRADE.md)", e.Have, e.Known)
}

// MigrationStatus reads the schema version of the database file, read-only
// and whatever its version, and the migrations this build would apply to
// it (have 0 and every migration when file does not exist yet).
func MigrationStatus(file string) (have int, pending []string, err error) {
	if _, err := os.Stat(file); err == nil {
		v, err := openLogView(file, schemaAny)
		if err != nil {
			return 0, nil, err
		}
		have = v.SchemaVersion()
		v.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, nil, err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return 0, nil, fmt.Errorf("migration %s: bad version prefix", name)
		}
		if v > have {
			pending = append(pending, path.Base(name))
		}
	}
	return have, pending, nil
}
