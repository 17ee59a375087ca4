package sqlite_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// An uploaded list narrows eligibility in every place that counts it: the
// stats, the participants and the per-employee check signing uses; clearing
// it restores the subtree.
func TestParticipantList(t *testing.T) {
	f := mustFixture(t, 5)
	ctx := context.Background()
	wantEligible := func(n int, listed ...bool) {
		t.Helper()
		st, err := f.db.EventStats(ctx, f.event)
		if err != nil || st.Eligible != n {
			t.Fatalf("eligible %d (%v), want %d", st.Eligible, err, n)
		}
		parts, err := f.db.Participants(ctx, f.event, "/")
		if err != nil || len(parts) != n {
			t.Fatalf("%d participants (%v), want %d", len(parts), err, n)
		}
		for i, want := range listed {
			if got, err := f.db.Listed(ctx, f.event.ID, f.emps[i].ID); err != nil || got != want {
				t.Errorf("employee %d listed %v (%v), want %v", i, got, err, want)
			}
		}
	}
	wantEligible(5, true, true, true)
	if err := f.db.SetEventParticipants(ctx, f.event.ID, []int64{f.emps[0].ID, f.emps[1].ID, f.emps[1].ID}); err != nil {
		t.Fatal(err)
	}
	wantEligible(2, true, true, false)
	if l, err := f.db.ParticipantList(ctx, f.event.ID); err != nil || l != (registry.ParticipantList{Active: true, Size: 2}) {
		t.Errorf("list %+v (%v)", l, err)
	}
	// A new list replaces the old one.
	if err := f.db.SetEventParticipants(ctx, f.event.ID, []int64{f.emps[2].ID}); err != nil {
		t.Fatal(err)
	}
	wantEligible(1, false, false, true)

	// Someone who signed stays a participant when taken off the list.
	sig := newSig(f, 0, "LISTSIGNED01")
	if err := f.db.InsertSignature(ctx, sig); err != nil {
		t.Fatal(err)
	}
	if parts, err := f.db.Participants(ctx, f.event, "/"); err != nil || len(parts) != 2 {
		t.Errorf("%d participants (%v), want the listed one and the signer", len(parts), err)
	}

	if err := f.db.ClearEventParticipants(ctx, f.event.ID); err != nil {
		t.Fatal(err)
	}
	wantEligible(5, true, true, true)
	if l, err := f.db.ParticipantList(ctx, f.event.ID); err != nil || l.Active || l.Size != 0 {
		t.Errorf("list after clearing %+v (%v)", l, err)
	}
	if err := f.db.SetEventParticipants(ctx, 9999, nil); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("list of a missing event: %v, want not found", err)
	}
}

func TestEmployeeIDsByNIP(t *testing.T) {
	f := mustFixture(t, 600) // more than one batch of look-ups
	ctx := context.Background()
	var nips []string
	for _, e := range f.emps {
		nips = append(nips, e.NIP)
	}
	got, err := f.db.EmployeeIDsByNIP(ctx, "/", append(nips, "199901012020011999"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(f.emps) || got[f.emps[599].NIP] != f.emps[599].ID {
		t.Errorf("found %d of %d", len(got), len(f.emps))
	}
	if got, err := f.db.EmployeeIDsByNIP(ctx, "/999/", nips[:3]); err != nil || len(got) != 0 {
		t.Errorf("outside the scope: %v (%v)", got, err)
	}
}

func TestLinkGenerations(t *testing.T) {
	f := mustFixture(t, 3)
	ctx := context.Background()
	for want := 1; want <= 3; want++ {
		if gen, err := f.db.NextLinkGeneration(ctx, f.event.ID, f.emps[1].ID); err != nil || gen != want {
			t.Fatalf("generation %d (%v), want %d", gen, err, want)
		}
	}
	if gen, err := f.db.LinkGeneration(ctx, f.event.ID, f.emps[1].ID); err != nil || gen != 3 {
		t.Errorf("LinkGeneration %d (%v), want 3", gen, err)
	}
	gens, err := f.db.LinkGenerations(ctx, f.event.ID)
	if err != nil || len(gens) != 1 || gens[f.emps[1].ID] != 3 || gens[f.emps[0].ID] != 0 {
		t.Errorf("LinkGenerations %v (%v)", gens, err)
	}
}

// EachSignature gives every record once, ordered by unit and name, across
// its batches, and honours the unit and the scope.
func TestEachSignature(t *testing.T) {
	const n = 600
	f := mustFixture(t, n)
	ctx := context.Background()
	units := []string{"Dinas Pendidikan", "Bagian Hukum", "Sekretariat"}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSig(f, i, fmt.Sprintf("EACH%08d", i))
			s.Unit = units[i%len(units)]
			errs[i] = f.db.InsertSignature(ctx, s)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	collect := func(q registry.SignatureQuery) []registry.Signature {
		t.Helper()
		var out []registry.Signature
		if err := f.db.EachSignature(ctx, q, func(s registry.Signature) error { out = append(out, s); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := collect(registry.SignatureQuery{EventID: f.event.ID, Scope: "/"})
	if len(all) != n {
		t.Fatalf("%d records, want %d", len(all), n)
	}
	seen := map[string]bool{}
	for i, s := range all {
		if seen[s.Code] || s.Code == "" || s.Ink.Kind != registry.InkTyped {
			t.Fatalf("record %d: %+v (seen %v)", i, s, seen[s.Code])
		}
		seen[s.Code] = true
	}
	if !slices.IsSortedFunc(all, func(a, b registry.Signature) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Name, b.Name))
	}) {
		t.Error("records not ordered by unit and name")
	}
	if got := collect(registry.SignatureQuery{EventID: f.event.ID, Scope: "/", Unit: "Bagian Hukum"}); len(got) != n/3 {
		t.Errorf("%d records of one unit, want %d", len(got), n/3)
	}
	if got := collect(registry.SignatureQuery{EventID: f.event.ID, Scope: "/999/"}); len(got) != 0 {
		t.Errorf("%d records outside the scope", len(got))
	}
	stop := fmt.Errorf("stop")
	calls := 0
	err := f.db.EachSignature(ctx, registry.SignatureQuery{EventID: f.event.ID, Scope: "/"}, func(registry.Signature) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("an error from fn: %v after %d calls, want it at once", err, calls)
	}
}

// A pledge version cannot be edited in the database either.
func TestPledgeImmutable(t *testing.T) {
	f := mustFixture(t, 1)
	ctx := context.Background()
	p, err := f.db.Pledge(ctx, f.event.PledgeID)
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlite.ExecForTest(f.db, ctx, `UPDATE pledges SET closing = 'diubah' WHERE id = ?`, p.ID); err == nil {
		t.Fatal("a pledge version was updated")
	}
	again, err := f.db.Pledge(ctx, p.ID)
	if err != nil || again.Hash != p.Hash || again.Closing != p.Closing || again.ComputeHash() != p.Hash {
		t.Errorf("pledge after the refused update: %+v (%v)", again, err)
	}
}
