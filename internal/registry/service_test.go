package registry_test

import (
	"context"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/storetest"
)

// world is a service on a real store (SQLite, or PostgreSQL with
// IKRAR_TEST_STORE=postgres) with one regency, two
// employees and an open event, and a clock the test moves.
type world struct {
	svc   *registry.Service
	admin registry.Actor
	event registry.Event
	emps  []registry.Employee
	now   *time.Time
	// refuse makes the database refuse a statement (storetest.Handle), for
	// a test that reaches under the store.
	refuse func(t *testing.T, table, op string) (allow func())
}

func mustWorld(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	h := storetest.Open(t) // SQLite, or PostgreSQL with IKRAR_TEST_STORE=postgres
	db := h.Store
	now := time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC)
	svc := registry.NewService(db, []byte("link-key-for-tests-0123456789abc"))
	svc.Hasher.WithParams(cheapPasswords)
	svc.Now = func() time.Time { return now }
	p := registry.DefaultPledge()
	if err := db.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	sys := registry.Actor{User: registry.System}
	org := &registry.Organization{Name: "Pemerintah Kabupaten Deli Serdang", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta"}
	if err := svc.CreateOrganization(ctx, sys, org); err != nil {
		t.Fatal(err)
	}
	emps := []registry.Employee{
		{NIP: "198609262015051001", Name: "Budi Santoso", Category: registry.CategoryPNS, Active: true},
		{NIP: "199001012020122002", Name: "Siti Aminah", Category: registry.CategoryPPPK, Active: true},
	}
	if _, err := svc.ImportEmployees(ctx, sys, org.ID, emps, false, nil); err != nil {
		t.Fatal(err)
	}
	all, _, err := db.Employees(ctx, registry.EmployeeFilter{Scope: org.Path})
	if err != nil {
		t.Fatal(err)
	}
	e := &registry.Event{OrgID: org.ID, Title: "Deklarasi", Place: "Aula", Mode: registry.ModeInPerson, StartsAt: now,
		OfficialName: "A", OfficialPosition: "Sekda", Categories: []registry.Category{registry.CategoryPNS}}
	if err := svc.CreateEvent(ctx, sys, e); err != nil {
		t.Fatal(err)
	}
	if *e, err = svc.SetEventStatus(ctx, sys, e.ID, registry.StatusOpen, ""); err != nil {
		t.Fatal(err)
	}
	return world{svc: svc, admin: sys, event: *e, emps: all, now: &now, refuse: h.Refuse}
}

func (w world) sign(t *testing.T, emp registry.Employee) (registry.Signature, bool, error) {
	t.Helper()
	return w.svc.Sign(context.Background(), registry.SignRequest{Event: w.event, Employee: emp, Consent: true,
		Ink: registry.Ink{Kind: registry.InkTyped, Typed: emp.Name}, Channel: registry.ChannelEventCode})
}

func TestSignOncePerEmployee(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	budi, err := w.svc.Identify(ctx, w.event, "19860926 201505 1 001", w.event.Code)
	if err != nil {
		t.Fatal(err)
	}
	first, existing, err := w.sign(t, budi)
	if err != nil || existing {
		t.Fatalf("first signing: existing=%v err=%v", existing, err)
	}
	if first.LeafIndex != 0 || first.IdentityHash == "" || first.Serial == "" {
		t.Fatalf("record not logged: leaf %d, identity %q, serial %q", first.LeafIndex, first.IdentityHash, first.Serial)
	}
	*w.now = w.now.Add(time.Minute)
	again, existing, err := w.sign(t, budi)
	if err != nil || !existing || again.Code != first.Code || !again.SignedAt.Equal(first.SignedAt) {
		t.Fatalf("second signing: existing=%v code %s (first %s) err=%v", existing, again.Code, first.Code, err)
	}
}

func TestIdentifyAndSigningRules(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	if _, err := w.svc.Identify(ctx, w.event, w.emps[0].NIP, "ZZZZZZ"); !registry.IsCode(err, registry.EWRONGCODE) {
		t.Errorf("wrong code: %v", err)
	}
	if _, err := w.svc.Identify(ctx, w.event, "198609262015051999", w.event.Code); !registry.IsCode(err, registry.ENOTELIGIBLE) {
		t.Errorf("unknown NIP: %v", err)
	}
	// The event is for PNS only: the PPPK employee is not a participant.
	siti := w.emps[0]
	if siti.Category != registry.CategoryPPPK {
		siti = w.emps[1]
	}
	if _, err := w.svc.Identify(ctx, w.event, siti.NIP, w.event.Code); !registry.IsCode(err, registry.ENOTELIGIBLE) {
		t.Errorf("category outside the event: %v", err)
	}
	budi, err := w.svc.Identify(ctx, w.event, w.emps[0].NIP, w.event.Code)
	if err != nil {
		budi, err = w.svc.Identify(ctx, w.event, w.emps[1].NIP, w.event.Code)
	}
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = w.svc.Sign(ctx, registry.SignRequest{Event: w.event, Employee: budi, Ink: registry.Ink{Kind: registry.InkTyped, Typed: "Budi"}})
	if !registry.IsCode(err, registry.ECONSENT) {
		t.Errorf("without consent: %v", err)
	}
	closed, err := w.svc.SetEventStatus(ctx, w.admin, w.event.ID, registry.StatusClosed, "")
	if err != nil {
		t.Fatal(err)
	}
	w.event = closed
	if _, _, err := w.sign(t, budi); !registry.IsCode(err, registry.ENOTOPEN) {
		t.Errorf("closed event: %v", err)
	}
	if _, err := w.svc.SetEventStatus(ctx, w.admin, w.event.ID, registry.StatusOpen, " "); !registry.IsCode(err, registry.EINVALID) {
		t.Errorf("reopening without a reason: %v", err)
	}
}

