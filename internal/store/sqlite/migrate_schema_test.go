package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func schemaOf(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func mustKnown(t *testing.T) int {
	t.Helper()
	known, err := KnownSchemaVersion()
	if err != nil || known < 2 {
		t.Fatalf("known schema %d: %v", known, err)
	}
	return known
}

// An older ikrar refuses a database a newer one migrated: Open (serve,
// migrate) and OpenCurrent (every other command) alike, naming both
// versions, before changing anything.
func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	known := mustKnown(t)
	path := filepath.Join(t.TempDir(), "ikrar.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, known+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for name, open := range map[string]func(context.Context, string) (*DB, error){"Open": Open, "OpenCurrent": OpenCurrent} {
		db, err := open(ctx, path)
		var se *SchemaError
		if !errors.As(err, &se) || se.Have != known+1 || se.Known != known {
			if db != nil {
				db.Close()
			}
			t.Errorf("%s: %v, want a SchemaError %d > %d", name, err, known+1, known)
		}
		if want := fmt.Sprintf("schema version %d, newer than the %d", known+1, known); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want it to say %q", name, err, want)
		}
	}
	if have, pending, err := MigrationStatus(path); err != nil || have != known+1 || len(pending) != 0 {
		t.Errorf("status: schema %d, pending %v, %v", have, pending, err)
	}
}

// OpenCurrent never migrates: an older database is refused and stays as
// it was; Open then migrates it. A database not created yet is created.
func TestOpenCurrentNeverMigrates(t *testing.T) {
	ctx := context.Background()
	known := mustKnown(t)
	path := filepath.Join(t.TempDir(), "ikrar.db")
	db, err := OpenAtVersion(ctx, path, known-1)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	have, pending, err := MigrationStatus(path)
	if err != nil || have != known-1 || len(pending) != 1 {
		t.Fatalf("status: schema %d, pending %v, %v; want %d and one pending", have, pending, err, known-1)
	}
	db, err = OpenCurrent(ctx, path)
	var oe *OutdatedError
	if !errors.As(err, &oe) || !strings.Contains(err.Error(), "ikrar migrate") {
		if db != nil {
			db.Close()
		}
		t.Fatalf("OpenCurrent on schema %d: %v, want an OutdatedError naming ikrar migrate", known-1, err)
	}
	if v := schemaOf(t, path); v != known-1 {
		t.Fatalf("OpenCurrent migrated the database to %d", v)
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if v := schemaOf(t, path); v != known {
		t.Errorf("Open left schema %d, want %d", v, known)
	}
	if _, pending, _ := MigrationStatus(path); len(pending) != 0 {
		t.Errorf("pending after migrate: %v", pending)
	}

	fresh := filepath.Join(t.TempDir(), "new.db")
	if _, pending, err := MigrationStatus(fresh); err != nil || len(pending) != known {
		t.Errorf("status of no database: %v, %v; want all %d migrations pending", pending, err, known)
	}
	db, err = OpenCurrent(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if v := schemaOf(t, fresh); v != known {
		t.Errorf("a new database made by OpenCurrent has schema %d, want %d", v, known)
	}
}
