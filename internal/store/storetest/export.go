package storetest

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The counts of an event: eligible employees, standing records, revoked
// ones and standing paper ones, for the whole event and for a part of its
// subtree; the participant list shows each eligible employee once, with
// the record that stands for them.
func testParticipantsAndStats(t *testing.T, s Store) {
	tr := mustTree(t, s)
	p := mustPledge(t, s, pledgeText("Ikrar", 0))
	mustImport(t, s, tr.regency1.ID, employee(nip(1), "Ani", "A"), employee(nip(2), "Budi", "A"))
	pppk := employee(nip(3), "Citra", "B")
	pppk.Category = registry.CategoryPPPK
	gone := employee(nip(5), "Eko", "B")
	gone.Active = false
	mustImport(t, s, tr.agency.ID, pppk, employee(nip(4), "Dewi", "B"), gone)
	e := event(tr.regency1.ID, p.ID, "apel", at)
	e.Categories = []registry.Category{registry.CategoryPNS}
	e = mustEvent(t, s, e)
	all, _, err := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.regency1.Path})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]registry.Employee{}
	for _, em := range all {
		byName[em.Name] = em
	}
	w := world{event: e, emps: []registry.Employee{byName["Ani"], byName["Budi"], byName["Dewi"]}}
	ani := mustSign(t, s, w.signing(0, "ANI000000001"))
	mustSign(t, s, w.signing(1, "BUDI00000001"))
	paper := w.signing(2, "DEWI00000001")
	scan := []byte("a scanned sheet")
	sum := sha256.Sum256(scan)
	paper.Channel, paper.Witness, paper.ScanHash = registry.ChannelPaper, "Rina", hex.EncodeToString(sum[:])
	paper.Scan = &registry.PaperScan{ContentType: "image/png", Data: scan}
	mustSign(t, s, paper)
	mustRevoke(t, s, ani.ID)

	for _, c := range []struct {
		scope string
		want  registry.EventStats
	}{
		// Citra is PPPK and Eko inactive: neither may sign.
		{"/", registry.EventStats{Eligible: 3, Signed: 2, Revoked: 1, Paper: 1}},
		{tr.regency1.Path, registry.EventStats{Eligible: 3, Signed: 2, Revoked: 1, Paper: 1}},
		{tr.agency.Path, registry.EventStats{Eligible: 1, Signed: 1, Revoked: 0, Paper: 1}},
	} {
		st, err := s.ScopedEventStats(ctx, e, c.scope)
		if err != nil || st != c.want {
			t.Errorf("stats in %s: %+v, %v; want %+v", c.scope, st, err, c.want)
		}
	}
	if st, err := s.EventStats(ctx, e); err != nil || st.Eligible != 3 || st.Signed != 2 {
		t.Errorf("EventStats: %+v, %v", st, err)
	}
	parts, err := s.Participants(ctx, e, "/")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pt := range parts {
		state := "-"
		if pt.Signature != nil {
			state = pt.Signature.Code + "/" + string(pt.Signature.Channel)
			if pt.Signature.Revoked() {
				state += "/revoked"
			}
		}
		got = append(got, pt.Employee.Name+":"+state)
	}
	want := []string{"Ani:ANI000000001/event_code/revoked", "Budi:BUDI00000001/event_code", "Dewi:DEWI00000001/paper"}
	if !slices.Equal(got, want) {
		t.Errorf("participants %v, want %v", got, want)
	}
}

