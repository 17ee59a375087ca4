package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// atVersion makes a database in the test's temporary directory with the
// migrations up to version only, as an older release left it; reopen
// upgrades it.
func atVersion(t *testing.T, version int) (old *sqlite.DB, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "ikrar.db")
	old, err := sqlite.OpenAtVersion(context.Background(), path, version)
	if err != nil {
		t.Fatal(err)
	}
	return old, path
}

// reopen closes old and opens its file again as this release does, every
// migration applied; the database is closed when the test ends.
func reopen(t *testing.T, old *sqlite.DB, path string) *sqlite.DB {
	t.Helper()
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
