package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestMigrationToOfficial opens a database made before migration 015: its
// events read with no official NIP, and logos can be stored and are
// inherited down the organization tree.
func TestMigrationToOfficial(t *testing.T) {
	ctx := context.Background()
	old, path := atVersion(t, 12)
	pemda := &registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := old.CreateOrganization(ctx, pemda); err != nil {
		t.Fatal(err)
	}
	bkd := &registry.Organization{Name: "Badan Kepegawaian Daerah", Kind: registry.OrgAgency, ParentID: pemda.ID, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := old.CreateOrganization(ctx, bkd); err != nil {
		t.Fatal(err)
	}
	p := registry.DefaultPledge()
	if err := old.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	e := registry.Event{OrgID: bkd.ID, Slug: "s", Code: "ABCDEF", Title: "Apel", Mode: registry.ModeInPerson, Place: "Aula",
		StartsAt: time.Now(), PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := old.CreateEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	got, err := db.Event(ctx, e.ID)
	if err != nil || got.OfficialNIP != "" || got.Title != "Apel" {
		t.Fatalf("event made before the migration reads %+v, %v", got, err)
	}
	e2 := e
	e2.ID, e2.Slug, e2.Code, e2.OfficialNIP = 0, "s2", "GHJKLM", "197405052001081005"
	if err := db.CreateEvent(ctx, &e2); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Event(ctx, e2.ID); err != nil || got.OfficialNIP != e2.OfficialNIP {
		t.Errorf("official NIP reads %q, %v; want %q", got.OfficialNIP, err, e2.OfficialNIP)
	}

	logo := func(path string) (string, int64) {
		t.Helper()
		png, owner, err := db.OrgLogo(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		return string(png), owner
	}
	if png, _ := logo(bkd.Path); png != "" {
		t.Errorf("a logo before any was uploaded: %q", png)
	}
	if err := db.SetOrgLogo(ctx, pemda.ID, []byte("pemda"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if png, owner := logo(bkd.Path); png != "pemda" || owner != pemda.ID {
		t.Errorf("an office without a logo prints %q of %d, want its government's", png, owner)
	}
	if err := db.SetOrgLogo(ctx, bkd.ID, []byte("bkd"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.SetOrgLogo(ctx, bkd.ID, []byte("bkd2"), time.Now()); err != nil {
		t.Fatal(err)
	}
	if png, owner := logo(bkd.Path); png != "bkd2" || owner != bkd.ID {
		t.Errorf("an office with its own logo prints %q of %d", png, owner)
	}
	if png, _ := logo(pemda.Path); png != "pemda" {
		t.Errorf("the government prints %q, not its own", png)
	}
	if err := db.SetOrgLogo(ctx, bkd.ID, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if png, _ := logo(bkd.Path); png != "pemda" {
		t.Errorf("after removing its logo the office prints %q, want its government's", png)
	}
}
