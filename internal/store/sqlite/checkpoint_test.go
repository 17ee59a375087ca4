package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// A rotation's cross-signed checkpoint replaces the kept note of its size
// only when the root is the same: it cannot smuggle in another history.
// ForgetEmptyLog drops the empty checkpoints only while no leaf exists.
func TestCosignedCheckpoint(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ikrar.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var root, other [32]byte
	other[0] = 1
	if err := db.SaveCheckpoint(ctx, translog.SignedCheckpoint{Size: 0, Root: root, Note: []byte("one signature")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveCosignedCheckpoint(ctx, translog.SignedCheckpoint{Size: 0, Root: other, Note: []byte("forged")}, time.Now()); err == nil {
		t.Error("a cross-signed checkpoint with another root replaced the kept one")
	}
	if err := db.SaveCosignedCheckpoint(ctx, translog.SignedCheckpoint{Size: 0, Root: root, Note: []byte("two signatures")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if c, err := db.CheckpointAt(ctx, 0); err != nil || string(c.Note) != "two signatures" {
		t.Errorf("kept checkpoint %q, %v", c.Note, err)
	}

	if err := db.ForgetEmptyLog(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LatestCheckpoint(ctx); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("after ForgetEmptyLog: %v", err)
	}
}
