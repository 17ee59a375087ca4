package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestTamperWhatPeopleRead edits, in a copy of a registry, what a
// certificate and its verification page show — the event as signed, the
// signer's position, unit, rank and organization, the pledge text, the
// issued PDF's fingerprint, a revocation's reason — and checks that the
// local audit and the page's verdict (through the real handler) both
// catch each edit and name it.
func TestTamperWhatPeopleRead(t *testing.T) {
	r := newTrustRegistry(t)
	for range 3 {
		r.sign(t)
	}
	s := r.sigs
	pdf := []byte("%PDF-1.7 the certificate of the first record\n")
	sum := sha256.Sum256(pdf)
	if ok, err := r.a.db.StorePDF(t.Context(), registry.IssuedPDF{SignatureID: s[0].ID, PDF: pdf, SHA256: hex.EncodeToString(sum[:])}); err != nil || !ok {
		t.Fatalf("store certificate: %v %v", ok, err)
	}
	r.revoke(t, 1)
	// An erased record keeps its leaves valid: its issuance's too.
	erased := r.sign(t)
	pdf2 := []byte("%PDF-1.7 the certificate of an erased record\n")
	sum2 := sha256.Sum256(pdf2)
	if ok, err := r.a.db.StorePDF(t.Context(), registry.IssuedPDF{SignatureID: erased.ID, PDF: pdf2, SHA256: hex.EncodeToString(sum2[:])}); err != nil || !ok {
		t.Fatalf("store certificate: %v %v", ok, err)
	}
	if err := r.a.db.EraseSignature(t.Context(), erased.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	r.checkpoint(t)
	keyFile := writeKeyFile(t, r.dir)
	r.close()
	// Leaves: 0-2 the signatures, 3 the issuance of s[0], 4 the revocation
	// of s[1], 5 the erased record, 6 its issuance.
	other := strings.Repeat("0a", 32)
	tests := []struct {
		name   string
		tamper func(exec func(q string, args ...any) sql.Result)
		audit  string // the first problem the audit reports
		code   string // the record whose verdict is checked
		failed string // the checks its verdict fails
	}{
		{"clean", func(func(string, ...any) sql.Result) {}, "", s[2].Code, ""},
		{"clean, the erased record", func(func(string, ...any) sql.Result) {}, "", erased.Code, ""},
		{"erased record's kept fingerprint", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET pdf_hash = ? WHERE id = ?`, other, erased.ID)
		}, fmt.Sprintf("issuance of %s: row edited out of band: it no longer matches leaf 6", rowName(erased)), erased.Code, "issuance"},
		{"event title as signed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET event_title = 'Apel Kampanye' WHERE id = ?`, s[2].ID)
		}, rowName(s[2]) + ": row edited out of band: it no longer matches leaf 2", s[2].Code, "leaf"},
		{"event organization as signed", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET event_org = 'Partai X' WHERE id = ?`, s[2].ID)
		}, rowName(s[2]) + ": row edited out of band: it no longer matches leaf 2", s[2].Code, "leaf"},
		{"signer's organization", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET org_name = 'Dinas Lain' WHERE id = ?`, s[2].ID)
		}, rowName(s[2]) + ": row edited out of band: it no longer matches leaf 2", s[2].Code, "leaf"},
		{"position", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET position = 'Kepala Dinas' WHERE id = ?`, s[2].ID)
		}, rowName(s[2]) + ": position, rank or unit edited out of band", s[2].Code, "record"},
		{"unit", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET unit = 'Bagian Lain' WHERE id = ?`, s[2].ID)
		}, rowName(s[2]) + ": position, rank or unit edited out of band", s[2].Code, "record"},
		{"rank", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET rank = 'Pembina Utama (IV/e)' WHERE id = ?`, s[2].ID)
		}, rowName(s[2]) + ": position, rank or unit edited out of band", s[2].Code, "record"},
		{"holder hash replaced, unit edited", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET unit = 'Bagian Lain', holder_hash = ? WHERE id = ?`, other, s[2].ID)
		}, rowName(s[2]) + ": ", s[2].Code, "leaf record"},
		{"pledge text", func(exec func(string, ...any) sql.Result) {
			exec(`DROP TRIGGER pledges_immutable`)
			exec(`UPDATE pledges SET closing = 'Demikian, dan pilihlah calon nomor 2.' WHERE hash = ?`, s[2].PledgeHash)
		}, "pledge ", s[2].Code, "pledge"},
		{"issued PDF's fingerprint", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE signatures SET pdf_hash = ? WHERE id = ?`, other, s[0].ID)
		}, fmt.Sprintf("issuance of %s: row edited out of band: it no longer matches leaf 3", rowName(s[0])), s[0].Code, "issuance"},
		{"issuance deleted", func(exec func(string, ...any) sql.Result) {
			exec(`DELETE FROM issuances WHERE signature_id = ?`, s[0].ID)
			// Its leaf is then claimed by no row: the registry refuses to
			// sign a revocation list, and every verdict says so.
		}, "leaf 3: no row claims it", s[0].Code, "revocation_list issuance"},
		// The live event row is not what the record shows: its snapshot is.
		{"live event row", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE events SET title = 'Kampanye Pasangan Calon', place = 'Markas Partai' WHERE id = ?`, s[2].EventID)
		}, "", s[2].Code, ""},
		{"revocation reason", func(exec func(string, ...any) sql.Result) {
			exec(`UPDATE revocations SET reason = 'Alasan lain' WHERE signature_id = ?`, s[1].ID)
		}, fmt.Sprintf("revocation %d of %s: row edited out of band: it no longer matches leaf 4", s[1].Revocation.ID, rowName(s[1])), s[1].Code, "revocation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auditTampered(t, r.dir, tt.tamper, func() string { return tt.audit }, true, keyFile)

			dir := copyDataDir(t, r.dir)
			tamperDB(t, dir, tt.tamper)
			a, err := openApp(t.Context(), dir, trustOrigin)
			if err != nil {
				t.Fatal(err)
			}
			served := &trustRegistry{dir: dir, a: a}
			t.Cleanup(served.close)
			base := served.serve(t)
			v := fetchVerdict(t, base, tt.code)
			if tt.name == "live event row" {
				_, body := httpGet(t, base+"/v/"+tt.code)
				page := string(body)
				if !strings.Contains(page, html.EscapeString(s[2].EventTitle)) || strings.Contains(page, "Kampanye") || strings.Contains(page, "Markas") {
					t.Errorf("the page shows the event row, not the record's snapshot %q", s[2].EventTitle)
				}
			}
			var failed []string
			if v.Verdict == nil {
				t.Fatal("the answer has no verdict")
			}
			for _, c := range v.Verdict.Checks {
				if !c.OK {
					failed = append(failed, c.Name)
				}
			}
			if got := strings.Join(failed, " "); got != tt.failed {
				t.Errorf("verdict of %s fails %q, want %q: %+v", tt.code, got, tt.failed, v.Verdict.Checks)
			}
			want := map[bool]string{true: "valid", false: "invalid"}[tt.failed == ""]
			if tt.code == s[1].Code {
				want = "revoked"
			}
			if v.Status != want {
				t.Errorf("status %q, want %q", v.Status, want)
			}
			// The page says so in its headline, naming what failed.
			_, body := httpGet(t, base+"/v/"+tt.code)
			page := string(body)
			// The server's banner (the browser's own box has the same
			// words in its data attributes).
			const invalid = "<strong>TIDAK SAH</strong><span>"
			if tt.failed != "" && (!strings.Contains(page, invalid) || strings.Contains(page, "<strong>SAH</strong>")) {
				t.Errorf("the page of %s does not say TIDAK SAH", tt.code)
			}
			if tt.failed == "" && strings.Contains(page, invalid) {
				t.Errorf("the page of %s says TIDAK SAH", tt.code)
			}
		})
	}
}

func fetchVerdict(t *testing.T, base, code string) onlineRecord {
	t.Helper()
	_, b := httpGet(t, base+"/api/v1/certificates/"+code)
	var v onlineRecord
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
