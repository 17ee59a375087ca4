package main

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

func TestVersion(t *testing.T) {
	known, err := sqlite.KnownSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	code, out := runTrust(t, "version")
	for _, want := range []string{"ikrar ", "revision:", fmt.Sprintf("schema:    %d", known), runtime.Version()} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("exit %d, want %q in:\n%s", code, want, out)
		}
	}
}

// Only serve and migrate migrate: every other command refuses a database
// of an older schema, telling the operator to run migrate, and leaves it
// as it was; every command refuses one of a newer schema, naming both
// versions; migrate --status says which and changes nothing.
func TestCommandsAndSchemaVersions(t *testing.T) {
	r := seededTrustRegistry(t)
	r.close()
	known, err := sqlite.KnownSchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	roster := filepath.Join(t.TempDir(), "roster.csv")
	writeFile(t, roster, "nip,nama\n")
	commands := [][]string{
		{"user", "add", "--data", r.dir, "--email", "a@example.go.id", "--name", "A", "--role", "superadmin"},
		{"token", "list", "--data", r.dir, "--email", "a@example.go.id"},
		{"import", "--data", r.dir, "--org", "1", "--skip-invalid", roster},
		{"key", "list", "--data", r.dir},
		{"key", "rotate", "--data", r.dir},
	}
	schemaOf := func() int {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(r.dir, "ikrar.db")+"?mode=ro")
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

	// An older schema, as far as the version table says.
	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`DELETE FROM schema_migrations WHERE version = ?`, known)
	})
	for _, args := range commands {
		code, out := runTrust(t, args...)
		if code == 0 || !strings.Contains(out, "ikrar migrate --data") || !strings.Contains(out, fmt.Sprintf("schema version %d, older than the %d", known-1, known)) {
			t.Errorf("%s on schema %d: exit %d, want a refusal naming ikrar migrate:\n%s", strings.Join(args[:2], " "), known-1, code, out)
		}
	}
	if v := schemaOf(); v != known-1 {
		t.Fatalf("a command migrated the database to %d", v)
	}
	code, out := runTrust(t, "migrate", "--status", "--data", r.dir)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("database schema:      %d", known-1)) || !strings.Contains(out, fmt.Sprintf("%03d_", known)) {
		t.Errorf("migrate --status on schema %d: exit %d\n%s", known-1, code, out)
	}
	if v := schemaOf(); v != known-1 {
		t.Fatalf("migrate --status migrated the database to %d", v)
	}

	// A newer schema: nothing runs it, serve and migrate included.
	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0), (?, 0)`, known, known+1)
	})
	newer := append(commands,
		[]string{"serve", "--data", r.dir, "--addr", "127.0.0.1:0", "--base-url", "http://127.0.0.1:1"},
		[]string{"migrate", "--data", r.dir},
		[]string{"audit", "--data", r.dir},
		[]string{"backup", "--data", r.dir, filepath.Join(t.TempDir(), "b.tar.gz")},
	)
	want := fmt.Sprintf("schema version %d, newer than the %d this ikrar knows", known+1, known)
	for _, args := range newer {
		code, out := runTrust(t, args...)
		if code == 0 || !strings.Contains(out, want) {
			t.Errorf("%s on schema %d: exit %d, want %q:\n%s", strings.Join(args[:2], " "), known+1, code, want, out)
		}
	}
	code, out = runTrust(t, "migrate", "--status", "--data", r.dir)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("database schema:      %d", known+1)) || !strings.Contains(out, want) {
		t.Errorf("migrate --status on schema %d: exit %d\n%s", known+1, code, out)
	}
	if v := schemaOf(); v != known+1 {
		t.Errorf("the schema version is now %d", v)
	}
}
