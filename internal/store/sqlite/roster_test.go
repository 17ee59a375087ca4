package sqlite_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// bigRoster is the fixture's roster re-imported with new names, plus n new
// employees.
func bigRoster(f fixture, n int) []registry.Employee {
	var out []registry.Employee
	for _, e := range f.emps {
		e.Name += " (mutasi)"
		out = append(out, e)
	}
	for i := range n {
		out = append(out, registry.Employee{NIP: fmt.Sprintf("1990%04d2020%02d1%03d", i%10000, i/10000, i%1000), Name: fmt.Sprintf("Pegawai Baru %d", i),
			Unit: "Unit Baru", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()})
	}
	return out
}

// TestImportLetsSigningsThrough: a large import writes in several short
// transactions, and a signing submitted while it runs commits before the
// import ends. If the import held the single writer from its first row to
// its last, the signing below would wait for it and the test would time
// out.
func TestImportLetsSigningsThrough(t *testing.T) {
	f := mustFixture(t, 3)
	ctx := context.Background()
	rows := bigRoster(f, 24_000)
	chunks := 0
	signed := make(chan error, 1)
	sqlite.SetAfterStage(f.db, func(chunk int) error {
		chunks++
		if chunk != 1 {
			return nil
		}
		go func() { signed <- f.db.InsertSignature(ctx, newSig(f, 0, "SIGNDURINGIMP")) }()
		select {
		case err := <-signed:
			return err
		case <-time.After(20 * time.Second):
			return errors.New("a signing submitted during the import did not commit")
		}
	})
	res, err := f.db.ImportEmployees(ctx, registry.EmployeeImport{OrgID: f.emps[0].OrgID, Scope: "/", Employees: rows})
	if err != nil {
		t.Fatal(err)
	}
	if want := (len(rows) + sqlite.StageChunk - 1) / sqlite.StageChunk; chunks != want || chunks < 2 {
		t.Errorf("import staged in %d transactions, want %d", chunks, want)
	}
	if !res.Written || res.Imported != 24_000 || res.Updated != 3 {
		t.Errorf("import result %+v", res)
	}
	if _, err := f.db.SignatureByCode(ctx, "SIGNDURINGIMP"); err != nil {
		t.Errorf("the signing made during the import: %v", err)
	}
	if _, n, _ := f.db.Employees(ctx, registry.EmployeeFilter{Scope: "/"}); n != 24_003 {
		t.Errorf("%d employees after the import, want 24003", n)
	}
}

