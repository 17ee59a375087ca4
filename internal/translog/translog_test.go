package translog

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

var treeSizes = []int64{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 100}

func testLeaves(n int64) []tlog.Hash {
	leaves := make([]tlog.Hash, n)
	for i := range leaves {
		leaves[i] = tlog.RecordHash(fmt.Appendf(nil, "leaf %d\n", i))
	}
	return leaves
}

// mustTree appends n test leaves one by one, as a store would.
func mustTree(t testing.TB, n int64) ([]tlog.Hash, MemoryHashes) {
	t.Helper()
	leaves := testLeaves(n)
	var m MemoryHashes
	for i, leaf := range leaves {
		if err := m.Add(int64(i), leaf); err != nil {
			t.Fatal(err)
		}
	}
	return leaves, m
}

// rfc6962Root is RFC 6962's MTH, written out recursively as a reference.
func rfc6962Root(leaves []tlog.Hash) tlog.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	left, right := rfc6962Root(leaves[:k]), rfc6962Root(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, left[:]...), right[:]...))
}

func TestAppendTreeHash(t *testing.T) {
	leaves, m := mustTree(t, 100)
	if int64(len(m)) != tlog.StoredHashCount(100) {
		t.Fatalf("%d stored hashes, want %d", len(m), tlog.StoredHashCount(100))
	}
	for n := int64(0); n <= 100; n++ {
		got, err := TreeHash(n, m)
		if err != nil {
			t.Fatal(err)
		}
		if want := rfc6962Root(leaves[:n]); got != want {
			t.Errorf("TreeHash(%d) = %x, want %x", n, got, want)
		}
	}
	rebuilt, err := Rebuild(leaves)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rebuilt) != fmt.Sprint(m) {
		t.Error("Rebuild differs from appending one by one")
	}
}

func TestMemoryHashesAddOutOfOrder(t *testing.T) {
	_, m := mustTree(t, 5)
	if err := m.Add(4, tlog.Hash{}); err == nil {
		t.Error("Add accepted a leaf index already in the table")
	}
	if err := m.Add(6, tlog.Hash{}); err == nil {
		t.Error("Add accepted a gap")
	}
	if _, err := m.ReadHashes([]int64{int64(len(m))}); err == nil {
		t.Error("ReadHashes past the end succeeded")
	}
}

func TestInclusionProofs(t *testing.T) {
	leaves, m := mustTree(t, 100)
	for _, size := range treeSizes {
		root, err := TreeHash(size, m)
		if err != nil {
			t.Fatal(err)
		}
		for i := int64(0); i < size; i++ {
			p, err := InclusionProof(i, size, m)
			if err != nil {
				t.Fatalf("size %d leaf %d: %v", size, i, err)
			}
			if err := tlog.CheckRecord(p, size, root, i, leaves[i]); err != nil {
				t.Errorf("size %d leaf %d: tlog.CheckRecord: %v", size, i, err)
			}
			if err := CheckInclusion(p, size, root, i, leaves[i]); err != nil {
				t.Errorf("size %d leaf %d: %v", size, i, err)
			}
			if CheckInclusion(p, size, root, i, leaves[(i+1)%100]) == nil {
				t.Errorf("size %d leaf %d: proof accepted for another leaf", size, i)
			}
			if size > 1 && CheckInclusion(p, size, root, (i+1)%size, leaves[i]) == nil {
				t.Errorf("size %d leaf %d: proof accepted at another index", size, i)
			}
		}
		if _, err := InclusionProof(size, size, m); err == nil {
			t.Errorf("size %d: proof of a leaf past the end", size)
		}
	}
}

func TestConsistencyProofs(t *testing.T) {
	_, m := mustTree(t, 100)
	for _, to := range treeSizes {
		rootTo, err := TreeHash(to, m)
		if err != nil {
			t.Fatal(err)
		}
		for from := int64(0); from <= to; from++ {
			rootFrom, err := TreeHash(from, m)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ConsistencyProof(from, to, m)
			if err != nil {
				t.Fatalf("%d→%d: %v", from, to, err)
			}
			if from > 0 {
				if err := tlog.CheckTree(p, to, rootTo, from, rootFrom); err != nil {
					t.Errorf("%d→%d: tlog.CheckTree: %v", from, to, err)
				}
			}
			if err := CheckConsistency(p, to, rootTo, from, rootFrom); err != nil {
				t.Errorf("%d→%d: %v", from, to, err)
			}
			bad := rootFrom
			bad[0] ^= 1
			if CheckConsistency(p, to, rootTo, from, bad) == nil {
				t.Errorf("%d→%d: accepted a wrong old root", from, to)
			}
			if from > 0 && from < to {
				other, _ := TreeHash(from+1, m)
				if CheckConsistency(p, to, rootTo, from, other) == nil {
					t.Errorf("%d→%d: accepted the root of size %d", from, to, from+1)
				}
			}
		}
		if _, err := ConsistencyProof(to+1, to, m); err == nil {
			t.Errorf("proof from %d to %d", to+1, to)
		}
	}
}

