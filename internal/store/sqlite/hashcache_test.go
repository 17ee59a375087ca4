package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// Proofs served with the upper levels of the tree from memory are the
// proofs the table gives, for every leaf, cold and warm, and at tree sizes
// that are not powers of two.
func TestCachedProofsMatchTable(t *testing.T) {
	const n = 700 // levels 0–9, so the cache holds levels 6–9
	f := mustFixture(t, n)
	ctx := context.Background()
	for i := range n {
		if err := f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("C%011d", i))); err != nil {
			t.Fatal(err)
		}
	}
	table := sqlite.UncachedHashReader(f.db, ctx)
	for _, size := range []int64{1, 64, 65, 300, 512, n} {
		root, err := tlog.TreeHash(size, table)
		if err != nil {
			t.Fatal(err)
		}
		for pass := range 2 { // cold, then from the cache
			for i := int64(0); i < size; i++ {
				want, err := tlog.ProveRecord(size, i, table)
				if err != nil {
					t.Fatal(err)
				}
				got, err := tlog.ProveRecord(size, i, f.db.HashReader(ctx))
				if err != nil {
					t.Fatalf("size %d leaf %d pass %d: %v", size, i, pass, err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("size %d leaf %d pass %d: proof differs from the table's", size, i, pass)
				}
				leaf, err := table.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
				if err != nil {
					t.Fatal(err)
				}
				if err := tlog.CheckRecord(got, size, root, i, leaf[0]); err != nil {
					t.Fatalf("size %d leaf %d: %v", size, i, err)
				}
			}
		}
	}
}

// The cache holds only hashes shared by many proofs: a leaf-level hash
// edited in the table still breaks the proofs that use it, even after
// every proof has been computed once.
func TestCachedProofsSeeEditedLeafHashes(t *testing.T) {
	const n = 200
	f := mustFixture(t, n)
	ctx := context.Background()
	for i := range n {
		if err := f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("C%011d", i))); err != nil {
			t.Fatal(err)
		}
	}
	root, err := tlog.TreeHash(n, sqlite.UncachedHashReader(f.db, ctx))
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(0); i < n; i++ { // warm the cache
		if _, err := tlog.ProveRecord(n, i, f.db.HashReader(ctx)); err != nil {
			t.Fatal(err)
		}
	}
	const victim = 37
	if err := sqlite.ExecForTest(f.db, ctx, `UPDATE log_hashes SET hash = zeroblob(32) WHERE idx = ?`, tlog.StoredHashIndex(0, victim)); err != nil {
		t.Fatal(err)
	}
	// Leaf 36's proof starts with its sibling, leaf 37's hash.
	proof, err := tlog.ProveRecord(n, victim-1, f.db.HashReader(ctx))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := sqlite.UncachedHashReader(f.db, ctx).ReadHashes([]int64{tlog.StoredHashIndex(0, victim-1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckRecord(proof, n, root, victim-1, leaf[0]); err == nil {
		t.Fatal("a proof through an edited leaf hash still verifies: it came from a cache")
	}
}

// The look-up used by public verification reads every field but the ink,
// revocation included.
func TestSignatureLookup(t *testing.T) {
	f := mustFixture(t, 2)
	ctx := context.Background()
	sig := newSig(f, 0, "C00000000001")
	if err := f.db.InsertSignature(ctx, sig); err != nil {
		t.Fatal(err)
	}
	rev := &registry.Revocation{SignatureID: sig.ID, Reason: "Salah orang", RevokedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := f.db.InsertRevocation(ctx, rev); err != nil {
		t.Fatal(err)
	}
	full, err := f.db.SignatureByCode(ctx, sig.Code)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.db.SignatureLookup(ctx, sig.Code)
	if err != nil {
		t.Fatal(err)
	}
	if full.Ink.Typed == "" {
		t.Fatal("the full read lost the ink")
	}
	if got.Ink.Kind != full.Ink.Kind || got.Ink.Typed != "" || got.Ink.PNG != nil || got.Ink.Strokes != nil {
		t.Fatalf("look-up ink = %+v, want only the kind %q", got.Ink, full.Ink.Kind)
	}
	if got.Revocation == nil || *got.Revocation != *full.Revocation {
		t.Fatalf("look-up revocation = %+v, want %+v", got.Revocation, full.Revocation)
	}
	got.Ink, full.Ink = registry.Ink{}, registry.Ink{}
	got.Revocation, full.Revocation = nil, nil
	if fmt.Sprint(got) != fmt.Sprint(full) {
		t.Fatalf("look-up = %+v\nfull     = %+v", got, full)
	}
	if _, err := f.db.SignatureLookup(ctx, "C99999999999"); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Fatalf("unknown code: %v, want not found", err)
	}
}

// A certificate's fingerprint is recorded through the group commit, amid
// signings, once: a second hash for the same record does not replace it.
func TestSetPDFHashOnce(t *testing.T) {
	const n = 50
	f := mustFixture(t, n)
	ctx := context.Background()
	sigs := make([]*registry.Signature, n)
	for i := range n {
		sigs[i] = newSig(f, i, fmt.Sprintf("C%011d", i))
	}
	if err := f.db.InsertSignature(ctx, sigs[0]); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, n+1)
	for i := 1; i < n; i++ {
		go func() { errs <- f.db.InsertSignature(ctx, sigs[i]) }()
	}
	go func() { errs <- f.db.SetPDFHash(ctx, sigs[0].ID, "aaaa") }()
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.SetPDFHash(ctx, sigs[0].ID, "bbbb"); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.SignatureByCode(ctx, sigs[0].Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.PDFHash != "aaaa" {
		t.Fatalf("pdf hash %q, want the first one, aaaa", got.PDFHash)
	}
	if size, _ := f.db.LogSize(ctx); size != n {
		t.Fatalf("log size %d, want %d: a fingerprint must not append a leaf", size, n)
	}
}
