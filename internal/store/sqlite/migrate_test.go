package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Migration 007 rebuilds signatures on a database in use: records,
// revocations and counters survive, records erased before it lose their
// link to the roster and their position, rank, unit and PDF fingerprint,
// and the foreign keys still hold.
func TestMigration007OnExistingData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ikrar.db")
	const sigCols = `(event_id, employee_id, code, nip, name, position, rank, unit, org_name, category, pledge_hash, ink_kind, ink,
		consent, signed_at, channel, client_ip, user_agent, identity_hash, leaf_index, pdf_hash, erased_at)`
	mustSchemaBefore(t, path, 5,
		`INSERT INTO organizations (id, name, kind, timezone, path, created_at) VALUES (1, 'Kab', 'regency', 'Asia/Jakarta', '/1/', 1)`,
		`INSERT INTO employees (id, org_id, nip, name, unit, category, updated_at) VALUES (1, 1, '1', 'A', 'Umum', 'PNS', 1), (2, 1, '2', 'B', 'Umum', 'PNS', 1), (3, 1, '3', 'C', 'Umum', 'PNS', 1)`,
		`INSERT INTO pledges (id, title, language, opening, points, closing, hash, created_at) VALUES (1, 'I', 'id', 'o', '[]', 'c', 'h', 1), (2, 'J', 'id', 'o', '[]', 'c', 'j', 1)`,
		`INSERT INTO audit (at, user_id, user_name, action, org_id, target) VALUES (1, 5, 'admin', 'pledge.create', 1, 'pledge:2')`,
		`INSERT INTO events (id, org_id, slug, code, title, mode, starts_at, pledge_id, official_name, official_position, status, created_at)
			VALUES (1, 1, 's', 'c', 'E', 'in_person', 1, 1, 'n', 'p', 'open', 1)`,
		`INSERT INTO signatures `+sigCols+` VALUES (1, 1, 'AAA', '1', 'A', 'Kasubbag', 'III/a', 'Umum', 'Kab', 'PNS', 'h', 'typed', x'41', 1, 60000, 'event_code', 'ip', 'ua', 'x', 0, 'pdfA', 0)`,
		`INSERT INTO signatures `+sigCols+` VALUES (1, 2, 'BBB', '', '', 'Kasubbag', 'III/b', 'Umum', 'Kab', 'PNS', 'h', 'erased', x'', 1, 60000, 'event_code', '', '', 'x', 1, 'pdfB', 5)`,
		`INSERT INTO signatures `+sigCols+` VALUES (1, 3, 'CCC', '3', 'C', 'Staf', 'II/a', 'Umum', 'Kab', 'PNS', 'h', 'typed', x'43', 1, 60000, 'event_code', 'ip', 'ua', 'x', 2, '', 0)`,
		`INSERT INTO revocations (signature_id, reason, user_id, user_name, revoked_at, leaf_index) VALUES (3, 'salah orang', 1, 'u', 70000, 3)`,
		`INSERT INTO ops_signed (event_id, org_id, unit, signed) VALUES (1, 1, 'Umum', 2)`, // A and the erased B
	).Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	db.read.QueryRow(`SELECT COUNT(*) FROM signatures`).Scan(&n)
	if n != 3 {
		t.Fatalf("%d records after the migration, want 3", n)
	}
	var emp sql.NullInt64
	var position, rank, unit, pdf string
	db.read.QueryRow(`SELECT employee_id, position, rank, unit, pdf_hash FROM signatures WHERE code = 'BBB'`).Scan(&emp, &position, &rank, &unit, &pdf)
	if emp.Valid || position+rank+unit+pdf != "" {
		t.Errorf("the record erased before the migration keeps employee %v, %q %q %q %q", emp, position, rank, unit, pdf)
	}
	db.read.QueryRow(`SELECT employee_id, position, pdf_hash FROM signatures WHERE code = 'AAA'`).Scan(&emp, &position, &pdf)
	if emp.Int64 != 1 || position != "Kasubbag" || pdf != "pdfA" {
		t.Errorf("a standing record changed: employee %v, %q, %q", emp, position, pdf)
	}
	db.read.QueryRow(`SELECT signed FROM ops_signed WHERE event_id = 1 AND org_id = 1 AND unit = 'Umum'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d standing records counted, want 1 (the erased and the revoked do not count)", n)
	}
	owners := map[int64]int64{}
	for _, id := range []int64{1, 2} {
		p, err := db.Pledge(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		owners[id] = p.OrgID
	}
	if owners[1] != 0 || owners[2] != 1 {
		t.Errorf("pledge owners after the migration %v, want the seeded one the system's and the audited one organization 1's", owners)
	}
	var schema string
	db.read.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'revocations'`).Scan(&schema)
	if !strings.Contains(schema, "REFERENCES signatures") {
		t.Errorf("revocations no longer refer to signatures: %s", schema)
	}
	// The triggers were rebuilt and the foreign keys hold: a revocation of
	// a missing record is refused, a transfer moves the count.
	if _, err := db.write.Exec(`INSERT INTO revocations (signature_id, reason, user_id, user_name, revoked_at) VALUES (99, 'x', 1, 'u', 1)`); err == nil {
		t.Error("a revocation of a missing record was accepted: foreign keys are off")
	}
	if _, err := db.write.Exec(`UPDATE employees SET unit = 'Keuangan' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	db.read.QueryRow(`SELECT signed FROM ops_signed WHERE event_id = 1 AND unit = 'Keuangan'`).Scan(&n)
	if n != 1 {
		t.Errorf("the transfer trigger counted %d in the new unit, want 1", n)
	}
	if _, err := db.write.Exec(`INSERT INTO revocations (signature_id, reason, user_id, user_name, revoked_at) VALUES (1, 'x', 1, 'u', 1)`); err != nil {
		t.Fatal(err)
	}
	db.read.QueryRow(`SELECT signed FROM ops_signed WHERE event_id = 1 AND unit = 'Keuangan'`).Scan(&n)
	if n != 0 {
		t.Errorf("the revocation trigger left %d counted, want 0", n)
	}
	var legacy int
	db.write.QueryRow(`PRAGMA legacy_alter_table`).Scan(&legacy)
	if legacy != 0 {
		t.Error("the migration left legacy_alter_table on")
	}
}

// Migration 018 keeps the audit entries written before it as they were
// stored, formatted in Indonesian and without a format; entries written
// after it keep their detail's format and arguments, integers as integers.
func TestMigration018AuditDetailFormat(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ikrar.db")
	const stored = "tanpa waktu goresan; waktu goresan 4 catatan dihapus"
	mustSchemaBefore(t, path, 18,
		`INSERT INTO organizations (id, name, kind, timezone, path, created_at) VALUES (1, 'Kab', 'regency', 'Asia/Jakarta', '/1/', 1)`,
		`INSERT INTO audit (at, user_id, user_name, action, org_id, target, detail) VALUES (1000, 5, 'admin', 'privacy.settings', 1, 'Kab', '`+stored+`')`,
	).Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entries, err := db.Audit(ctx, "/", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Detail != stored || entries[0].DetailFormat != "" || entries[0].DetailArgs != nil {
		t.Fatalf("the entry stored before the migration reads %+v, want its detail as stored and no format", entries)
	}

	e := registry.AuditEntry{At: time.UnixMilli(2000), UserID: 5, UserName: "admin", Action: "user.role", OrgID: 1, Target: "a@kab.test"}
	e.SetDetail(registry.Detailf("%s; organisasi: %s", "operator → admin", "Dinas 7"))
	if err := db.AppendAudit(ctx, e); err != nil {
		t.Fatal(err)
	}
	n := registry.AuditEntry{At: time.UnixMilli(3000), UserID: 5, UserName: "admin", Action: "roster.import", OrgID: 1}
	n.SetDetail(registry.Detailf("%d baru, %d diperbarui, %d ditolak", 3, 1, 0))
	if err := db.AppendAudit(ctx, n); err != nil {
		t.Fatal(err)
	}
	if entries, err = db.Audit(ctx, "/", 10); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d entries, want 3", len(entries))
	}
	for i, want := range []struct {
		detail, format string
		args           []any
	}{
		{"3 baru, 1 diperbarui, 0 ditolak", "%d baru, %d diperbarui, %d ditolak", []any{int64(3), int64(1), int64(0)}},
		{"operator → admin; organisasi: Dinas 7", "%s; organisasi: %s", []any{"operator → admin", "Dinas 7"}},
	} {
		got := entries[i]
		if got.Detail != want.detail || got.DetailFormat != want.format || !reflect.DeepEqual(got.DetailArgs, want.args) {
			t.Errorf("entry %d reads %q, %q %#v; want %q, %q %#v", i, got.Detail, got.DetailFormat, got.DetailArgs,
				want.detail, want.format, want.args)
		}
	}
}

// mustSchemaBefore creates at path a database as an ikrar before the
// given migration left it: the migration files before it applied, and
// recorded, in order; then the statements of seed. It returns the
// database on one connection.
func mustSchemaBefore(t *testing.T, path string, version int, seed ...string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	// A migration that rebuilds a table runs with foreign keys off, as
	// applyMigration runs it.
	if _, err := db.Exec(`PRAGMA foreign_keys = OFF; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	files, err := migrations.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		v, err := strconv.Atoi(strings.SplitN(f.Name(), "_", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		if v >= version {
			break
		}
		body, err := migrations.ReadFile("migrations/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, 1)`, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`PRAGMA foreign_keys = ON; PRAGMA legacy_alter_table = OFF`); err != nil {
		t.Fatal(err)
	}
	for _, q := range seed {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	return db
}