// An uploaded list narrows eligibility in every place that counts it;
// clearing it restores the subtree.
func testParticipantList(t *testing.T, s Store) {
	w := mustWorld(t, s, 5)
	wantEligible := func(n int, listed ...bool) {
		t.Helper()
		st, err := s.EventStats(ctx, w.event)
		if err != nil || st.Eligible != n {
			t.Fatalf("eligible %d (%v), want %d", st.Eligible, err, n)
		}
		parts, err := s.Participants(ctx, w.event, "/")
		if err != nil || len(parts) != n {
			t.Fatalf("%d participants (%v), want %d", len(parts), err, n)
		}
		for i, want := range listed {
			if got, err := s.Listed(ctx, w.event.ID, w.emps[i].ID); err != nil || got != want {
				t.Errorf("employee %d listed %v (%v), want %v", i, got, err, want)
			}
		}
	}
	wantEligible(5, true, true, true)
	if err := s.SetEventParticipants(ctx, w.event.ID, []int64{w.emps[0].ID, w.emps[1].ID, w.emps[1].ID}); err != nil {
		t.Fatal(err)
	}
	wantEligible(2, true, true, false)
	if l, err := s.ParticipantList(ctx, w.event.ID); err != nil || l != (registry.ParticipantList{Active: true, Size: 2}) {
		t.Errorf("list %+v (%v)", l, err)
	}
	// A new list replaces the old one.
	if err := s.SetEventParticipants(ctx, w.event.ID, []int64{w.emps[2].ID}); err != nil {
		t.Fatal(err)
	}
	wantEligible(1, false, false, true)
	// Someone who signed stays a participant when taken off the list.
	mustSign(t, s, w.signing(0, "LISTSIGNED01"))
	if parts, err := s.Participants(ctx, w.event, "/"); err != nil || len(parts) != 2 {
		t.Errorf("%d participants (%v), want the listed one and the signer", len(parts), err)
	}
	if err := s.ClearEventParticipants(ctx, w.event.ID); err != nil {
		t.Fatal(err)
	}
	wantEligible(5, true, true, true)
	if l, err := s.ParticipantList(ctx, w.event.ID); err != nil || l.Active || l.Size != 0 {
		t.Errorf("list after clearing %+v (%v)", l, err)
	}
	wantCode(t, "the list of a missing event", s.SetEventParticipants(ctx, 9999, nil), registry.ENOTFOUND)
	wantCode(t, "clearing the list of a missing event", s.ClearEventParticipants(ctx, 9999), registry.ENOTFOUND)
}

