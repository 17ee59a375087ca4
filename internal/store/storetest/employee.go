package storetest

import (
	"slices"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// An import adds the NIPs new to the government, updates (or moves) those
// it holds, and leaves an unchanged row as it was.
func testImportEmployees(t *testing.T, s Store) {
	tr := mustTree(t, s)
	res := mustImport(t, s, tr.regency1.ID, employee(nip(1), "Siti Aminah", "Sekretariat"),
		employee(nip(2), "Budi Santoso", "Sekretariat"), employee(nip(3), "Wayan Sudarta", "Keuangan"))
	if res.Imported != 3 || res.Updated != 0 || !res.Written {
		t.Errorf("first import: %+v, want 3 imported", res)
	}
	first, total, err := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.regency1.Path})
	if err != nil || total != 3 || len(first) != 3 {
		t.Fatalf("after the first import: %d of %d, %v", len(first), total, err)
	}
	budi, err := s.EmployeeByNIP(ctx, tr.regency1.Path, nip(2))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Employee(ctx, budi.ID); err != nil || got != budi {
		t.Errorf("Employee: %+v, %v; want %+v", got, err, budi)
	}
	if budi.OrgID != tr.regency1.ID || budi.Name != "Budi Santoso" || budi.Unit != "Sekretariat" || !budi.Active ||
		budi.Category != registry.CategoryPNS || !budi.UpdatedAt.Equal(at) {
		t.Errorf("imported employee %+v", budi)
	}

	// Into the agency, inside the same government: Siti moves there,
	// Budi is renamed, Wayan is not in the file and stays.
	moved := employee(nip(1), "Siti Aminah", "Bidang SD")
	renamed := employee(nip(2), "Budi Santoso Utomo", "Sekretariat")
	renamed.Active = false
	res = mustImport(t, s, tr.agency.ID, moved, renamed, employee(nip(4), "Made Ayu", "Bidang SMP"))
	if res.Imported != 1 || res.Updated != 2 {
		t.Errorf("second import: %+v, want 1 imported, 2 updated", res)
	}
	inAgency, total, err := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.agency.Path})
	if err != nil {
		t.Fatal(err)
	}
	names := func(es []registry.Employee) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.Name)
		}
		return out
	}
	// By unit, then name.
	if got, want := names(inAgency), []string{"Siti Aminah", "Made Ayu", "Budi Santoso Utomo"}; total != 3 || !slices.Equal(got, want) {
		t.Errorf("agency after the second import: %v (%d), want %v", got, total, want)
	}
	if got, err := s.Employee(ctx, budi.ID); err != nil || got.Name != "Budi Santoso Utomo" || got.Active || got.OrgID != tr.agency.ID {
		t.Errorf("Budi after the update: %+v, %v", got, err)
	}
	// Unchanged rows count as updated and are not written again.
	res = mustImport(t, s, tr.agency.ID, moved)
	if res.Imported != 0 || res.Updated != 1 || !res.Written {
		t.Errorf("an unchanged row: %+v", res)
	}
	if _, total, _ := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.regency1.Path}); total != 4 {
		t.Errorf("regency holds %d employees, want 4", total)
	}
}

// An importer may not take over an NIP its government holds outside its
// subtree: without Partial nothing is written; with it, the rest is.
func testImportRefusesOutsideScope(t *testing.T, s Store) {
	tr := mustTree(t, s)
	mustImport(t, s, tr.regency1.ID, employee(nip(1), "Siti Aminah", "Sekretariat"))
	rows := []registry.Employee{employee(nip(2), "Budi Santoso", "Bidang SD"), employee(nip(1), "Siti Aminah", "Bidang SD")}
	imp := registry.EmployeeImport{OrgID: tr.agency.ID, Scope: tr.agency.Path, Employees: rows}
	res, err := s.ImportEmployees(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written || res.Imported != 0 || len(res.Refused) != 1 || res.Refused[0].Index != 1 || res.Refused[0].NIP != nip(1) {
		t.Errorf("import with a refused row: %+v", res)
	}
	if _, total, _ := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.agency.Path}); total != 0 {
		t.Errorf("a refused import wrote %d employees", total)
	}
	imp.Partial = true
	if res, err = s.ImportEmployees(ctx, imp); err != nil {
		t.Fatal(err)
	}
	if !res.Written || res.Imported != 1 || len(res.Refused) != 1 {
		t.Errorf("partial import: %+v", res)
	}
	got, total, err := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.agency.Path})
	if err != nil || total != 1 || got[0].NIP != nip(2) {
		t.Errorf("after the partial import the agency holds %+v (%d), %v; want Budi only", got, total, err)
	}
	if siti, err := s.EmployeeByNIP(ctx, tr.regency1.Path, nip(1)); err != nil || siti.OrgID != tr.regency1.ID || siti.Unit != "Sekretariat" {
		t.Errorf("the refused row changed its employee: %+v, %v", siti, err)
	}
	// Another government holds the same NIP as its own employee.
	if res := mustImport(t, s, tr.regency2.ID, employee(nip(1), "Siti Aminah", "Dinas Kesehatan")); res.Imported != 1 {
		t.Errorf("the same NIP in another government: %+v, want it imported", res)
	}
}

