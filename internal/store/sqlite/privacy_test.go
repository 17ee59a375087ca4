package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Migration 016 on a database made before it: every organization starts
// with no privacy contact and stroke timing off, every event with no
// retention date; settings and dates are then kept and read back.
func TestMigrationToPDP(t *testing.T) {
	ctx := context.Background()
	old, path := atVersion(t, 12)
	org := &registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := old.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	p := registry.DefaultPledge()
	if err := old.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	e := registry.Event{OrgID: org.ID, Slug: "s", Code: "ABCDEF", Title: "Apel", Mode: registry.ModeInPerson, StartsAt: time.Now(),
		PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := old.CreateEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	if s, err := db.PrivacySettings(ctx, org.ID); err != nil || s != (registry.PrivacySettings{OrgID: org.ID}) {
		t.Fatalf("settings after the migration %+v (%v), want none", s, err)
	}
	if until, err := db.EventRetention(ctx, e.ID); err != nil || !until.IsZero() {
		t.Fatalf("retention after the migration %v (%v), want none", until, err)
	}
	want := registry.PrivacySettings{OrgID: org.ID, Contact: "ppid@uji.go.id", StrokeTiming: true}
	if _, err := db.SetPrivacySettings(ctx, want, time.Now()); err != nil {
		t.Fatal(err)
	}
	if s, err := db.PrivacySettings(ctx, org.ID); err != nil || s != want {
		t.Fatalf("settings read back as %+v (%v), want %+v", s, err, want)
	}
	// An agency without settings of its own follows its government's,
	// until it sets its own.
	agency := &registry.Organization{ParentID: org.ID, Name: "BKPSDM", Kind: registry.OrgAgency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := db.CreateOrganization(ctx, agency); err != nil {
		t.Fatal(err)
	}
	if s, err := db.PrivacySettings(ctx, agency.ID); err != nil || s.OrgID != agency.ID || !s.StrokeTiming || s.Contact != want.Contact {
		t.Fatalf("the agency's settings %+v (%v), want its government's", s, err)
	}
	own := registry.PrivacySettings{OrgID: agency.ID, Contact: "bkpsdm@uji.go.id"}
	if _, err := db.SetPrivacySettings(ctx, own, time.Now()); err != nil {
		t.Fatal(err)
	}
	if s, err := db.PrivacySettings(ctx, agency.ID); err != nil || s != own {
		t.Fatalf("the agency's own settings read back as %+v (%v), want %+v", s, err, own)
	}
	if s, err := db.PrivacySettings(ctx, org.ID); err != nil || s != want {
		t.Fatalf("the government's settings after its agency's: %+v (%v)", s, err)
	}
	until := time.Date(2027, 1, 31, 17, 0, 0, 0, time.UTC)
	if err := db.SetEventRetention(ctx, e.ID, until); err != nil {
		t.Fatal(err)
	}
	if got, err := db.EventRetention(ctx, e.ID); err != nil || !got.Equal(until) {
		t.Fatalf("retention read back as %v (%v), want %v", got, err, until)
	}
}
