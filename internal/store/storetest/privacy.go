package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// An erased record keeps only what its leaf and the public verdict need:
// the log still recomputes; the certificate, the scan and the link to the
// roster are gone; it counts for no one; it is erased once.
func testEraseSignature(t *testing.T, s Store) {
	w := mustWorld(t, s, 2)
	sig := w.signing(0, "ERASED000001")
	scan := []byte("a scanned sheet")
	sum := sha256.Sum256(scan)
	sig.Channel, sig.Witness, sig.ScanHash = registry.ChannelPaper, "Rina", hex.EncodeToString(sum[:])
	sig.Scan = &registry.PaperScan{ContentType: "image/png", Data: scan}
	mustSign(t, s, sig)
	mustSign(t, s, w.signing(1, "KEPT00000001"))
	pdf := issuedPDF(sig.ID, "%PDF-1.4 erased")
	if stored, err := s.StorePDF(ctx, pdf); err != nil || !stored {
		t.Fatalf("store certificate: %v, %v", stored, err)
	}
	if st, err := s.EventStats(ctx, w.event); err != nil || st.Signed != 2 || st.Paper != 1 {
		t.Fatalf("stats before erasing: %+v, %v", st, err)
	}
	erasedAt := at.Add(24 * time.Hour)
	if err := s.EraseSignature(ctx, sig.ID, erasedAt); err != nil {
		t.Fatal(err)
	}
	got, err := s.SignatureByCode(ctx, sig.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.NIP != "" || got.Name != "" || got.Unit != "" || got.EmployeeID != 0 || got.Witness != "" || got.ClientIP != "" ||
		got.Ink.Kind != registry.InkErased || got.IdentitySalt != nil || !got.ErasedAt.Equal(erasedAt) {
		t.Errorf("erased record still holds personal data: %+v", got)
	}
	if got.PDFHash != pdf.SHA256 || got.ScanHash != sig.ScanHash || got.IdentityHash != sig.IdentityHash {
		t.Errorf("the erasure dropped what the leaves commit to: %+v", got)
	}
	_, err = s.IssuedPDF(ctx, sig.ID)
	wantCode(t, "the certificate of an erased record", err, registry.ENOTFOUND)
	_, err = s.PaperScan(ctx, sig.ID)
	wantCode(t, "the scan of an erased record", err, registry.ENOTFOUND)
	_, err = s.SignatureFor(ctx, w.event.ID, w.emps[0].ID)
	wantCode(t, "the signer's record after erasure", err, registry.ENOTFOUND)
	if st, err := s.EventStats(ctx, w.event); err != nil || st.Signed != 1 || st.Paper != 0 {
		t.Errorf("stats after erasing: %+v, %v; want the other record only", st, err)
	}
	wantCode(t, "erasing twice", s.EraseSignature(ctx, sig.ID, erasedAt), registry.ECONFLICT)
	mustAuditLog(t, s, 3)
}

// Erasing an employee erases each of their records and removes them from
// the roster with their links and list entries.
func testEraseEmployee(t *testing.T, s Store) {
	w := mustWorld(t, s, 2)
	first := mustSign(t, s, w.signing(0, "GONE00000001"))
	mustRevoke(t, s, first.ID)
	second := mustSign(t, s, w.signing(0, "GONE00000002"))
	if _, err := s.NextLinkGeneration(ctx, w.event.ID, w.emps[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetEventParticipants(ctx, w.event.ID, []int64{w.emps[0].ID, w.emps[1].ID}); err != nil {
		t.Fatal(err)
	}
	codes, err := s.EraseEmployee(ctx, w.emps[0].ID, at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []string{first.Code, second.Code}) {
		t.Errorf("erased %v, want %v", codes, []string{first.Code, second.Code})
	}
	_, err = s.Employee(ctx, w.emps[0].ID)
	wantCode(t, "an erased employee", err, registry.ENOTFOUND)
	if l, err := s.ParticipantList(ctx, w.event.ID); err != nil || l.Size != 1 {
		t.Errorf("participant list %+v, %v; want the other employee only", l, err)
	}
	if gens, err := s.LinkGenerations(ctx, w.event.ID); err != nil || len(gens) != 0 {
		t.Errorf("link generations %v, %v; want none", gens, err)
	}
	for _, c := range codes {
		if got, err := s.SignatureByCode(ctx, c); err != nil || got.Name != "" || !got.Erased() {
			t.Errorf("record %s after erasing its employee: %+v, %v", c, got, err)
		}
	}
	_, err = s.EraseEmployee(ctx, w.emps[0].ID, at)
	wantCode(t, "erasing an employee twice", err, registry.ENOTFOUND)
	mustAuditLog(t, s, 3)
}

// An event past its retention date has its records erased, once.
func testRetention(t *testing.T, s Store) {
	w := mustWorld(t, s, 3)
	for i := range 3 {
		mustSign(t, s, w.signing(i, "KEEP0000000"+string(rune('0'+i))))
	}
	if until, err := s.EventRetention(ctx, w.event.ID); err != nil || !until.IsZero() {
		t.Errorf("retention before any: %v, %v", until, err)
	}
	until := at.Add(30 * 24 * time.Hour)
	if err := s.SetEventRetention(ctx, w.event.ID, until); err != nil {
		t.Fatal(err)
	}
	if got, err := s.EventRetention(ctx, w.event.ID); err != nil || !got.Equal(until) {
		t.Errorf("retention %v, %v; want %v", got, err, until)
	}
	if ids, err := s.ExpiredRetentions(ctx, until.Add(-time.Millisecond)); err != nil || len(ids) != 0 {
		t.Errorf("expired before the date: %v, %v", ids, err)
	}
	if ids, err := s.ExpiredRetentions(ctx, until); err != nil || !slices.Equal(ids, []int64{w.event.ID}) {
		t.Errorf("expired at the date: %v, %v", ids, err)
	}
	report := func() map[string]int {
		t.Helper()
		r, err := s.PersonalDataReport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, c := range r {
			out[c.Kind] += c.Count
		}
		return out
	}
	const withData = "Catatan ikrar dengan data pribadi (identitas, tanda tangan, alamat jaringan)"
	if n := report()[withData]; n != 3 {
		t.Errorf("report before: %d records with personal data, want 3", n)
	}
	codes, err := s.EraseEventRecords(ctx, w.event.ID, until)
	if err != nil || len(codes) != 3 {
		t.Fatalf("erased %v, %v; want 3 records", codes, err)
	}
	if ids, err := s.ExpiredRetentions(ctx, until.Add(time.Hour)); err != nil || len(ids) != 0 {
		t.Errorf("expired after the erasure: %v, %v", ids, err)
	}
	if n := report()[withData]; n != 0 {
		t.Errorf("report after: %d records with personal data, want 0", n)
	}
	if err := s.SetEventRetention(ctx, w.event.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.EventRetention(ctx, w.event.ID); err != nil || !got.IsZero() {
		t.Errorf("retention after clearing: %v, %v", got, err)
	}
	mustAuditLog(t, s, 3)
}

// An organization follows its nearest ancestor's privacy settings;
// turning stroke timing off drops the timing already kept in its events'
// drawings.
func testPrivacySettings(t *testing.T, s Store) {
	tr := mustTree(t, s)
	if p, err := s.PrivacySettings(ctx, tr.agency.ID); err != nil || p != (registry.PrivacySettings{OrgID: tr.agency.ID}) {
		t.Errorf("settings before any: %+v, %v", p, err)
	}
	on := registry.PrivacySettings{OrgID: tr.regency1.ID, Contact: "ppid@kab1.example.id", StrokeTiming: true}
	if n, err := s.SetPrivacySettings(ctx, on, at); err != nil || n != 0 {
		t.Fatalf("turning timing on: %d, %v", n, err)
	}
	if p, err := s.PrivacySettings(ctx, tr.agency.ID); err != nil || p.Contact != on.Contact || !p.StrokeTiming || p.OrgID != tr.agency.ID {
		t.Errorf("the agency's settings: %+v, %v; want its regency's", p, err)
	}
	p := mustPledge(t, s, pledgeText("Ikrar", 0))
	mustImport(t, s, tr.agency.ID, employee(nip(1), "Ani", "A"))
	ani, _ := s.EmployeeByNIP(ctx, tr.agency.Path, nip(1))
	w := world{event: mustEvent(t, s, event(tr.agency.ID, p.ID, "apel", at)), emps: []registry.Employee{ani}}
	sig := w.signing(0, "TIMED0000001")
	sig.Ink = registry.Ink{Kind: registry.InkStrokes, Strokes: []registry.Stroke{{Points: []registry.Point{{X: 1, Y: 2, T: 5}, {X: 3, Y: 4, T: 90}}}}}
	mustSign(t, s, sig)
	off := on
	off.StrokeTiming = false
	if n, err := s.SetPrivacySettings(ctx, off, at); err != nil || n != 1 {
		t.Fatalf("turning timing off: rewrote %d, %v; want 1", n, err)
	}
	recs, err := s.EmployeeSignatures(ctx, ani.ID)
	if err != nil || len(recs) != 1 {
		t.Fatalf("EmployeeSignatures: %d, %v", len(recs), err)
	}
	want := []registry.Stroke{{Points: []registry.Point{{X: 1, Y: 2}, {X: 3, Y: 4}}}}
	if got := recs[0].Ink.Strokes; len(got) != 1 || !slices.Equal(got[0].Points, want[0].Points) {
		t.Errorf("strokes after turning timing off: %+v, want %+v", got, want)
	}
	mustAuditLog(t, s, 1)
}
