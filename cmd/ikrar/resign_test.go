package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// schemaObjects lists a database's tables, indexes and triggers with their
// SQL, the bookkeeping tables left out.
func schemaObjects(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master
		WHERE name NOT IN ('schema_migrations', 'sqlite_sequence') AND name NOT LIKE 'sqlite_stat%' ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(strings.Fields(s), " "))
	}
	return out
}

// schema11 builds a database from migrations 001 to 011 as they are on
// disk and returns its objects and its signatures table's SQL.
func schema11(t *testing.T) (objects []string, signatures string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "v11.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA foreign_keys = OFF`); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../internal/store/sqlite/migrations/0*.sql")
	if err != nil || len(files) < 12 {
		t.Fatalf("migrations: %v, %v", files, err)
	}
	for _, f := range files {
		if filepath.Base(f) >= "012" {
			continue
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'signatures'`).Scan(&signatures); err != nil {
		t.Fatal(err)
	}
	return schemaObjects(t, db), signatures
}

// TestAuditCleanAfterResigning takes a registry back to schema 11 with a
// revoked record in it, as an ikrar before migration 012 left it; the
// migration keeps `ikrar audit` clean, and so does signing again after the
// revocation: a new record and leaf beside the revoked one.
func TestAuditCleanAfterResigning(t *testing.T) {
	r := newTrustRegistry(t)
	for range 3 {
		r.sign(t)
	}
	r.revoke(t, 1)
	r.checkpoint(t)
	r.close()

	want, sigTable := schema11(t)
	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`PRAGMA legacy_alter_table = ON`)
		exec(strings.Replace(sigTable, `"signatures"`, "signatures_v11", 1))
		exec(`INSERT INTO signatures_v11 SELECT id, event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
			pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash,
			leaf_index, pdf_hash, erased_at, claim_token, legacy_pdf_hash, leaf_version, event_title, event_place,
			event_starts, event_org, holder_hash FROM signatures ORDER BY id`)
		exec(`DROP TABLE signatures`)
		exec(`DROP TRIGGER signatures_revoked`)
		exec(`ALTER TABLE signatures_v11 RENAME TO signatures`)
		exec(`CREATE INDEX signatures_event_time ON signatures (event_id, signed_at)`)
		exec(`CREATE INDEX signatures_leaf ON signatures (leaf_index)`)
		exec(`DROP TABLE paper_scans`) // migration 013's; its columns went with the rebuild
		// The migrations after 012 are taken back too: 014's tables.
		exec(`DROP TABLE event_documents`)
		exec(`DROP TABLE event_witnesses`)
		// Migration 015 (letterhead logos, the official's NIP), undone.
		exec(`DROP TABLE org_logos`)
		exec(`ALTER TABLE events DROP COLUMN official_nip`)
		// Migration 016 (personal data by UU PDP) comes off too.
		exec(`DROP TABLE org_privacy`)
		exec(`DROP TABLE event_retention`)
		// And migration 018 (audit details' formats).
		exec(`ALTER TABLE audit DROP COLUMN detail_format`)
		exec(`ALTER TABLE audit DROP COLUMN detail_args`)
		exec(`DELETE FROM schema_migrations WHERE version >= 12`)
	})
	db, err := sql.Open("sqlite", "file:"+filepath.Join(r.dir, "ikrar.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	got := schemaObjects(t, db)
	db.Close()
	if !slices.Equal(got, want) {
		t.Fatalf("the registry taken back is not schema 11:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	if code, out := runTrust(t, "migrate", "--data", r.dir); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 || !strings.Contains(out, "AUDIT BERSIH") {
		t.Fatalf("audit after migration 012: exit %d\n%s", code, out)
	}

	a, err := openApp(t.Context(), r.dir, trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	r.a, r.closed = a, false
	again, existing, err := a.svc.Sign(t.Context(), typedSignRequest(t, r.event, r.emps[1]))
	if err != nil || existing || again.Code == r.sigs[1].Code {
		t.Fatalf("signing again after the revocation: %s existing %v, %v; want a new record", again.Code, existing, err)
	}
	if _, existing, err := a.svc.Sign(t.Context(), typedSignRequest(t, r.event, r.emps[1])); err != nil || !existing {
		t.Errorf("a third signing: existing %v, %v; want the new record shown", existing, err)
	}
	if old := r.reload(t, r.sigs[1].Code); !old.Revoked() {
		t.Errorf("the revoked record after signing again: %+v, want it revoked", old.Revocation)
	}
	r.checkpoint(t)
	st, err := a.db.EventStats(t.Context(), r.event)
	if err != nil || st.Signed != 3 || st.Revoked != 1 {
		t.Errorf("stats %+v (%v), want 3 signed and 1 revoked", st, err)
	}
	r.close()
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 || !strings.Contains(out, "AUDIT BERSIH") {
		t.Fatalf("audit after signing again: exit %d\n%s", code, out)
	}
}
