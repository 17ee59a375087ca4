package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestEraseExpiredKeepsAuditClean: `ikrar erase-expired` erases the
// personal data of every record of an event past its retention date, as
// the single-record erasure does, leaves the records of other events as
// they were, reports what personal data remains, and `ikrar audit` stays
// clean after it. A second run finds nothing left to do.
func TestEraseExpiredKeepsAuditClean(t *testing.T) {
	r := newTrustRegistry(t)
	ctx := t.Context()
	sys := registry.Actor{User: registry.System, IP: "test"}
	for range 3 {
		r.sign(t)
	}
	r.revoke(t, 1)
	other := &registry.Event{OrgID: r.event.OrgID, Title: "Apel Kesiapsiagaan", Place: "Halaman Kantor", Mode: registry.ModeInPerson,
		StartsAt: time.Now(), OfficialName: "A", OfficialPosition: "Sekda"}
	if err := r.a.svc.CreateEvent(ctx, sys, other); err != nil {
		t.Fatal(err)
	}
	opened, err := r.a.svc.SetEventStatus(ctx, sys, other.ID, registry.StatusOpen, "")
	if err != nil {
		t.Fatal(err)
	}
	kept, _, err := r.a.svc.Sign(ctx, typedSignRequest(t, opened, r.emps[0]))
	if err != nil {
		t.Fatal(err)
	}
	// The demo event's retention date has passed; the other has a date
	// still to come.
	if err := r.a.db.SetEventRetention(ctx, r.event.ID, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := r.a.svc.SetEventRetention(ctx, sys, other.ID, time.Now().AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	r.checkpoint(t)
	r.close()

	code, out := runTrust(t, "erase-expired", "--data", r.dir)
	if code != 0 {
		t.Fatalf("erase-expired: exit %d\n%s", code, out)
	}
	for _, want := range []string{"1 acara melewati tanggal retensi", "3 catatan dihapus", "Data pribadi yang tersisa",
		"employees", "certificate_pdfs"} {
		if !strings.Contains(out, want) {
			t.Errorf("erase-expired output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "Catatan ikrar dengan data pribadi (identitas, tanda tangan, alamat jaringan)") ||
		!strings.Contains(out, "signatures                  1  Catatan ikrar dengan data pribadi") {
		t.Errorf("the report does not count the one record left with personal data:\n%s", out)
	}
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 || !strings.Contains(out, "AUDIT BERSIH") {
		t.Fatalf("audit after the erasure: exit %d\n%s", code, out)
	}
	if code, out := runTrust(t, "erase-expired", "--data", r.dir); code != 0 || !strings.Contains(out, "0 acara melewati tanggal retensi") {
		t.Errorf("a second run: exit %d\n%s", code, out)
	}

	a, err := openApp(ctx, r.dir, trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	r.a, r.closed = a, false
	for _, s := range r.sigs {
		got := r.reload(t, s.Code)
		if !got.Erased() || got.NIP != "" || got.Name != "" || got.ClientIP != "" || got.EmployeeID != 0 {
			t.Errorf("record %s of the expired event: erased %v, NIP %q, name %q, address %q", s.Code, got.Erased(), got.NIP, got.Name, got.ClientIP)
		}
		if got.IdentityHash != s.IdentityHash || got.LeafIndex != s.LeafIndex {
			t.Errorf("record %s lost what its leaf commits to", s.Code)
		}
	}
	if got := r.reload(t, r.sigs[1].Code); !got.Revoked() {
		t.Error("the revoked record is no longer revoked after the erasure")
	}
	if got := r.reload(t, kept.Code); got.Erased() || got.NIP != r.emps[0].NIP || got.ClientIP != "127.0.0.1" {
		t.Errorf("the other event's record was touched: erased %v, NIP %q, address %q", got.Erased(), got.NIP, got.ClientIP)
	}
}