func TestEncodeProof(t *testing.T) {
	_, m := mustTree(t, 100)
	p, err := InclusionProof(37, 100, m)
	if err != nil {
		t.Fatal(err)
	}
	text := EncodeProof(p)
	if lines := strings.Count(text, "\n"); lines != len(p) {
		t.Errorf("%d lines for %d hashes", lines, len(p))
	}
	for _, in := range []string{text, strings.TrimSuffix(text, "\n")} {
		got, err := DecodeProof(in)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint([]tlog.Hash(p)) {
			t.Error("DecodeProof(EncodeProof(p)) != p")
		}
	}
	if got, err := DecodeProof(EncodeProof(nil)); err != nil || len(got) != 0 {
		t.Errorf("empty proof: %v, %v", got, err)
	}
	h := EncodeProof(p[:1])
	for _, bad := range []string{
		"not base64\n",
		h + "\n",                  // empty line
		h[:43] + "\n",             // short
		h[:42] + "B=\n",           // non-zero padding bits
		"AAAA\n",                  // three bytes
		strings.Repeat(h, 129),    // too long
		h + h[:44] + "trailing\n", // junk
	} {
		if _, err := DecodeProof(bad); err == nil {
			t.Errorf("DecodeProof(%q) succeeded", bad)
		}
	}
}

func TestAudit(t *testing.T) {
	leaves, stored := mustTree(t, 40)
	cp := func(size int64) Checkpoint {
		root, err := TreeHash(size, stored)
		if err != nil {
			t.Fatal(err)
		}
		return Checkpoint{Origin: "ikrar.test/log", Size: size, Root: root}
	}
	wrong := func(c Checkpoint) Checkpoint { c.Root[0] ^= 1; return c }
	good := []Checkpoint{cp(10), cp(30), cp(40), cp(40)}

	tamperedRow := append([]tlog.Hash(nil), leaves...)
	tamperedRow[17][3] ^= 1
	tamperedTable := append(MemoryHashes(nil), stored...)
	tamperedTable[tlog.StoredHashIndex(2, 3)][0] ^= 1

	tests := []struct {
		name        string
		leaves      []tlog.Hash
		stored      tlog.HashReader
		storedSize  int64
		checkpoints []Checkpoint
		want        []string
	}{
		{"clean", leaves, stored, 40, good, nil},
		{"clean without a table", leaves, nil, 0, good, nil},
		{"edited row", tamperedRow, stored, 40, good, []string{
			"leaf 17 differs", "checkpoint size 30 root mismatch", "checkpoint size 40 root mismatch"}},
		{"edited row and table", tamperedRow, nil, 0, good, []string{
			"checkpoint size 30 root mismatch", "checkpoint size 40 root mismatch"}},
		{"edited table", leaves, tamperedTable, 40, good, []string{
			"stored hash at level 2, index 3 differs"}},
		{"deleted rows", leaves[:38], stored, 40, good, []string{
			"the database has 38 leaves, the stored tree 40", "checkpoint size 40 is beyond the log's 38 leaves"}},
		{"fork", leaves, stored, 40, append(good, wrong(cp(40))), []string{
			"fork: two checkpoints of size 40 with different roots", "checkpoint size 40 root mismatch"}},
		{"rewritten history", leaves, stored, 40, []Checkpoint{cp(10), wrong(cp(30)), cp(40)}, []string{
			"checkpoint 30 not consistent with 40"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Audit(tt.leaves, tt.stored, tt.storedSize, tt.checkpoints)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.String())
			}
			if strings.Join(got, "; ") != strings.Join(tt.want, "; ") {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
			if r.OK() != (len(tt.want) == 0) {
				t.Errorf("OK() = %v", r.OK())
			}
		})
	}
}

func TestAuditManyLeaves(t *testing.T) {
	leaves, stored := mustTree(t, 300)
	rows := make([]tlog.Hash, len(leaves)) // every row lost
	r, err := Audit(rows, stored, 300, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != maxLeafFindings || r.Omitted != 300-maxLeafFindings {
		t.Errorf("%d findings, %d omitted", len(r.Findings), r.Omitted)
	}
	if r.Findings[0].String() != "leaf 0 differs" {
		t.Errorf("first finding %q", r.Findings[0])
	}
}

func TestForks(t *testing.T) {
	a := Checkpoint{Origin: "o", Size: 5, Root: tlog.Hash{1}}
	b := Checkpoint{Origin: "o", Size: 5, Root: tlog.Hash{2}}
	c := Checkpoint{Origin: "o", Size: 5, Root: tlog.Hash{3}}
	d := Checkpoint{Origin: "o", Size: 6, Root: tlog.Hash{1}}
	if f := Forks([]Checkpoint{a, d, a}); len(f) != 0 {
		t.Errorf("Forks without a fork: %v", f)
	}
	f := Forks([]Checkpoint{c, a, d, b})
	if len(f) != 1 || f[0].Kind != FindingFork || f[0].Size != 5 {
		t.Errorf("Forks = %v, want one fork at size 5", f)
	}
}

func BenchmarkEntryHash(b *testing.B) {
	e := sampleRevocation()
	for b.Loop() {
		e.Hash()
	}
}

func BenchmarkAppend(b *testing.B) {
	var m MemoryHashes
	leaf := tlog.RecordHash([]byte("leaf"))
	n := int64(0)
	for b.Loop() {
		if err := m.Add(n, leaf); err != nil {
			b.Fatal(err)
		}
		n++
	}
}
