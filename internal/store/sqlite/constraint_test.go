package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// TestConstraintByCode: a duplicate key is a conflict by SQLite's result
// code, whichever key it is, and an error that only reads like one (a
// cause that quotes SQLite's wording, another constraint) is not.
func TestConstraintByCode(t *testing.T) {
	f := mustFixture(t, 1)
	ctx := context.Background()
	const cols = `org_id, gov_id, nip, name, category, updated_at`
	cases := []struct {
		name     string
		err      error
		conflict bool
	}{
		{"unique index", sqlite.ExecForTest(f.db, ctx, `INSERT INTO employees (`+cols+`) SELECT `+cols+` FROM employees WHERE id = ?`, f.emps[0].ID), true},
		{"primary key", sqlite.ExecForTest(f.db, ctx, `INSERT INTO employees (id, `+cols+`) SELECT id, org_id, gov_id, nip || '9', name, category, updated_at FROM employees WHERE id = ?`, f.emps[0].ID), true},
		{"not null", sqlite.ExecForTest(f.db, ctx, `INSERT INTO employees (`+cols+`) SELECT org_id, gov_id, nip || '9', NULL, category, updated_at FROM employees WHERE id = ?`, f.emps[0].ID), false},
		{"wording only", fmt.Errorf("copy: %w", errors.New("UNIQUE constraint failed: employees.nip; PRIMARY KEY")), false},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Fatalf("%s: the statement did not fail", c.name)
		}
		err := sqlite.MapErr(c.err, "Pegawai")
		if got := registry.IsCode(err, registry.ECONFLICT); got != c.conflict {
			t.Errorf("%s: %v is a conflict: %v, want %v", c.name, err, got, c.conflict)
		}
		if c.conflict && registry.ErrorMessage(err) != "Pegawai sudah ada." {
			t.Errorf("%s: message %q", c.name, registry.ErrorMessage(err))
		}
	}
}

// TestImportStaleByCode: an NIP added to the roster while an import that
// adds it too is staging makes the import fail as stale (a conflict the
// importer can retry), not as an internal error.
func TestImportStaleByCode(t *testing.T) {
	f := mustFixture(t, 1)
	ctx := context.Background()
	newcomer := registry.Employee{NIP: "199001012020121001", Name: "Pegawai Baru", Unit: "Unit Baru",
		Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}
	sqlite.SetAfterStage(f.db, func(int) error {
		return sqlite.ExecForTest(f.db, ctx, `INSERT INTO employees (org_id, gov_id, nip, name, category, updated_at)
			SELECT org_id, gov_id, ?, ?, category, updated_at FROM employees WHERE id = ?`, newcomer.NIP, newcomer.Name, f.emps[0].ID)
	})
	_, err := f.db.ImportEmployees(ctx, registry.EmployeeImport{OrgID: f.emps[0].OrgID, Scope: "/", Employees: []registry.Employee{newcomer}})
	if !registry.IsCode(err, registry.ECONFLICT) {
		t.Fatalf("import error %v, want %s", err, registry.ECONFLICT)
	}
	if want := "Data pegawai berubah selama impor berlangsung. Ulangi impor."; registry.ErrorMessage(err) != want {
		t.Errorf("message %q, want %q", registry.ErrorMessage(err), want)
	}
}
