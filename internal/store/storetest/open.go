package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/pgtest"
	"github.com/ikrar-id/ikrar/internal/store/postgres"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// EnvStore names the store the tests of the packages above the stores run
// on (the registry's and the web's): "postgres"
// for PostgreSQL (a pgtest database), SQLite otherwise. CI runs those
// packages once with each.
const EnvStore = "IKRAR_TEST_STORE"

// Handle is a store opened for a test, with a way under it.
type Handle struct {
	Store registry.Store
	// File is the SQLite database file, for a test that reads it as a
	// file; "" on PostgreSQL.
	File string
	// Exec runs a statement on the database as another program would
	// (an insider editing a row), with ? for its arguments on either
	// store.
	Exec func(t *testing.T, query string, args ...any)
	// Refuse makes the database refuse op (INSERT or UPDATE) on table, as
	// a full disk or a broken table would make that one statement fail,
	// until allow is called.
	Refuse func(t *testing.T, table, op string) (allow func())
}

// Open opens a new, empty store of the kind EnvStore names for t, closed
// when t ends.
func Open(t *testing.T) Handle {
	t.Helper()
	ctx := context.Background()
	if os.Getenv(EnvStore) == "postgres" {
		url := pgtest.URLFrom(t, "migrated", func(ctx context.Context, url string) error {
			db, err := postgres.Open(ctx, url)
			if err != nil {
				return err
			}
			return db.Close()
		})
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		exec := func(t *testing.T, query string, args ...any) {
			t.Helper()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, dollarArgs(query), args...); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		}
		return Handle{Store: db, Exec: exec, Refuse: func(t *testing.T, table, op string) func() {
			return refuse(t, func(q string) error {
				conn, err := pgx.Connect(ctx, url)
				if err != nil {
					return err
				}
				defer conn.Close(ctx)
				_, err = conn.Exec(ctx, q)
				return err
			}, table, fmt.Sprintf(`CREATE FUNCTION refuse_%[1]s() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION '%[1]s refused'; END $$;
				CREATE TRIGGER refuse_%[1]s BEFORE %[2]s ON %[1]s FOR EACH ROW EXECUTE FUNCTION refuse_%[1]s()`, table, op),
				fmt.Sprintf(`DROP TRIGGER refuse_%[1]s ON %[1]s; DROP FUNCTION refuse_%[1]s()`, table))
		}}
	}
	file := SQLiteFile(t)
	db, err := sqlite.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exec := func(t *testing.T, query string, args ...any) {
		t.Helper()
		raw, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		if _, err := raw.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	return Handle{Store: db, File: file, Exec: exec, Refuse: func(t *testing.T, table, op string) func() {
		return refuse(t, func(q string) error {
			raw, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
			if err != nil {
				return err
			}
			defer raw.Close()
			_, err = raw.Exec(q)
			return err
		}, table, fmt.Sprintf(`CREATE TRIGGER refuse_%[1]s BEFORE %[2]s ON %[1]s BEGIN SELECT RAISE(ABORT, '%[1]s refused'); END`, table, op),
			`DROP TRIGGER refuse_`+table)
	}}
}

// SQLiteFile returns the path, in t's temporary directory, of a copy of an
// empty SQLite database at the current schema. The database is migrated
// once per test binary and copied for each test: running every migration
// again is about 30 ms of CPU a test, and the migrations have their own
// tests in store/sqlite. sqlite.Open still checks the copy's schema.
func SQLiteFile(t testing.TB) string {
	t.Helper()
	fresh, err := migratedSQLite()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ikrar.db")
	if err := os.WriteFile(file, fresh, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

var migratedSQLite = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "ikrar-storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "ikrar.db")
	db, err := sqlite.Open(context.Background(), file)
	if err != nil {
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	// Closing the last connection moves the WAL into the file.
	if fi, err := os.Stat(file + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("the migrated database left a WAL of %d bytes", fi.Size())
	}
	return os.ReadFile(file)
})

// refuse runs create through exec, and drop when the returned function is
// called.
func refuse(t *testing.T, exec func(string) error, table, create, drop string) (allow func()) {
	t.Helper()
	if err := exec(create); err != nil {
		t.Fatalf("refuse %s: %v", table, err)
	}
	return func() {
		t.Helper()
		if err := exec(drop); err != nil {
			t.Fatalf("allow %s: %v", table, err)
		}
	}
}

// dollarArgs numbers a statement's ? placeholders as PostgreSQL's $1, $2…,
// leaving those inside quoted literals.
func dollarArgs(query string) string {
	var b strings.Builder
	n, quoted := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
