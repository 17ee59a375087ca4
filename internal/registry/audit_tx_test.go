package registry_test

import (
	"context"
	"fmt"
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

// committedTogether checks an admin action against its audit entry: while
// the audit table refuses entries, act fails and happened stays false;
// while table refuses op, act fails and leaves no entry; once both are
// allowed, act is kept with one entry of action and detail.
func committedTogether(t *testing.T, w world, table, op string, act func() error, happened func() bool, action, detail string) {
	t.Helper()
	ctx := context.Background()
	entries := func() []registry.AuditEntry {
		t.Helper()
		es, err := w.svc.Store.Audit(ctx, "/", 1000)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	allow := w.refuse(t, "audit", "INSERT")
	if err := act(); err == nil {
		t.Errorf("%s was accepted while its audit entry could not be written", action)
	}
	if happened() {
		t.Errorf("%s was kept without its audit entry", action)
	}
	allow()
	before := len(entries())
	allow = w.refuse(t, table, op)
	if err := act(); err == nil {
		t.Errorf("%s was accepted while %s refused it", action, table)
	}
	if n := len(entries()); n != before {
		t.Errorf("%s that failed left %d audit entries", action, n-before)
	}
	allow()
	if err := act(); err != nil {
		t.Fatal(err)
	}
	es := entries()
	if len(es) != before+1 || !happened() {
		t.Fatalf("%s kept: %v, with %d audit entries, want 1", action, happened(), len(es)-before)
	}
	if got := es[0]; got.Action != action || got.Detail != detail {
		t.Errorf("the entry is %s %q, want %s %q", got.Action, got.Detail, action, detail)
	}
}

// TestLongActionsAndAuditCommitTogether: the actions whose entry reports
// what their transaction did (records rewritten or erased, a link's new
// generation) or that run in several transactions (a roster import) also
// commit atomically with their entry, with the detail's final counts.
func TestLongActionsAndAuditCommitTogether(t *testing.T) {
	ctx := context.Background()
	signed := func(t *testing.T, w world) registry.Signature {
		t.Helper()
		sig, _, err := w.sign(t, w.emps[0])
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	erased := func(t *testing.T, w world, code string) func() bool {
		return func() bool {
			t.Helper()
			s, err := w.svc.Store.SignatureByCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			return s.Erased()
		}
	}

	t.Run("privacy settings", func(t *testing.T) {
		w := mustWorld(t)
		on := registry.PrivacySettings{OrgID: w.event.OrgID, StrokeTiming: true}
		if err := w.svc.SetPrivacySettings(ctx, w.admin, on); err != nil {
			t.Fatal(err)
		}
		drawn := registry.Ink{Kind: registry.InkStrokes, Strokes: []registry.Stroke{
			{Points: []registry.Point{{X: 10, Y: 20, T: 1_729_650_000_000}, {X: 15, Y: 22, T: 1_729_650_000_016}}}}}
		if _, _, err := w.svc.Sign(ctx, registry.SignRequest{Event: w.event, Employee: w.emps[0], Consent: true, Ink: drawn,
			Channel: registry.ChannelEventCode}); err != nil {
			t.Fatal(err)
		}
		off := func() bool {
			t.Helper()
			p, err := w.svc.Store.PrivacySettings(ctx, w.event.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			return !p.StrokeTiming
		}
		committedTogether(t, w, "signatures", "UPDATE",
			func() error {
				return w.svc.SetPrivacySettings(ctx, w.admin, registry.PrivacySettings{OrgID: w.event.OrgID})
			},
			off, "privacy.settings", "tanpa waktu goresan; waktu goresan 1 catatan dihapus")
	})

	t.Run("event retention", func(t *testing.T) {
		w := mustWorld(t)
		until := w.event.StartsAt.AddDate(0, 6, 0)
		set := func() bool {
			t.Helper()
			got, err := w.svc.Store.EventRetention(ctx, w.event.ID)
			if err != nil {
				t.Fatal(err)
			}
			return !got.IsZero()
		}
		committedTogether(t, w, "event_retention", "INSERT",
			func() error { return w.svc.SetEventRetention(ctx, w.admin, w.event.ID, until) },
			set, "event.retention", "2025-04-23")
	})

	t.Run("retention run", func(t *testing.T) {
		w := mustWorld(t)
		sig := signed(t, w)
		if err := w.svc.SetEventRetention(ctx, w.admin, w.event.ID, *w.now); err != nil {
			t.Fatal(err)
		}
		committedTogether(t, w, "event_retention", "UPDATE",
			func() error { _, err := w.svc.EraseExpired(ctx, w.admin); return err },
			erased(t, w, sig.Code), "retention.erase", "1 catatan")
	})

	t.Run("certificate erasure", func(t *testing.T) {
		w := mustWorld(t)
		sig := signed(t, w)
		committedTogether(t, w, "signatures", "UPDATE",
			func() error {
				_, _, err := w.svc.Erase(ctx, w.admin, sig.Code, "Permintaan pemilik data", false)
				return err
			},
			erased(t, w, sig.Code), "certificate.erase", "Permintaan pemilik data")
	})

	t.Run("person erasure", func(t *testing.T) {
		w := mustWorld(t)
		sig := signed(t, w)
		committedTogether(t, w, "employees", "DELETE",
			func() error {
				_, err := w.svc.ErasePerson(ctx, w.admin, w.event.OrgID, w.emps[0].NIP, "Permintaan pemilik data")
				return err
			},
			erased(t, w, sig.Code), "employee.erase", "Permintaan pemilik data · "+sig.Code)
	})

	t.Run("link reissue", func(t *testing.T) {
		w := mustWorld(t)
		emp := w.emps[0]
		reissued := func() bool {
			t.Helper()
			gen, err := w.svc.Store.LinkGeneration(ctx, w.event.ID, emp.ID)
			if err != nil {
				t.Fatal(err)
			}
			return gen > 0
		}
		committedTogether(t, w, "link_generations", "INSERT",
			func() error { _, _, err := w.svc.ReissueLink(ctx, w.admin, w.event.ID, emp.ID); return err },
			reissued, "link.reissue", fmt.Sprintf("employee:%d generasi 1", emp.ID))
	})

	t.Run("roster import", func(t *testing.T) {
		w := mustWorld(t)
		rows := []registry.Employee{
			{NIP: "198609262015051001", Name: "Budi Santoso, S.H.", Category: registry.CategoryPNS, Active: true},
			{NIP: "199001012020122002", Name: "Siti Aminah", Category: registry.CategoryPPPK, Active: true},
			{NIP: "198507172010011003", Name: "Rahmat Hidayat", Category: registry.CategoryPNS, Active: true},
		}
		imported := func() bool {
			t.Helper()
			_, err := w.svc.Store.EmployeeByNIP(ctx, "/", rows[2].NIP)
			if err != nil && !registry.IsCode(err, registry.ENOTFOUND) {
				t.Fatal(err)
			}
			return err == nil
		}
		// The rows are staged in transactions of their own before the
		// merge adds the new employee: the entry is the merge's.
		committedTogether(t, w, "employees", "INSERT",
			func() error {
				_, err := w.svc.ImportEmployees(ctx, w.admin, w.event.OrgID, rows, false, nil)
				return err
			},
			imported, "roster.import", "1 baru, 2 diperbarui, 0 ditolak")
	})
}
