package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/store/pgtest"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// Three instances starting together against a new database: each opens
// it, and the migrations run once.
func TestMigrationsRunOnceWhenStartedTogether(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			db, err := postgres.Open(ctx, url)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	conn := mustConn(t, url)
	known, err := postgres.KnownSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	want := migrationVersions(t)
	if err != nil || !slices.Equal(versions, want) || want[len(want)-1] != known {
		t.Errorf("schema_migrations holds %v (%v), want %v, each once", versions, err, want)
	}
	var size int64
	if err := conn.QueryRow(ctx, `SELECT size FROM log_state`).Scan(&size); err != nil || size != 0 {
		t.Errorf("log_state: %d, %v; want one row of size 0", size, err)
	}
}

// An older ikrar refuses a database a newer one migrated, naming both
// versions, before changing anything.
func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	known, _ := postgres.KnownSchemaVersion()
	if _, err := mustConn(t, url).Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)`, known+1); err != nil {
		t.Fatal(err)
	}
	db, err = postgres.Open(ctx, url)
	var se *sqlite.SchemaError
	if !errors.As(err, &se) || se.Have != known+1 || se.Known != known {
		if db != nil {
			db.Close()
		}
		t.Errorf("Open: %v, want a SchemaError %d > %d", err, known+1, known)
	}
}

// The PostgreSQL schema is the SQLite store's, table by table and column
// by column, with each column's kind and nullability, so that a copy
// from one to the other (ikrar migrate-store) moves every value as it is.
func TestSchemaMatchesSQLite(t *testing.T) {
	ctx := context.Background()
	sqliteKnown, err := sqlite.KnownSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	pgKnown, err := postgres.KnownSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	if pgKnown != sqliteKnown {
		t.Fatalf("PostgreSQL schema version %d, SQLite's %d: a migration is missing from one dialect", pgKnown, sqliteKnown)
	}
	file := filepath.Join(t.TempDir(), "ikrar.db")
	sdb, err := sqlite.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	lite, err := sqliteColumns(file)
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	pdb, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	pdb.Close()
	pg, err := pgColumns(ctx, mustConn(t, url))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slices.Sorted(maps.Keys(pg)), slices.Sorted(maps.Keys(lite)); !slices.Equal(got, want) {
		t.Fatalf("PostgreSQL tables %v\nSQLite tables %v", got, want)
	}
	for table, want := range lite {
		if got := pg[table]; !slices.Equal(got, want) {
			t.Errorf("%s:\n PostgreSQL %v\n SQLite     %v", table, got, want)
		}
	}
}

// sqliteColumns describes each table's columns as "name kind null|notnull",
// kind being integer, text or blob.
func sqliteColumns(file string) (map[string][]string, error) {
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.Query(`SELECT m.name, p.name, lower(p.type), p."notnull" OR p.pk
		FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col, kind string
		var notNull bool
		if err := rows.Scan(&table, &col, &kind, &notNull); err != nil {
			return nil, err
		}
		out[table] = append(out[table], describe(col, kind, notNull))
	}
	return out, rows.Err()
}

// pgColumns describes the tables of the public schema as sqliteColumns
// does, each PostgreSQL type as the SQLite kind it stands for.
func pgColumns(ctx context.Context, conn *pgx.Conn) (map[string][]string, error) {
	rows, err := conn.Query(ctx, `SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
		FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kinds := map[string]string{"bigint": "integer", "integer": "integer", "boolean": "integer", "text": "text", "bytea": "blob"}
	out := map[string][]string{}
	for rows.Next() {
		var table, col, typ string
		var notNull bool
		if err := rows.Scan(&table, &col, &typ, &notNull); err != nil {
			return nil, err
		}
		kind, ok := kinds[typ]
		if !ok {
			return nil, fmt.Errorf("%s.%s has type %s, which no SQLite column has", table, col, typ)
		}
		out[table] = append(out[table], describe(col, kind, notNull))
	}
	return out, rows.Err()
}

func describe(col, kind string, notNull bool) string {
	null := "null"
	if notNull {
		null = "notnull"
	}
	return strings.Join([]string{col, kind, null}, " ")
}

func mustConn(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// A command that does not migrate creates a new database at the current
// schema, opens a current one, and refuses an older or a newer one with
// both versions, changing nothing; MigrationStatus reports each.
func TestOpenCurrentNeverMigrates(t *testing.T) {
	ctx := context.Background()
	known, _ := postgres.KnownSchemaVersion()
	url := pgtest.URL(t)
	if have, pending, err := postgres.MigrationStatus(ctx, url); err != nil || have != 0 || len(pending) != len(migrationVersions(t)) {
		t.Fatalf("status of an empty database: %d, %v, %v; want 0 and every migration pending", have, pending, err)
	}
	db, err := postgres.OpenCurrent(ctx, url)
	if err != nil {
		t.Fatalf("OpenCurrent on an empty database: %v", err)
	}
	db.Close()
	if have, pending, err := postgres.MigrationStatus(ctx, url); err != nil || have != known || len(pending) != 0 {
		t.Fatalf("status after: %d, %v, %v; want %d and none pending", have, pending, err, known)
	}
	conn := mustConn(t, url)
	// As if the database were one version behind.
	if _, err := conn.Exec(ctx, `DELETE FROM schema_migrations WHERE version = $1`, known); err != nil {
		t.Fatal(err)
	}
	_, err = postgres.OpenCurrent(ctx, url)
	var oe *postgres.OutdatedError
	if !errors.As(err, &oe) || oe.Have != known-1 || !strings.Contains(err.Error(), "ikrar migrate") {
		t.Errorf("OpenCurrent one version behind: %v, want an OutdatedError naming ikrar migrate", err)
	}
	if have, _, _ := postgres.MigrationStatus(ctx, url); have != known-1 {
		t.Errorf("OpenCurrent migrated the database to %d", have)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)`, known+1); err != nil {
		t.Fatal(err)
	}
	_, err = postgres.OpenCurrent(ctx, url)
	var se *sqlite.SchemaError
	if !errors.As(err, &se) || se.Have != known+1 {
		t.Errorf("OpenCurrent one version ahead: %v, want a SchemaError", err)
	}
}

// migrationVersions are the versions of the files in migrations/, in
// order: the first is the whole schema at version 17, then one per
// version as SQLite's.
func migrationVersions(t *testing.T) []int {
	t.Helper()
	files, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, f := range files {
		v, err := strconv.Atoi(strings.SplitN(f.Name(), "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %s: %v", f.Name(), err)
		}
		out = append(out, v)
	}
	return out
}
