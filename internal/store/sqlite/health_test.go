package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// ProbeWrite commits on a healthy database and fails on a read-only one,
// where every signing would fail too.
func TestProbeWrite(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "ikrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ProbeWrite(ctx); err != nil {
		t.Fatalf("probe on a healthy database: %v", err)
	}
	if !db.LastCommit().IsZero() {
		t.Errorf("LastCommit %v before any signing", db.LastCommit())
	}
	// The writer pool has one connection: the pragma stays on it.
	if _, err := db.write.ExecContext(ctx, `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.ProbeWrite(pctx); err == nil {
		t.Fatal("probe on a read-only database succeeded")
	}
}