// TestImportFailureMidwayLeavesRoster: an import that fails after some of
// its rows were staged leaves the roster, the dashboard counters and the
// staging table as they were.
func TestImportFailureMidwayLeavesRoster(t *testing.T) {
	f := mustFixture(t, 3)
	ctx := context.Background()
	roster := func() string {
		s, err := sqlite.DumpForTest(f.db, ctx, `SELECT org_id, unit, category, active, employees FROM ops_roster ORDER BY 1, 2, 3, 4`)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := roster()
	boom := errors.New("disk full")
	sqlite.SetAfterStage(f.db, func(chunk int) error {
		if chunk == 3 {
			return boom
		}
		return nil
	})
	_, err := f.db.ImportEmployees(ctx, registry.EmployeeImport{OrgID: f.emps[0].OrgID, Scope: "/", Employees: bigRoster(f, 20_000)})
	if !errors.Is(err, boom) {
		t.Fatalf("import error %v, want %v", err, boom)
	}
	emps, n, err := f.db.Employees(ctx, registry.EmployeeFilter{Scope: "/"})
	if err != nil || n != 3 {
		t.Fatalf("%d employees after a failed import (%v), want 3", n, err)
	}
	for i, e := range emps {
		if e.Name != f.emps[i].Name {
			t.Errorf("employee %d renamed to %q by a failed import", i, e.Name)
		}
	}
	if after := roster(); after != before {
		t.Errorf("roster counters after a failed import:\n%s\nwere:\n%s", after, before)
	}
	if n := countRows(t, f.db, "roster_staging"); n != 0 {
		t.Errorf("%d staged rows left after a failed import", n)
	}
}

func countRows(t *testing.T, db *sqlite.DB, table string) int {
	t.Helper()
	n, err := sqlite.CountForTest(db, context.Background(), `SELECT COUNT(*) FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMigrationToGovernments opens a database at schema 4 (employees with
// a global UNIQUE NIP), fills it, and reopens it with the current code:
// every employee keeps its id and gets the government of its organization,
// the records and dashboard counters still point at them, and the same NIP
// can now be on two governments' rosters.
func TestMigrationToGovernments(t *testing.T) {
	ctx := context.Background()
	old, path := atVersion(t, 4)
	now := time.Now().UnixMilli()
	exec := func(q string, args ...any) {
		t.Helper()
		if err := sqlite.ExecForTest(old, ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A province (1) with a regency (2) and its agency (3), and a root
	// agency (4) that is no government.
	exec(`INSERT INTO organizations (id, parent_id, name, kind, timezone, path, created_at) VALUES
		(1, NULL, 'Provinsi', 'province', 'Asia/Jakarta', '/1/', ?),
		(2, 1, 'Kabupaten', 'regency', 'Asia/Jakarta', '/1/2/', ?),
		(3, 2, 'Dinas', 'agency', 'Asia/Jakarta', '/1/2/3/', ?),
		(4, NULL, 'Lembaga', 'agency', 'Asia/Jakarta', '/4/', ?)`, now, now, now, now)
	exec(`INSERT INTO employees (id, org_id, nip, name, unit, category, updated_at) VALUES
		(10, 1, '198609262015051001', 'Pegawai Provinsi', 'Biro Umum', 'PNS', ?),
		(11, 3, '198609262015051002', 'Pegawai Dinas', 'Bidang A', 'PNS', ?),
		(12, 4, '198609262015051003', 'Pegawai Lembaga', '', 'PNS', ?)`, now, now, now)
	// The pledge as schema 4 stored it (no owner yet).
	p := registry.DefaultPledge()
	points, err := json.Marshal(p.Points)
	if err != nil {
		t.Fatal(err)
	}
	p.ID = 900
	exec(`INSERT INTO pledges (id, title, language, opening, points, closing, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Title, p.Language, p.Opening, string(points), p.Closing, p.Hash, now)
	ev := registry.Event{OrgID: 1, Slug: "s", Code: "ABCDEF", Title: "Uji", Mode: registry.ModeInPerson, StartsAt: time.Now(),
		PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := old.CreateEvent(ctx, &ev); err != nil {
		t.Fatal(err)
	}
	// The record as schema 4 stored it, with the counter the signing kept
	// (today's InsertSignature writes columns schema 4 does not have).
	exec(`INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
		pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt)
		VALUES (?, 11, 'OLDRECORD', '198609262015051002', 'Pegawai Dinas', '', '', 'Bidang A', 'Dinas', 'PNS',
		?, 'typed', 'Pegawai Dinas', 1, ?, 'event_code', '', '', x'30313233343536373839616263646566')`, ev.ID, p.Hash, now)
	exec(`INSERT INTO ops_signed (event_id, org_id, unit, signed) VALUES (?, 3, 'Bidang A', 1)`, ev.ID)
	counters := func(db *sqlite.DB) string {
		t.Helper()
		s, err := sqlite.DumpForTest(db, ctx, `SELECT org_id, unit, employees FROM ops_roster ORDER BY 1, 2`,
			`SELECT event_id, org_id, unit, signed FROM ops_signed ORDER BY 1, 2, 3`)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	wantCounters := counters(old)
	db := reopen(t, old, path)
	govs, err := sqlite.DumpForTest(db, ctx, `SELECT id, org_id, gov_id, nip, name FROM employees ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	want := "10|1|1|198609262015051001|Pegawai Provinsi\n11|3|2|198609262015051002|Pegawai Dinas\n12|4|4|198609262015051003|Pegawai Lembaga\n"
	if govs != want {
		t.Errorf("employees after the migration:\n%s\nwant:\n%s", govs, want)
	}
	if got := counters(db); got != wantCounters {
		t.Errorf("dashboard counters after the migration:\n%s\nwant:\n%s", got, wantCounters)
	}
	if fk, err := sqlite.DumpForTest(db, ctx, `PRAGMA foreign_key_check`); err != nil || fk != "" {
		t.Errorf("foreign key check after the migration: %q (%v)", fk, err)
	}
	got, err := db.SignatureByCode(ctx, "OLDRECORD")
	if err != nil || got.EmployeeID != 11 {
		t.Errorf("the old record: %+v (%v)", got, err)
	}
	// The regency's NIP also on the province's own roster: two employees,
	// and the triggers count the new one.
	res, err := db.ImportEmployees(ctx, registry.EmployeeImport{OrgID: 1, Scope: "/", Employees: []registry.Employee{{
		NIP: "198609262015051002", Name: "Pegawai Dinas di Provinsi", Unit: "Biro Umum", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}}})
	if err != nil || res.Imported != 1 || res.Updated != 0 {
		t.Fatalf("import of the regency's NIP into the province: %+v (%v)", res, err)
	}
	if s, _ := sqlite.DumpForTest(db, ctx, `SELECT employees FROM ops_roster WHERE org_id = 1 AND unit = 'Biro Umum'`); s != "2\n" {
		t.Errorf("province's Biro Umum counted %q, want 2", s)
	}
	// A province-wide lookup finds the province's own employee; the
	// regency's finds its own.
	if e, err := db.EmployeeByNIP(ctx, "/1/", "198609262015051002"); err != nil || e.OrgID != 1 {
		t.Errorf("province-wide lookup: %+v (%v)", e, err)
	}
	if e, err := db.EmployeeByNIP(ctx, "/1/2/", "198609262015051002"); err != nil || e.ID != 11 {
		t.Errorf("regency lookup: %+v (%v)", e, err)
	}
}

// TestImportKeepsCounters: the dashboard counters a merge keeps with
// grouped statements equal the counts made from scratch from the roster and
// the records, after an import that moves signers (one with a revoked
// record), changes categories and adds employees.
func TestImportKeepsCounters(t *testing.T) {
	f := mustFixture(t, 6)
	ctx := context.Background()
	for i := range 3 {
		if err := f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("SIG%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	sig, err := f.db.SignatureByCode(ctx, "SIG2")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.InsertRevocation(ctx, &registry.Revocation{SignatureID: sig.ID, Reason: "uji", UserName: "uji", RevokedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rows := bigRoster(f, 50)
	for i := range rows[:6] {
		switch i % 3 {
		case 0:
			rows[i].Unit = "Unit Baru"
		case 1:
			rows[i].Category = registry.CategoryPPPK
		}
	}
	if _, err := f.db.ImportEmployees(ctx, registry.EmployeeImport{OrgID: f.emps[0].OrgID, Scope: "/", Employees: rows}); err != nil {
		t.Fatal(err)
	}
	got, err := sqlite.DumpForTest(f.db, ctx,
		`SELECT org_id, unit, category, active, employees FROM ops_roster WHERE employees != 0 ORDER BY 1, 2, 3, 4`,
		`SELECT event_id, org_id, unit, signed FROM ops_signed WHERE signed != 0 ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sqlite.DumpForTest(f.db, ctx,
		`SELECT org_id, unit, category, active, COUNT(*) FROM employees GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
		`SELECT s.event_id, e.org_id, e.unit, COUNT(*) FROM signatures s JOIN employees e ON e.id = s.employee_id
			WHERE NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = s.id) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("counters after the import:\n%s\ncounted from scratch:\n%s", got, want)
	}
	if !strings.Contains(got, "Unit Baru|1\n") {
		t.Errorf("the moved signer's record is not counted in the new unit:\n%s", got)
	}
}
