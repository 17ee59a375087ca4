package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// LeafEntries rebuilds a range of leaves from their rows, one row each,
// and refuses a range in which a row was deleted or added out of band:
// an entry bundle must never leave out or repeat a leaf.
func TestLeafEntries(t *testing.T) {
	ctx := context.Background()
	f := mustFixture(t, 5)
	var codes []string
	for i, code := range []string{"AAAA00000001", "AAAA00000002", "AAAA00000003", "AAAA00000004"} {
		s := newSig(f, i, code)
		if err := f.db.InsertSignature(ctx, s); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	got, err := f.db.LeafEntries(ctx, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Code != codes[1] || got[1].Code != codes[2] || got[0].Kind != translog.KindSignature {
		t.Fatalf("entries of leaves 1-2: %+v", got)
	}
	if _, err := f.db.LeafEntries(ctx, 2, 6); err == nil {
		t.Fatal("a range beyond the log was served")
	}
	raw, err := sql.Open("sqlite", f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE signatures SET leaf_index = 1 WHERE code = ?`, codes[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.LeafEntries(ctx, 0, 4); err == nil || !strings.Contains(err.Error(), "leaf 1 is claimed twice") {
		t.Fatalf("two rows on one leaf: %v", err)
	}
	if _, err := f.db.LeafEntries(ctx, 2, 4); err == nil || !strings.Contains(err.Error(), "no row claims leaf 2") {
		t.Fatalf("a leaf no row claims: %v", err)
	}
}