func TestPersonalLinkReissue(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	emp := w.emps[0]
	token := w.svc.PersonalToken(w.event, emp.ID, 0)
	got, err := w.svc.IdentifyLink(ctx, w.event, token)
	if err != nil || got.ID != emp.ID {
		t.Fatalf("IdentifyLink = %v, %v", got.ID, err)
	}
	other := w.event
	other.ID++
	if _, err := w.svc.IdentifyLink(ctx, other, token); !registry.IsCode(err, registry.ENOTELIGIBLE) {
		t.Errorf("a link of another event: %v", err)
	}
	if _, err := w.svc.IdentifyLink(ctx, w.event, token[:len(token)-1]+"A"); !registry.IsCode(err, registry.ENOTELIGIBLE) {
		t.Errorf("a tampered link: %v", err)
	}
}

func TestRevokeAppendsAndScopes(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	sig, _, err := w.sign(t, w.emps[0])
	if err != nil {
		sig, _, err = w.sign(t, w.emps[1])
	}
	if err != nil {
		t.Fatal(err)
	}
	viewer := registry.Actor{User: registry.User{ID: 9, Role: registry.RoleViewer, OrgPath: "/1/", Active: true}}
	if _, err := w.svc.Revoke(ctx, viewer, sig.Code, "salah orang"); !registry.IsCode(err, registry.EFORBIDDEN) {
		t.Errorf("viewer revoking: %v", err)
	}
	stranger := registry.Actor{User: registry.User{ID: 8, Role: registry.RoleAdmin, OrgPath: "/99/", Active: true}}
	if _, err := w.svc.Revoke(ctx, stranger, sig.Code, "salah orang"); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("admin of another regency revoking: %v", err)
	}
	if _, err := w.svc.Revoke(ctx, w.admin, sig.Code, "x"); !registry.IsCode(err, registry.EINVALID) {
		t.Errorf("revoking without a reason: %v", err)
	}
	r, err := w.svc.Revoke(ctx, w.admin, sig.Code, "Ditandatangani oleh orang lain")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Revoked() || r.Revocation.LeafIndex != sig.LeafIndex+1 {
		t.Fatalf("revocation not appended to the log: %+v", r.Revocation)
	}
	got, err := w.svc.Certificate(ctx, sig.Code)
	if err != nil || !got.Revoked() || got.Name != sig.Name {
		t.Fatalf("after revocation the record must remain and say revoked: %+v, %v", got, err)
	}
	if _, err := w.svc.Revoke(ctx, w.admin, sig.Code, "sekali lagi"); !registry.IsCode(err, registry.ECONFLICT) {
		t.Errorf("revoking twice: %v", err)
	}
}

func TestScheduleOpensAndCloses(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	start := w.now.Add(time.Hour)
	e := &registry.Event{OrgID: w.event.OrgID, Title: "Terjadwal", Place: "Aula", Mode: registry.ModeInPerson, StartsAt: start,
		SigningOpensAt: start, SigningClosesAt: start.Add(2 * time.Hour), OfficialName: "A", OfficialPosition: "Sekda"}
	if err := w.svc.CreateEvent(ctx, w.admin, e); err != nil {
		t.Fatal(err)
	}
	status := func() registry.EventStatus {
		t.Helper()
		got, err := w.svc.Store.Event(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	steps := []struct {
		at   time.Time
		want registry.EventStatus
	}{
		{start.Add(-time.Minute), registry.StatusDraft},
		{start, registry.StatusOpen},
		{start.Add(2*time.Hour - time.Millisecond), registry.StatusOpen},
		{start.Add(2 * time.Hour), registry.StatusClosed},
	}
	for _, st := range steps {
		*w.now = st.at
		if _, err := w.svc.ApplySchedule(ctx); err != nil {
			t.Fatal(err)
		}
		if got := status(); got != st.want {
			t.Fatalf("at %s: status %s, want %s", st.at.Format(time.RFC3339), got, st.want)
		}
	}
	// Reopened by hand after its window, it stays open: the officer decides.
	if _, err := w.svc.SetEventStatus(ctx, w.admin, e.ID, registry.StatusOpen, "peserta daring terlambat"); err != nil {
		t.Fatal(err)
	}
	*w.now = w.now.Add(time.Hour)
	if _, err := w.svc.ApplySchedule(ctx); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != registry.StatusOpen {
		t.Fatalf("a reopened event was closed again by the schedule: %s", got)
	}
}
