package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// mustRevoke revokes the record with the given ID.
func mustRevoke(t *testing.T, db *sqlite.DB, id int64) {
	t.Helper()
	r := &registry.Revocation{SignatureID: id, Reason: "Ditandatangani orang lain", UserID: 1, UserName: "Admin",
		RevokedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if err := db.InsertRevocation(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// checkCounts compares what the dashboard (live counters), the API's stats
// and the participant list say about the event with want signed and
// revoked, and returns the participants.
func checkCounts(t *testing.T, f fixture, signed, revoked int) []registry.Participant {
	t.Helper()
	ctx := context.Background()
	st, err := f.db.EventStats(ctx, f.event)
	if err != nil {
		t.Fatal(err)
	}
	if st.Signed != signed || st.Revoked != revoked || st.Eligible != len(f.emps) {
		t.Errorf("stats %+v, want %d eligible, %d signed, %d revoked", st, len(f.emps), signed, revoked)
	}
	p, err := f.db.Progress(ctx, f.event, "/", time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if p.Signed() != signed || len(p.Latest) != signed {
		t.Errorf("dashboard counts %d signed with %d latest, want %d", p.Signed(), len(p.Latest), signed)
	}
	parts, err := f.db.Participants(ctx, f.event, "/")
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, pt := range parts {
		if pt.Signature != nil && !pt.Signature.Revoked() {
			done++
		}
	}
	if len(parts) != len(f.emps) || done != signed {
		t.Errorf("%d participants, %d of them signed; want each of the %d once and %d signed", len(parts), done, len(f.emps), signed)
	}
	return parts
}

// After a revocation the person signs again: a new standing record, the
// revoked one kept revoked. Phones that re-sign at once make one standing
// record; the others fail with a conflict, as a first signing's duplicates
// do. Every count follows: signed while a record stands, not signed while
// only a revoked one does.
func TestResignAfterRevocation(t *testing.T) {
	const phones = 8
	f := mustFixture(t, 3)
	ctx := context.Background()
	first := newSig(f, 0, "FIRST0000001")
	if err := f.db.InsertSignature(ctx, first); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, f, 1, 0)
	mustRevoke(t, f.db, first.ID)
	parts := checkCounts(t, f, 0, 1)
	for _, p := range parts {
		if p.Employee.ID == f.emps[0].ID && (p.Signature == nil || !p.Signature.Revoked()) {
			t.Errorf("the revoked signer's participant record is %+v, want the revoked one", p.Signature)
		}
	}
	prev, err := f.db.SignatureFor(ctx, f.event.ID, f.emps[0].ID)
	if err != nil || prev.Code != first.Code || !prev.Revoked() {
		t.Fatalf("SignatureFor after the revocation: %s revoked %v, %v; want the revoked %s", prev.Code, prev.Revoked(), err, first.Code)
	}

	for round := range 2 {
		var wg sync.WaitGroup
		errs := make([]error, phones)
		sigs := make([]*registry.Signature, phones)
		for i := range phones {
			sigs[i] = newSig(f, 0, fmt.Sprintf("R%dPHONE%05d", round, i))
			wg.Go(func() { errs[i] = f.db.InsertSignature(ctx, sigs[i]) })
		}
		wg.Wait()
		var won *registry.Signature
		for i, err := range errs {
			switch {
			case err == nil && won == nil:
				won = sigs[i]
			case err == nil:
				t.Fatalf("round %d: two standing records, %s and %s", round, won.Code, sigs[i].Code)
			case !registry.IsCode(err, registry.ECONFLICT):
				t.Fatalf("round %d: %v, want a conflict", round, err)
			}
		}
		if won == nil {
			t.Fatalf("round %d: no phone stored the new signing", round)
		}
		got, err := f.db.SignatureFor(ctx, f.event.ID, f.emps[0].ID)
		if err != nil || got.Code != won.Code || got.Revoked() {
			t.Fatalf("round %d: SignatureFor gives %s (revoked %v, %v), want the new %s", round, got.Code, got.Revoked(), err, won.Code)
		}
		parts := checkCounts(t, f, 1, round+1)
		for _, p := range parts {
			if p.Employee.ID == f.emps[0].ID && (p.Signature == nil || p.Signature.Code != won.Code) {
				t.Errorf("round %d: the participant list shows %+v, want the new record %s", round, p.Signature, won.Code)
			}
		}
		old, err := f.db.SignatureByCode(ctx, first.Code)
		if err != nil || !old.Revoked() {
			t.Errorf("round %d: the first record after re-signing: revoked %v, %v; want it still revoked", round, old.Revoked(), err)
		}
		if round == 0 {
			// Revoked again (a second impostor): she signs a third time.
			mustRevoke(t, f.db, won.ID)
			checkCounts(t, f, 0, 2)
		}
	}
	mustAuditLog(t, f, 5) // the first record, two new ones, two revocations
}

// A database made before migration 012 keeps every record, revocation,
// certificate and counter through it; the leaves recompute as logged; the
// revoked signer may then sign again while a standing record still allows
// no second one.
func TestMigrationToResign(t *testing.T) {
	ctx := context.Background()
	old, path := atVersion(t, 11)
	// The records below are written by today's code, which also fills the
	// paper columns of migration 013; a schema 11 table gets them, empty,
	// and 012's rebuild leaves them out before 013 adds them again.
	for _, q := range []string{`ALTER TABLE signatures ADD COLUMN scan_hash TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE signatures ADD COLUMN witness TEXT NOT NULL DEFAULT ''`} {
		if err := sqlite.ExecForTest(old, ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	f := fixture{db: old, path: path}
	org := &registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := old.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	p := registry.DefaultPledge()
	if err := old.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	var emps []registry.Employee
	for i := range 3 {
		emps = append(emps, registry.Employee{NIP: fmt.Sprintf("198609262015051%03d", i+1), Name: fmt.Sprintf("Pegawai %d", i),
			Unit: "Bagian Umum", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()})
	}
	if _, err := old.UpsertEmployees(ctx, org.ID, emps); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.emps, _, err = old.Employees(ctx, registry.EmployeeFilter{Scope: org.Path, Limit: 3}); err != nil {
		t.Fatal(err)
	}
	f.event = registry.Event{OrgID: org.ID, Slug: "s", Code: "ABCDEF", Title: "Apel", Mode: registry.ModeInPerson, Place: "Aula",
		StartsAt: time.Now(), PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := old.CreateEvent(ctx, &f.event); err != nil {
		t.Fatal(err)
	}
	var sigs []*registry.Signature
	for i := range 3 {
		s := newSig(f, i, fmt.Sprintf("OLD%09d", i))
		s.OrgName, s.Unit, s.Position, s.Rank = org.Name, "Bagian Umum", "Analis", "III/a"
		s.LeafVersion, s.EventTitle, s.EventPlace, s.EventStarts, s.EventOrg = 2, f.event.Title, f.event.Place, f.event.StartsAt.UTC().Truncate(time.Millisecond), org.Name
		if err := old.InsertSignature(ctx, s); err != nil {
			t.Fatal(err)
		}
		sigs = append(sigs, s)
	}
	if _, err := old.StorePDF(ctx, issuedPDF(sigs[0].ID, "%PDF kept")); err != nil {
		t.Fatal(err)
	}
	mustRevoke(t, old, sigs[1].ID)
	const dump = `SELECT id, event_id, employee_id, code, nip, name, position, rank, unit, org_name, category, pledge_hash, ink_kind,
		hex(ink), consent, signed_at, channel, client_ip, user_agent, hex(identity_salt), identity_hash, leaf_index, pdf_hash, erased_at,
		claim_token, legacy_pdf_hash, leaf_version, event_title, event_place, event_starts, event_org, holder_hash FROM signatures ORDER BY id`
	others := []string{`SELECT * FROM revocations ORDER BY id`, `SELECT signature_id, hex(pdf) FROM certificate_pdfs`,
		`SELECT * FROM issuances`, `SELECT * FROM ops_signed ORDER BY 1, 2, 3`, `SELECT * FROM ops_minutes ORDER BY 1, 2, 3`}
	before, err := sqlite.DumpForTest(old, ctx, append([]string{dump}, others...)...)
	if err != nil {
		t.Fatal(err)
	}
	leavesBefore, err := old.LeafRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	f.db = db
	after, err := sqlite.DumpForTest(db, ctx, append([]string{dump}, others...)...)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("rows changed by the migration:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	flags, err := sqlite.DumpForTest(db, ctx, `SELECT code, revoked FROM signatures ORDER BY id`)
	if err != nil || flags != "OLD000000000|0\nOLD000000001|1\nOLD000000002|0\n" {
		t.Errorf("revoked flags after the migration:\n%s(%v)\nwant only OLD000000001 flagged", flags, err)
	}
	leavesAfter, err := db.LeafRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(leavesAfter) != len(leavesBefore) {
		t.Fatalf("%d leaves after the migration, %d before", len(leavesAfter), len(leavesBefore))
	}
	for i := range leavesBefore {
		if leavesAfter[i].Entry.Hash() != leavesBefore[i].Entry.Hash() {
			t.Errorf("leaf %d (%s) recomputes differently after the migration", i, leavesAfter[i].What)
		}
	}
	mustAuditLog(t, f, 5) // three records, an issuance, a revocation
	checkCounts(t, f, 2, 1)

	again := newSig(f, 1, "NEW000000001")
	if err := db.InsertSignature(ctx, again); err != nil {
		t.Fatalf("re-signing after a revocation made before the migration: %v", err)
	}
	if err := db.InsertSignature(ctx, newSig(f, 0, "DUP000000000")); !registry.IsCode(err, registry.ECONFLICT) {
		t.Errorf("a second record beside a standing one: %v, want a conflict", err)
	}
	checkCounts(t, f, 3, 1)
	mustAuditLog(t, f, 6)
}