// NIPs resolve inside a scope, nearest government first.
func testEmployeeIDsByNIP(t *testing.T, s Store) {
	tr := mustTree(t, s)
	mustImport(t, s, tr.province.ID, employee(nip(1), "Siti (provinsi)", "A"))
	mustImport(t, s, tr.regency1.ID, employee(nip(1), "Siti (kabupaten)", "A"), employee(nip(2), "Budi", "A"))
	provincial, _ := s.EmployeeByNIP(ctx, tr.province.Path, nip(1))
	regency, _ := s.EmployeeByNIP(ctx, tr.regency1.Path, nip(1))
	budi, _ := s.EmployeeByNIP(ctx, tr.regency1.Path, nip(2))
	for _, c := range []struct {
		scope string
		want  map[string]int64
	}{
		{tr.province.Path, map[string]int64{nip(1): provincial.ID, nip(2): budi.ID}},
		{tr.regency1.Path, map[string]int64{nip(1): regency.ID, nip(2): budi.ID}},
		{tr.regency2.Path, map[string]int64{}},
	} {
		got, err := s.EmployeeIDsByNIP(ctx, c.scope, []string{nip(1), nip(2), nip(9)})
		if err != nil || !mapsEqual(got, c.want) {
			t.Errorf("EmployeeIDsByNIP(%s): %v, %v; want %v", c.scope, got, err, c.want)
		}
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func testLinkGenerations(t *testing.T, s Store) {
	w := mustWorld(t, s, 3)
	for want := 1; want <= 3; want++ {
		if gen, err := s.NextLinkGeneration(ctx, w.event.ID, w.emps[1].ID); err != nil || gen != want {
			t.Fatalf("generation %d (%v), want %d", gen, err, want)
		}
	}
	if gen, err := s.LinkGeneration(ctx, w.event.ID, w.emps[1].ID); err != nil || gen != 3 {
		t.Errorf("LinkGeneration %d (%v), want 3", gen, err)
	}
	gens, err := s.LinkGenerations(ctx, w.event.ID)
	if err != nil || len(gens) != 1 || gens[w.emps[1].ID] != 3 || gens[w.emps[0].ID] != 0 {
		t.Errorf("LinkGenerations %v (%v)", gens, err)
	}
}

// EachSignature gives every record once, ordered by unit and name (byte
// order) across its batches, and honours the unit and the scope.
func testEachSignature(t *testing.T, s Store) {
	const n = 300
	w := mustWorld(t, s, n)
	units := []string{"Dinas Pendidikan", "Bagian Hukum", "Sekretariat", "bagian umum"}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		sig := w.signing(i, fmt.Sprintf("EACH%08d", i))
		sig.Unit = units[i%len(units)]
		wg.Go(func() { errs[i] = s.InsertSignature(ctx, sig) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	collect := func(q registry.SignatureQuery) []registry.Signature {
		t.Helper()
		var out []registry.Signature
		if err := s.EachSignature(ctx, q, func(s registry.Signature) error { out = append(out, s); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := collect(registry.SignatureQuery{EventID: w.event.ID, Scope: "/"})
	if len(all) != n {
		t.Fatalf("%d records, want %d", len(all), n)
	}
	seen := map[string]bool{}
	for i, sg := range all {
		if seen[sg.Code] || sg.Code == "" || sg.Ink.Kind != registry.InkTyped || sg.Ink.Typed == "" {
			t.Fatalf("record %d: %+v (seen %v)", i, sg, seen[sg.Code])
		}
		seen[sg.Code] = true
	}
	if !slices.IsSortedFunc(all, func(a, b registry.Signature) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	}) {
		t.Error("records not ordered by unit, name and ID")
	}
	if got := collect(registry.SignatureQuery{EventID: w.event.ID, Scope: "/", Unit: "Bagian Hukum"}); len(got) != n/4 {
		t.Errorf("%d records of one unit, want %d", len(got), n/4)
	}
	if got := collect(registry.SignatureQuery{EventID: w.event.ID, Scope: "/999/"}); len(got) != 0 {
		t.Errorf("%d records outside the scope", len(got))
	}
	stop := fmt.Errorf("stop")
	calls := 0
	err := s.EachSignature(ctx, registry.SignatureQuery{EventID: w.event.ID, Scope: "/"}, func(registry.Signature) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("an error from fn: %v after %d calls, want it at once", err, calls)
	}
}

// Many certificates stored at once are each logged as issued once.
func testStorePDFs(t *testing.T, s Store) {
	w := mustWorld(t, s, 3)
	var pdfs []registry.IssuedPDF
	for i := range 3 {
		sig := mustSign(t, s, w.signing(i, fmt.Sprintf("BULK%08d", i)))
		pdfs = append(pdfs, issuedPDF(sig.ID, fmt.Sprintf("%%PDF-1.4 %d", i)))
	}
	if err := s.StorePDFs(ctx, pdfs[:2]); err != nil {
		t.Fatal(err)
	}
	// Again, with one not stored yet: the stored ones change nothing.
	if err := s.StorePDFs(ctx, pdfs); err != nil {
		t.Fatal(err)
	}
	for _, p := range pdfs {
		if pdf, err := s.IssuedPDF(ctx, p.SignatureID); err != nil || string(pdf) != string(p.PDF) {
			t.Errorf("certificate of %d: %q, %v", p.SignatureID, pdf, err)
		}
	}
	bad := pdfs[0]
	bad.SHA256 = pdfs[1].SHA256
	if err := s.StorePDFs(ctx, []registry.IssuedPDF{bad}); err == nil {
		t.Error("a certificate whose fingerprint is not its bytes' was accepted")
	}
	mustAuditLog(t, s, 6)
}
