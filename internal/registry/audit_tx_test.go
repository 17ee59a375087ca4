package registry_test

import (
	"context"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestActionAndAuditCommitTogether: an admin action and its audit entry
// are one transaction. While the audit table refuses entries, recording a
// paper sheet, revoking a certificate and deactivating a user fail and
// change nothing; while the action's own table refuses it, no entry is
// written either. Once both are allowed, each action and its entry are kept.
func TestActionAndAuditCommitTogether(t *testing.T) {
	ctx := context.Background()
	w := mustWorld(t)
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
	allow := w.refuse(t, "audit", "INSERT")
	if _, err := w.svc.RecordPaper(ctx, w.admin, paper); err == nil {
		t.Error("a paper record was accepted while its audit entry could not be written")
	}
	if recorded() {
		t.Error("the paper record was kept without its audit entry")
	}
	allow()
	before := entries()
	allow = w.refuse(t, "signatures", "INSERT")
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
	allow = w.refuse(t, "audit", "INSERT")
	if _, err := w.svc.Revoke(ctx, w.admin, sig.Code, "Lembar milik orang lain"); err == nil {
		t.Error("a revocation was accepted while its audit entry could not be written")
	}
	if revoked() {
		t.Error("the revocation was kept without its audit entry")
	}
	allow()
	before = entries()
	allow = w.refuse(t, "revocations", "INSERT")
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
	allow = w.refuse(t, "audit", "INSERT")
	if _, err := w.svc.SetUserActive(ctx, w.admin, u.ID, false); err == nil {
		t.Error("a deactivation was accepted while its audit entry could not be written")
	}
	if !active() {
		t.Error("the user was deactivated without an audit entry")
	}
	allow()
	before = entries()
	allow = w.refuse(t, "users", "UPDATE")
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
