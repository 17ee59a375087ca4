package translog

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// testRows are the rows behind testLeaves(n), one per leaf.
func testRows(n int64) []Row {
	rows := make([]Row, n)
	for i, leaf := range testLeaves(n) {
		rows[i] = Row{Index: int64(i), What: fmt.Sprintf("signature %d", i+1), Leaf: leaf, IdentityOK: true}
	}
	return rows
}

func TestAuditRows(t *testing.T) {
	const n = 20
	_, stored := mustTree(t, n)
	checkpoints := []Checkpoint{testCheckpoint(12), testCheckpoint(n)}
	edit := func(f func(rows []Row) []Row) []Row { return f(testRows(n)) }
	editedStored := append(MemoryHashes(nil), stored...)
	editedStored[tlog.StoredHashIndex(0, 9)][0] ^= 1
	bogus := tlog.RecordHash([]byte("made up"))

	tests := []struct {
		name        string
		rows        []Row
		stored      MemoryHashes
		checkpoints []Checkpoint
		want        []string // the row findings, in order
		wantTree    int      // how many tree findings follow from them
	}{
		{"clean", testRows(n), stored, checkpoints, nil, 0},
		{"inserted beyond the log", edit(func(r []Row) []Row {
			return append(r, Row{Index: 57, What: "signature 99", Leaf: bogus, IdentityOK: true})
		}), stored, checkpoints, []string{"signature 99: claims leaf 57, but the log has 20 leaves: row inserted out of band"}, 0},
		{"inserted without a leaf", edit(func(r []Row) []Row {
			return append(r, Row{Index: -1, What: "signature 99", Leaf: bogus, IdentityOK: true})
		}), stored, checkpoints, []string{"signature 99: has no leaf in the log (leaf index -1): row inserted out of band"}, 0},
		{"inserted on a logged leaf", edit(func(r []Row) []Row {
			return append([]Row{{Index: 4, What: "signature 99", Leaf: bogus, IdentityOK: true}}, r...)
		}), stored, checkpoints, []string{"signature 99: claims leaf 4, which the log holds for signature 5: row inserted out of band"}, 0},
		{"deleted", edit(func(r []Row) []Row { return append(r[:6], r[7:]...) }), stored, checkpoints,
			[]string{"leaf 6: no row claims it: a signature, revocation or issuance row was deleted out of band (logged between signature 6 and signature 8)"}, 2},
		{"name edited", edit(func(r []Row) []Row { r[3].IdentityOK = false; return r }), stored, checkpoints,
			[]string{"signature 4: name or NIP edited out of band: they no longer match the identity hash in leaf 3"}, 0},
		{"row edited", edit(func(r []Row) []Row { r[9].Leaf = bogus; return r }), stored, checkpoints,
			[]string{"signature 10: row edited out of band: it no longer matches leaf 9 as logged and signed in checkpoint 12"}, 2},
		{"row edited after the last checkpoint", edit(func(r []Row) []Row { r[15].Leaf = bogus; return r }), stored, checkpoints[:1],
			[]string{"signature 16: row or the stored hash of its leaf 15 edited out of band (no signed checkpoint tells which)"}, 0},
		{"stored leaf edited", testRows(n), editedStored, checkpoints,
			[]string{"leaf 9 (signature 10): its stored hash in log_hashes was edited out of band; the row still matches checkpoint 12"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := AuditRows(tt.rows, n, tt.stored, n, tt.checkpoints)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range r.Rows {
				got = append(got, f.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("row findings:\n got %q\nwant %q", got, tt.want)
			}
			if len(r.Tree) != tt.wantTree {
				t.Errorf("tree findings %v, want %d", r.Tree, tt.wantTree)
			}
			if r.OK() != (len(tt.want) == 0 && tt.wantTree == 0) {
				t.Errorf("OK() = %v", r.OK())
			}
		})
	}
}

func TestAuditRowsOrder(t *testing.T) {
	const n = 10
	_, stored := mustTree(t, n)
	rows := testRows(n)
	rows[7].IdentityOK = false
	rows = append(rows[:2], rows[3:]...)
	r, err := AuditRows(rows, n, stored, n, []Checkpoint{testCheckpoint(n)})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 2 || r.Rows[0].Problem != RowDeleted || r.Rows[0].Index != 2 || r.Rows[1].Problem != RowIdentity {
		t.Errorf("findings %v, want the deleted leaf 2 first", r.Rows)
	}
}

// The streamed audit keeps only the tree's right edge: its root and its
// check of every checkpoint must be tlog's at every size, including those
// that are not powers of two.
func TestStreamedTreeEverySize(t *testing.T) {
	const n = 300
	full, err := Rebuild(testLeaves(n))
	if err != nil {
		t.Fatal(err)
	}
	var cps []Checkpoint
	for size := int64(0); size <= n; size++ {
		cps = append(cps, testCheckpoint(size))
	}
	for size := int64(0); size <= n; size++ {
		r, err := Audit(testLeaves(size), full, size, cps[:size+1])
		if err != nil {
			t.Fatal(err)
		}
		want, err := TreeHash(size, full)
		if err != nil {
			t.Fatal(err)
		}
		if r.Root != want || !r.OK() || r.Checkpoints != int(size)+1 {
			t.Fatalf("size %d: root %v (want %v), findings %v, %d checkpoints", size, r.Root, want, r.Findings, r.Checkpoints)
		}
	}
}

func TestRowAuditorRefusesRowsOutOfOrder(t *testing.T) {
	stored, _ := Rebuild(testLeaves(4))
	a, err := NewRowAuditor(4, stored, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := testRows(4)
	if err := a.Add(rows[2]); err != nil {
		t.Fatal(err)
	}
	if err := a.Add(rows[1]); err == nil {
		t.Error("a row for leaf 1 after one for leaf 2 was accepted")
	}
}
