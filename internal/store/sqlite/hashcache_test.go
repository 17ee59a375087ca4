package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
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

// Records fingerprinted before certificates were stored are listed until
// stored or marked unmatched; a certificate stored later for an unmatched
// one becomes its fingerprint, the old one its legacy fingerprint.
func TestUnstoredPDFs(t *testing.T) {
	f := mustFixture(t, 3)
	ctx := context.Background()
	var sigs []*registry.Signature
	for i := range 3 {
		s := newSig(f, i, fmt.Sprintf("D%011d", i))
		if err := f.db.InsertSignature(ctx, s); err != nil {
			t.Fatal(err)
		}
		sigs = append(sigs, s)
	}
	// As an earlier version left them: fingerprints, no bytes.
	raw, err := sql.Open("sqlite", "file:"+f.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	pdfA, pdfOld1 := issuedPDF(sigs[0].ID, "%PDF a"), issuedPDF(sigs[1].ID, "%PDF old")
	for _, p := range []registry.IssuedPDF{pdfA, pdfOld1} {
		if _, err := raw.ExecContext(ctx, `UPDATE signatures SET pdf_hash = ? WHERE id = ?`, p.SHA256, p.SignatureID); err != nil {
			t.Fatal(err)
		}
	}
	codes := func(after int64) []string {
		t.Helper()
		got, err := f.db.UnstoredPDFs(ctx, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range got {
			out = append(out, s.Code)
		}
		return out
	}
	if got := codes(0); fmt.Sprint(got) != fmt.Sprint([]string{sigs[0].Code, sigs[1].Code}) {
		t.Fatalf("unstored %v", got)
	}
	if got := codes(sigs[0].ID); fmt.Sprint(got) != fmt.Sprint([]string{sigs[1].Code}) {
		t.Fatalf("unstored after the first: %v", got)
	}
	old0 := pdfA.SHA256
	if err := f.db.StorePDFs(ctx, []registry.IssuedPDF{pdfA}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.MarkPDFUnmatched(ctx, sigs[1].ID); err != nil {
		t.Fatal(err)
	}
	if got := codes(0); len(got) != 0 {
		t.Fatalf("still unstored: %v", got)
	}
	old1 := pdfOld1.SHA256
	pdfB := issuedPDF(sigs[1].ID, "%PDF b")
	if stored, err := f.db.StorePDF(ctx, pdfB); err != nil || !stored {
		t.Fatalf("store the unmatched one afresh: %v %v", stored, err)
	}
	for _, c := range []struct {
		sig          *registry.Signature
		hash, legacy string
	}{{sigs[0], old0, ""}, {sigs[1], pdfB.SHA256, old1}} {
		got, err := f.db.SignatureByCode(ctx, c.sig.Code)
		if err != nil || got.PDFHash != c.hash || got.LegacyPDFHash != c.legacy {
			t.Errorf("%s: fingerprint %q legacy %q (%v), want %q %q", c.sig.Code, got.PDFHash, got.LegacyPDFHash, err, c.hash, c.legacy)
		}
	}
}

// issuedPDF is a certificate of the given bytes, fingerprinted as the store
// requires.
func issuedPDF(signatureID int64, pdf string) registry.IssuedPDF {
	sum := sha256.Sum256([]byte(pdf))
	return registry.IssuedPDF{SignatureID: signatureID, PDF: []byte(pdf), SHA256: hex.EncodeToString(sum[:])}
}
