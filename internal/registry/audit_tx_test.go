package registry_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// refuse makes the database refuse op (INSERT or UPDATE) on table until
// the returned function is called: a trigger raises, as a full disk or a
// broken table would make that one statement fail.
func refuse(t *testing.T, db *sql.DB, table, op string) (allow func()) {
	t.Helper()
	name := "refuse_" + table
	q := fmt.Sprintf(`CREATE TRIGGER %s BEFORE %s ON %s BEGIN SELECT RAISE(ABORT, '%s refused'); END`, name, op, table, table)
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if _, err := db.Exec(`DROP TRIGGER ` + name); err != nil {
			t.Fatal(err)
		}
	}
}

// TestActionAndAuditCommitTogether: an admin action and its audit entry
// are one transaction. While the audit table refuses entries, recording a
// paper sheet, revoking a certificate and deactivating a user fail and
// change nothing; while the action's own table refuses it, no entry is
// written either. Once both are allowed, each action and its entry are kept.
func TestActionAndAuditCommitTogether(t *testing.T) {
	ctx := context.Background()
	w := mustWorld(t)
	raw, err := sql.Open("sqlite", "file:"+w.file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	entries := func() int {
		t.Helper()
		es, err := w.svc.Store.Audit(ctx, "/", 1000)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	emp := w.emps[0]
	paper := registry.PaperRequest{EventID: w.event.ID, NIP: emp.NIP, Witness: "Rina Marpaung",
		Scan: registry.PaperScan{ContentType: "image/png", Data: []byte("a scanned sheet")}, ClientIP: "127.0.0.1"}
	recorded := func() bool {
		t.Helper()
		_, err := w.svc.Store.SignatureFor(ctx, w.event.ID, emp.ID)
		if err != nil && !registry.IsCode(err, registry.ENOTFOUND) {
			t.Fatal(err)
		}
		return err == nil
	}

	// A paper record.
	allow := refuse(t, raw, "audit", "INSERT")
	if _, err := w.svc.RecordPaper(ctx, w.admin, paper); err == nil {
		t.Error("a paper record was accepted while its audit entry could not be written")
	}
	if recorded() {
		t.Error("the paper record was kept without its audit entry")
	}
	allow()
	before := entries()
	allow = refuse(t, raw, "signatures", "INSERT")
	if _, err := w.svc.RecordPaper(ctx, w.admin, paper); err == nil {
		t.Error("a paper record was accepted while signatures refused it")
	}
	if n := entries(); n != before {
		t.Errorf("a paper record that failed left %d audit entries", n-before)
	}
	allow()
	sig, err := w.svc.RecordPaper(ctx, w.admin, paper)
	if err != nil {
		t.Fatal(err)
	}
	if n := entries(); n != before+1 || !recorded() {
		t.Errorf("a paper record kept: %v, with %d audit entries, want 1", recorded(), n-before)
	}

	// A revocation.
	revoked := func() bool {
		t.Helper()
		s, err := w.svc.Store.SignatureByCode(ctx, sig.Code)
		if err != nil {
			t.Fatal(err)
		}
		return s.Revoked()
	}
	allow = refuse(t, raw, "audit", "INSERT")
	if _, err := w.svc.Revoke(ctx, w.admin, sig.Code, "Lembar milik orang lain"); err == nil {
		t.Error("a revocation was accepted while its audit entry could not be written")
	}
	if revoked() {
		t.Error("the revocation was kept without its audit entry")
	}
	allow()
	before = entries()
	allow = refuse(t, raw, "revocations", "INSERT")
	if _, err := w.svc.Revoke(ctx, w.admin, sig.Code, "Lembar milik orang lain"); err == nil {
		t.Error("a revocation was accepted while revocations refused it")
	}
	if n := entries(); n != before {
		t.Errorf("a revocation that failed left %d audit entries", n-before)
	}
	allow()
	if _, err := w.svc.Revoke(ctx, w.admin, sig.Code, "Lembar milik orang lain"); err != nil {
		t.Fatal(err)
	}
	if n := entries(); n != before+1 || !revoked() {
		t.Errorf("a revocation kept: %v, with %d audit entries, want 1", revoked(), n-before)
	}

	// A user deactivated.
	u := &registry.User{Email: "operator@deliserdangkab.go.id", Name: "Operator", Role: registry.RoleOperator,
		OrgID: w.event.OrgID, Active: true, PasswordHash: "not a password", CreatedAt: *w.now}
	if err := w.svc.Store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	active := func() bool {
		t.Helper()
		got, err := w.svc.Store.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Active
	}
	allow = refuse(t, raw, "audit", "INSERT")
	if _, err := w.svc.SetUserActive(ctx, w.admin, u.ID, false); err == nil {
		t.Error("a deactivation was accepted while its audit entry could not be written")
	}
	if !active() {
		t.Error("the user was deactivated without an audit entry")
	}
	allow()
	before = entries()
	allow = refuse(t, raw, "users", "UPDATE")
	if _, err := w.svc.SetUserActive(ctx, w.admin, u.ID, false); err == nil {
		t.Error("a deactivation was accepted while users refused it")
	}
	if n := entries(); n != before {
		t.Errorf("a deactivation that failed left %d audit entries", n-before)
	}
	allow()
	if _, err := w.svc.SetUserActive(ctx, w.admin, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if n := entries(); n != before+1 || active() {
		t.Errorf("a deactivation kept: %v, with %d audit entries, want 1", !active(), n-before)
	}
}
