package sqlite_test

import (
	"context"
	"testing"

	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

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
