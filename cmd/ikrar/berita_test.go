package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestAuditSignedBeritaAcara: a registry made before documents existed
// (migration 014 taken back) migrates and audits clean; a signed Berita Acara kept
// afterwards, and its replacement, are leaves the audit recomputes from
// their rows; a fingerprint edited in the database is named.
func TestAuditSignedBeritaAcara(t *testing.T) {
	r := newTrustRegistry(t)
	r.sign(t)
	r.sign(t)
	r.checkpoint(t)
	r.close()
	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		exec(`DROP TABLE event_documents`)
		exec(`DROP TABLE event_witnesses`)
		exec(`DELETE FROM schema_migrations WHERE version = 14`)
	})
	if code, out := runTrust(t, "migrate", "--data", r.dir); code != 0 {
		t.Fatalf("migrate: exit %d\n%s", code, out)
	}
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 || !strings.Contains(out, "AUDIT BERSIH") {
		t.Fatalf("audit after migration 014: exit %d\n%s", code, out)
	}

	a, err := openApp(t.Context(), r.dir, trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	r.a, r.closed = a, false
	for _, body := range []string{"%PDF-1.7 signed once", "%PDF-1.7 signed again"} {
		sum := sha256.Sum256([]byte(body))
		d := registry.EventDocument{EventID: r.event.ID, Purpose: registry.PurposeBeritaAcara, SHA256: hex.EncodeToString(sum[:]),
			UploadedBy: 1, UploaderName: "Operator", UploadedAt: time.Now().UTC().Truncate(time.Millisecond)}
		if err := a.db.AddEventDocument(t.Context(), &d, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	r.checkpoint(t)
	r.close()
	code, out := runTrust(t, "audit", "--data", r.dir)
	if code != 0 || !strings.Contains(out, "AUDIT BERSIH") {
		t.Fatalf("audit with two documents: exit %d\n%s", code, out)
	}

	tamperDB(t, r.dir, func(exec func(q string, args ...any) sql.Result) {
		sum := sha256.Sum256([]byte("%PDF-1.7 a forged copy"))
		exec(`UPDATE event_documents SET sha256 = ? WHERE id = 1`, hex.EncodeToString(sum[:]))
	})
	code, out = runTrust(t, "audit", "--data", r.dir)
	if code == 0 || !strings.Contains(out, "document 1 (berita-acara of event") {
		t.Fatalf("audit after a document's fingerprint was edited: exit %d, want it named\n%s", code, out)
	}
}
