package main

import (
	"bytes"
	"database/sql"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/scan"
)

// scanPNG is a w×h grey PNG, the scan of a signed sheet.
func scanPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(200 + i%50)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// paperRequest is a paper signature of emp with a small PNG scan.
func paperRequest(t *testing.T, e registry.Event, emp registry.Employee, witness string) registry.PaperRequest {
	t.Helper()
	s, err := scan.Check(scanPNG(t, 120, 170))
	if err != nil {
		t.Fatal(err)
	}
	return registry.PaperRequest{EventID: e.ID, NIP: emp.NIP, Witness: witness, Scan: s, ClientIP: "127.0.0.1", UserAgent: "trust test"}
}

// TestAuditCleanWithPaperSignatures takes a registry back to schema 12, as
// an ikrar before migration 013 left it; the migration keeps `ikrar audit`
// clean, and so do a paper signature, its revocation and a second paper
// signature of the same person. `ikrar verify --online` recomputes the
// paper record's leaf with its scan hash and catches a registry that
// answers another; the audit catches a scan replaced in the database.
func TestAuditCleanWithPaperSignatures(t *testing.T) {
	r := newTrustRegistry(t)
	for range 2 {
		r.sign(t)
	}
	r.checkpoint(t)
	r.close()
	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`DROP TABLE paper_scans`)
		exec(`ALTER TABLE signatures DROP COLUMN witness`)
		exec(`ALTER TABLE signatures DROP COLUMN scan_hash`)
		exec(`DELETE FROM schema_migrations WHERE version = 13`)
	})
	if code, out := runTrust(t, "migrate", "--data", r.dir); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 || !strings.Contains(out, "AUDIT BERSIH") {
		t.Fatalf("audit after migration 013: exit %d\n%s", code, out)
	}

	a, err := openApp(t.Context(), r.dir, trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	r.a, r.closed = a, false
	system := registry.Actor{User: registry.System, IP: "test"}
	emp := r.emps[r.next]
	first, err := a.svc.RecordPaper(t.Context(), system, paperRequest(t, r.event, emp, "Rina Marpaung, S.Sos."))
	if err != nil || first.Channel != registry.ChannelPaper || len(first.ScanHash) != 64 {
		t.Fatalf("paper signature: %+v, %v", first, err)
	}
	if _, err := a.svc.RecordPaper(t.Context(), system, paperRequest(t, r.event, emp, "Rina Marpaung, S.Sos.")); !registry.IsCode(err, registry.EALREADYSIGNED) {
		t.Errorf("a second paper signature: %v, want already_signed", err)
	}
	if _, err := a.svc.Revoke(t.Context(), system, first.Code, "Pindaian tertukar"); err != nil {
		t.Fatal(err)
	}
	again, err := a.svc.RecordPaper(t.Context(), system, paperRequest(t, r.event, emp, "Drs. Made Sudarsana"))
	if err != nil || again.Code == first.Code {
		t.Fatalf("paper signature after its revocation: %s, %v", again.Code, err)
	}
	st, err := a.db.EventStats(t.Context(), r.event)
	if err != nil || st.Signed != 3 || st.Revoked != 1 || st.Paper != 1 {
		t.Errorf("stats %+v (%v), want 3 signed, 1 revoked, 1 on paper", st, err)
	}
	r.checkpoint(t)

	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	stored := r.reload(t, again.Code)
	qr := r.qrText(t, stored, base)
	if code, out := runTrust(t, "verify", "--qr", qr, "--key", keyFile, "--online", base); code != 0 || !strings.Contains(out, "ok  ISI DAUN / LEAF CONTENTS") {
		t.Fatalf("verify --online of a paper record: exit %d\n%s", code, out)
	}
	// A registry that answers another scan hash beside the leaf.
	liar := editingRegistry(t, base, func(body []byte) []byte {
		return bytes.Replace(body, []byte(`"scan_sha256":"`+stored.ScanHash[:8]), []byte(`"scan_sha256":"00000000`), 1)
	})
	if code, out := runTrust(t, "verify", "--qr", qr, "--key", keyFile, "--online", liar); code != 1 || !strings.Contains(out, "[scan]") {
		t.Errorf("a registry answering another scan hash: exit %d\n%s", code, out)
	}
	r.close()
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 || !strings.Contains(out, "AUDIT BERSIH") {
		t.Fatalf("audit after paper signatures: exit %d\n%s", code, out)
	}
	// The audit through the store (PostgreSQL's, here on the same SQLite
	// file) checks the scans too.
	var viaStore bytes.Buffer
	if err := auditStore(t.Context(), r.dir, "", "", &viaStore, noProgress); err != nil || !strings.Contains(viaStore.String(), "paper scans:  2") {
		t.Fatalf("audit through the store after paper signatures: %v\n%s", err, viaStore.String())
	}

	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`UPDATE paper_scans SET scan = x'89504e47' WHERE signature_id = ?`, again.ID)
	})
	if code, out := runTrust(t, "audit", "--data", r.dir); code == 0 || !strings.Contains(out, "replaced out of band") {
		t.Errorf("audit after a scan was replaced: exit %d\n%s", code, out)
	}
	viaStore.Reset()
	if err := auditStore(t.Context(), r.dir, "", "", &viaStore, noProgress); err == nil || !strings.Contains(viaStore.String(), "replaced out of band") {
		t.Errorf("audit through the store after a scan was replaced: %v\n%s", err, viaStore.String())
	}
}
