package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Organizations nest by materialized path; a subtree lists in path order,
// byte by byte (so /1/10/ before /1/2/), whatever the server's locale.
func testOrganizationTree(t *testing.T, s Store) {
	tr := mustTree(t, s)
	if want := fmt.Sprintf("/%d/%d/%d/", tr.province.ID, tr.regency1.ID, tr.agency.ID); tr.agency.Path != want {
		t.Errorf("agency path %q, want %q", tr.agency.Path, want)
	}
	// Enough siblings for a two-digit ID beside one-digit ones.
	all := []registry.Organization{tr.province, tr.regency1, tr.regency2, tr.agency}
	for i := 0; i < 8; i++ {
		all = append(all, mustOrg(t, s, tr.province.ID, fmt.Sprintf("Kota %d", i), registry.OrgCity))
	}
	var paths []string
	for _, o := range all {
		paths = append(paths, o.Path)
	}
	sort.Strings(paths)
	got, err := s.Organizations(ctx, tr.province.Path)
	if err != nil {
		t.Fatal(err)
	}
	var gotPaths []string
	for _, o := range got {
		gotPaths = append(gotPaths, o.Path)
	}
	if !slices.Equal(gotPaths, paths) {
		t.Errorf("province's subtree %v, want %v", gotPaths, paths)
	}
	sub, err := s.Organizations(ctx, tr.regency1.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(sub, func(o registry.Organization) int64 { return o.ID }), []int64{tr.regency1.ID, tr.agency.ID}; !slices.Equal(got, want) {
		t.Errorf("regency's subtree %v, want %v", got, want)
	}
	o, err := s.Organization(ctx, tr.agency.ID)
	if err != nil || o != tr.agency {
		t.Errorf("Organization: %+v, %v; want %+v", o, err, tr.agency)
	}
	_, err = s.Organization(ctx, 9999)
	wantCode(t, "an organization that does not exist", err, registry.ENOTFOUND)
	err = s.CreateOrganization(ctx, &registry.Organization{ParentID: 9999, Name: "Yatim", Kind: registry.OrgAgency, TimeZone: "Asia/Jakarta", CreatedAt: at})
	wantCode(t, "an organization under a parent that does not exist", err, registry.ENOTFOUND)
}

// An organization prints its own logo or, without one, its nearest
// ancestor's.
func testOrgLogo(t *testing.T, s Store) {
	tr := mustTree(t, s)
	other := mustOrg(t, s, 0, "Provinsi Lain", registry.OrgProvince)
	province, regency := []byte("province png"), []byte("regency png")
	if err := s.SetOrgLogo(ctx, tr.province.ID, province, at); err != nil {
		t.Fatal(err)
	}
	check := func(o registry.Organization, want []byte, owner int64) {
		t.Helper()
		png, id, err := s.OrgLogo(ctx, o.Path)
		if err != nil || !bytes.Equal(png, want) || id != owner {
			t.Errorf("logo of %s: %q of %d, %v; want %q of %d", o.Name, png, id, err, want, owner)
		}
	}
	check(tr.agency, province, tr.province.ID)
	if err := s.SetOrgLogo(ctx, tr.regency1.ID, regency, at); err != nil {
		t.Fatal(err)
	}
	check(tr.agency, regency, tr.regency1.ID)
	check(tr.regency2, province, tr.province.ID)
	check(other, nil, 0)
	if err := s.SetOrgLogo(ctx, tr.regency1.ID, []byte("replaced"), at); err != nil {
		t.Fatal(err)
	}
	check(tr.agency, []byte("replaced"), tr.regency1.ID)
	if err := s.SetOrgLogo(ctx, tr.regency1.ID, nil, at); err != nil {
		t.Fatal(err)
	}
	check(tr.agency, province, tr.province.ID)
}
