package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
	"golang.org/x/mod/sumdb/tlog"
)

// mustAuditLog checks that the log holds exactly want leaves, one for each
// stored record, and that the stored tree is the one the rows make: a
// signing that failed left nothing behind.
func mustAuditLog(t *testing.T, f fixture, want int64) {
	t.Helper()
	ctx := context.Background()
	size, err := f.db.LogSize(ctx)
	if err != nil || size != want {
		t.Fatalf("log size %d (%v), want %d", size, err, want)
	}
	if stored, err := f.db.StoredLogSize(ctx); err != nil || stored != want {
		t.Fatalf("stored log size %d (%v), want %d", stored, err, want)
	}
	recs, err := f.db.LeafRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(recs)) != want {
		t.Fatalf("%d records in the log, want %d", len(recs), want)
	}
	leaves := make([]tlog.Hash, want)
	for _, r := range recs {
		leaves[r.Index] = r.Entry.Hash()
	}
	report, err := translog.Audit(leaves, f.db.HashReader(ctx), size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !report.OK() {
		t.Fatalf("audit findings: %v", report.Findings)
	}
}

// A full disk (SQLite's own SQLITE_FULL, made by capping the database's
// pages) fails signings with storage_full and stores nothing of them:
// every waiter of a group-commit batch gets the error, the log keeps only
// whole records, and once space returns the next signing commits on the
// same writer, without a restart.
func TestDiskFullFailsSigningsWholeAndRecovers(t *testing.T) {
	const n = 400
	f := mustFixture(t, n)
	ctx := context.Background()
	if _, err := f.db.LimitPages(ctx, 1); err != nil { // raised to the pages in use
		t.Fatal(err)
	}
	stored := 0
	var full error
	for i := 0; i < n/2 && full == nil; i++ {
		switch err := f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("F%011d", i))); {
		case err == nil:
			stored++
		case registry.IsCode(err, registry.EFULL):
			full = err
		default:
			t.Fatalf("signing %d: %v, want storage_full", i, err)
		}
	}
	if full == nil {
		t.Fatalf("%d signings fit in a full database", stored)
	}
	if msg := registry.ErrorMessage(full); msg == registry.ErrorMessage(nil) || msg == "" {
		t.Fatalf("storage_full without its message: %q", msg)
	}
	mustAuditLog(t, f, int64(stored))
	if f.db.LastFull().IsZero() {
		t.Error("LastFull is zero after a write met a full disk")
	}

	// Concurrent signings form batches; each waiter hears storage_full.
	const burst = 40
	errs := make([]error, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = f.db.InsertSignature(ctx, newSig(f, n/2+i, fmt.Sprintf("B%011d", i)))
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if !registry.IsCode(err, registry.EFULL) {
			t.Fatalf("signing %d of the burst: %v, want storage_full", i, err)
		}
	}
	mustAuditLog(t, f, int64(stored))

	// Space returns: the same writer commits again.
	if _, err := f.db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	for i := range burst {
		if err := f.db.InsertSignature(ctx, newSig(f, n/2+i, fmt.Sprintf("B%011d", i))); err != nil {
			t.Fatalf("signing after space returned: %v", err)
		}
	}
	mustAuditLog(t, f, int64(stored+burst))
	if full := f.db.LastFull(); !full.IsZero() {
		t.Errorf("LastFull %v after signings committed again", full)
	}
}
