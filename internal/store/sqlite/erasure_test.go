package sqlite_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// A reader holding a snapshot from before an erasure keeps the WAL from
// being truncated: the erasure stands, reports the scrub as pending, and
// the store completes it once the reader is gone.
func TestScrubWaitsForReaders(t *testing.T) {
	defer sqlite.SetScrubWait(300 * time.Millisecond)()
	f := mustFixture(t, 1)
	ctx := context.Background()
	sig := newSig(f, 0, "K7M4QX2P9ABC")
	if err := f.db.InsertSignature(ctx, sig); err != nil {
		t.Fatal(err)
	}
	wal := sqlite.Path(f.db) + "-wal"

	reader, err := sqlite.ReadTx(f.db, ctx)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRow(`SELECT COUNT(*) FROM signatures WHERE name <> ''`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("reader sees %d records (%v)", n, err)
	}
	err = f.db.EraseSignature(ctx, sig.ID, time.Now())
	if !registry.IsScrubPending(err) {
		t.Fatalf("erasure under an open reader: %v, want the scrub pending", err)
	}
	if got, err := f.db.SignatureByCode(ctx, sig.Code); err != nil || !got.Erased() || got.Name != "" {
		t.Fatalf("the erasure did not stand: %+v (%v)", got, err)
	}
	if fileSize(t, wal) == 0 {
		t.Fatal("the WAL is empty while a reader holds it: the test shows nothing")
	}
	reader.Rollback()
	deadline := time.Now().Add(5 * time.Second)
	for fileSize(t, wal) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the WAL was not truncated after the reader left")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

// A render that began before the erasure stores its certificate after it:
// neither the PDF nor its fingerprint, which would confirm a copy of the
// erased PDF, is kept for the erased record.
func TestNoFingerprintAfterErasure(t *testing.T) {
	f := mustFixture(t, 2)
	ctx := context.Background()
	var sigs []*registry.Signature
	for i, code := range []string{"K7M4QX2P9ABC", "K7M4QX2P9ABD"} {
		s := newSig(f, i, code)
		if err := f.db.InsertSignature(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := f.db.EraseSignature(ctx, s.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		sigs = append(sigs, s)
	}
	if stored, err := f.db.StorePDF(ctx, issuedPDF(sigs[0].ID, "%PDF-1.4 a")); err != nil || stored {
		t.Fatalf("store after erasure: stored %v, %v", stored, err)
	}
	if err := f.db.StorePDFs(ctx, []registry.IssuedPDF{issuedPDF(sigs[1].ID, "%PDF-1.4 b")}); err != nil {
		t.Fatal(err)
	}
	for _, s := range sigs {
		if got, err := f.db.SignatureByCode(ctx, s.Code); err != nil || got.PDFHash != "" {
			t.Errorf("erased record %s has fingerprint %q (%v)", s.Code, got.PDFHash, err)
		}
		if _, err := f.db.IssuedPDF(ctx, s.ID); !registry.IsCode(err, registry.ENOTFOUND) {
			t.Errorf("erased record %s has a stored certificate (%v)", s.Code, err)
		}
	}
}