// An NIP held in several governments of a subtree resolves to the one
// nearest the subtree's root.
func testEmployeeByNIPAcrossGovernments(t *testing.T, s Store) {
	tr := mustTree(t, s)
	mustImport(t, s, tr.province.ID, employee(nip(1), "Siti (provinsi)", "Sekretariat"))
	mustImport(t, s, tr.regency1.ID, employee(nip(1), "Siti (kabupaten)", "Sekretariat"))
	for _, c := range []struct {
		scope, want string
	}{
		{tr.province.Path, "Siti (provinsi)"},
		{tr.regency1.Path, "Siti (kabupaten)"},
	} {
		if e, err := s.EmployeeByNIP(ctx, c.scope, nip(1)); err != nil || e.Name != c.want {
			t.Errorf("EmployeeByNIP(%s): %q, %v; want %q", c.scope, e.Name, err, c.want)
		}
	}
	_, err := s.EmployeeByNIP(ctx, tr.regency2.Path, nip(1))
	wantCode(t, "an NIP outside the subtree", err, registry.ENOTFOUND)
}

// The roster page filters by name or NIP (taken literally, case folded),
// category and activity, and pages in unit and name order, byte by byte
// (capitals first), as the SQLite store has always listed it.
func testEmployeesFilter(t *testing.T, s Store) {
	tr := mustTree(t, s)
	pppk := employee(nip(3), "Citra 100% Lestari", "B")
	pppk.Category = registry.CategoryPPPK
	gone := employee(nip(4), "Dewi_Sartika", "B")
	gone.Active = false
	mustImport(t, s, tr.regency1.ID, employee(nip(1), "Siti Aminah", "A"), employee(nip(2), "Ahmad Siti", "C"), pppk, gone,
		employee(nip(5), "Eko Prasetyo", "A"), employee(nip(6), "ahmad dahlan", "A"))
	for _, c := range []struct {
		name string
		f    registry.EmployeeFilter
		want []string
		all  int
	}{
		{"all", registry.EmployeeFilter{}, []string{"Eko Prasetyo", "Siti Aminah", "ahmad dahlan", "Citra 100% Lestari", "Dewi_Sartika", "Ahmad Siti"}, 6},
		{"name, any case", registry.EmployeeFilter{Search: "sITI"}, []string{"Siti Aminah", "Ahmad Siti"}, 2},
		{"NIP part", registry.EmployeeFilter{Search: nip(3)[10:]}, []string{"Citra 100% Lestari"}, 1},
		{"percent taken literally", registry.EmployeeFilter{Search: "%"}, []string{"Citra 100% Lestari"}, 1},
		{"underscore taken literally", registry.EmployeeFilter{Search: "_"}, []string{"Dewi_Sartika"}, 1},
		{"category", registry.EmployeeFilter{Categories: []registry.Category{registry.CategoryPPPK}}, []string{"Citra 100% Lestari"}, 1},
		{"active only", registry.EmployeeFilter{ActiveOnly: true, Categories: []registry.Category{registry.CategoryPNS, registry.CategoryPPPK}},
			[]string{"Eko Prasetyo", "Siti Aminah", "ahmad dahlan", "Citra 100% Lestari", "Ahmad Siti"}, 5},
		{"a page", registry.EmployeeFilter{Limit: 2, Offset: 1}, []string{"Siti Aminah", "ahmad dahlan"}, 6},
	} {
		f := c.f
		f.Scope = tr.regency1.Path
		got, total, err := s.Employees(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range got {
			names = append(names, e.Name)
		}
		if !slices.Equal(names, c.want) || total != c.all {
			t.Errorf("%s: %v of %d, want %v of %d", c.name, names, total, c.want, c.all)
		}
	}
	if _, total, _ := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.regency2.Path}); total != 0 {
		t.Errorf("another regency sees %d employees", total)
	}
}
