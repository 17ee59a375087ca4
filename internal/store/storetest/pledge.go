package storetest

import (
	"reflect"
	"slices"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// A pledge text is unique per owner; a government sees the system's
// versions and those owned on its path, never another government's.
func testPledges(t *testing.T, s Store) {
	tr := mustTree(t, s)
	system := mustPledge(t, s, pledgeText("Ikrar", 0))
	err := s.CreatePledge(ctx, new(pledgeText("Ikrar", 0)))
	wantCode(t, "the system's text twice", err, registry.ECONFLICT)
	// The same text owned by a regency is its own version.
	own := mustPledge(t, s, pledgeText("Ikrar", tr.regency1.ID))
	provincial := mustPledge(t, s, pledgeText("Ikrar Provinsi", tr.province.ID))
	other := mustPledge(t, s, pledgeText("Ikrar Kabupaten Dua", tr.regency2.ID))

	got, err := s.Pledge(ctx, own.ID)
	if err != nil || !reflect.DeepEqual(got, own) {
		t.Errorf("Pledge: %+v, %v; want %+v", got, err, own)
	}
	_, err = s.Pledge(ctx, 9999)
	wantCode(t, "a pledge that does not exist", err, registry.ENOTFOUND)

	pledgeIDs := func(ps []registry.PledgeVersion) []int64 {
		return ids(ps, func(p registry.PledgeVersion) int64 { return p.ID })
	}
	for _, c := range []struct {
		scope string
		want  []int64
	}{
		{tr.agency.Path, []int64{system.ID, own.ID, provincial.ID}},
		{tr.regency2.Path, []int64{system.ID, provincial.ID, other.ID}},
		{tr.province.Path, []int64{system.ID, own.ID, provincial.ID, other.ID}},
		{"/", []int64{system.ID, own.ID, provincial.ID, other.ID}},
	} {
		ps, err := s.Pledges(ctx, c.scope)
		if err != nil {
			t.Fatal(err)
		}
		if got := pledgeIDs(ps); !slices.Equal(got, c.want) {
			t.Errorf("Pledges(%s): %v, want %v", c.scope, got, c.want)
		}
	}
	byHash, err := s.PledgesByHash(ctx, system.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pledgeIDs(byHash), []int64{system.ID, own.ID}; !slices.Equal(got, want) {
		t.Errorf("PledgesByHash: %v, want %v", got, want)
	}
}
