package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
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

// TestVerifyDocumentOnline: `ikrar verify --document` proves a signed
// Berita Acara's SHA-256 in the registry's log from outside, recomputing
// its leaf; another file, or the right file for another event, is not
// proved.
func TestVerifyDocumentOnline(t *testing.T) {
	r := newTrustRegistry(t)
	r.sign(t)
	const body = "%PDF-1.7 the signed Berita Acara"
	sum := sha256.Sum256([]byte(body))
	d := registry.EventDocument{EventID: r.event.ID, Purpose: registry.PurposeBeritaAcara, SHA256: hex.EncodeToString(sum[:]),
		UploadedBy: 1, UploaderName: "Operator", UploadedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := r.a.db.AddEventDocument(t.Context(), &d, []byte(body)); err != nil {
		t.Fatal(err)
	}
	r.checkpoint(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	good := writeTrustFile(t, "ba.pdf", []byte(body))
	other := writeTrustFile(t, "lain.pdf", []byte(body+" "))
	event := fmt.Sprint(r.event.ID)
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"the kept file", []string{good, "--event", event}, 0, []string{"DOKUMEN TERCATAT / DOCUMENT LOGGED: berita-acara acara " + event, "HASIL / RESULT: SAH / VALID"}},
		{"another file", []string{other, "--event", event}, 1, []string{"DOKUMEN TIDAK TERCATAT", "bukan dokumen yang disimpan untuk acara " + event}},
		{"another event", []string{good, "--event", fmt.Sprint(r.event.ID + 1)}, 1, []string{"DOKUMEN TIDAK TERCATAT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"verify", "--document"}, tc.args...)
			code, out := runTrust(t, append(args, "--key", keyFile, "--online", base, "--no-state")...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
			}
			for _, w := range tc.wants {
				if !strings.Contains(out, w) {
					t.Errorf("output does not say %q:\n%s", w, out)
				}
			}
		})
	}
}
