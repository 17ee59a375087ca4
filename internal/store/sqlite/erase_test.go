package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// A reader holding a snapshot from before an erasure keeps the WAL from
// being truncated: the erasure stands, reports the scrub as pending, and
// the store completes it once the reader is gone.
func TestScrubWaitsForReaders(t *testing.T) {
	defer func(d time.Duration) { scrubWait = d }(scrubWait)
	scrubWait = 300 * time.Millisecond
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ikrar.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	org := &registry.Organization{Name: "Kab", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := db.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	p := registry.DefaultPledge()
	if err := db.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	emp := registry.Employee{NIP: "198609262015051001", Name: "Pegawai Satu", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}
	if _, err := db.UpsertEmployees(ctx, org.ID, []registry.Employee{emp}); err != nil {
		t.Fatal(err)
	}
	emps, _, err := db.Employees(ctx, registry.EmployeeFilter{Scope: org.Path})
	if err != nil || len(emps) != 1 {
		t.Fatal(err)
	}
	e := registry.Event{OrgID: org.ID, Slug: "s", Code: "ABCDEF", Title: "Uji", Mode: registry.ModeInPerson, StartsAt: time.Now(),
		PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := db.CreateEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	sig := &registry.Signature{EventID: e.ID, EmployeeID: emps[0].ID, Code: "K7M4QX2P9ABC", NIP: emp.NIP, Name: emp.Name,
		PledgeHash: p.Hash, Ink: registry.Ink{Kind: registry.InkTyped, Typed: emp.Name}, Consent: true,
		SignedAt: time.Now().UTC().Truncate(time.Millisecond), Channel: registry.ChannelEventCode, IdentitySalt: []byte("0123456789abcdef")}
	if err := db.InsertSignature(ctx, sig); err != nil {
		t.Fatal(err)
	}

	reader, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRow(`SELECT COUNT(*) FROM signatures WHERE name <> ''`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("reader sees %d records (%v)", n, err)
	}
	err = db.EraseSignature(ctx, sig.ID, time.Now())
	if !registry.IsScrubPending(err) {
		t.Fatalf("erasure under an open reader: %v, want the scrub pending", err)
	}
	if got, err := db.SignatureByCode(ctx, sig.Code); err != nil || !got.Erased() || got.Name != "" {
		t.Fatalf("the erasure did not stand: %+v (%v)", got, err)
	}
	if walSize(t, path) == 0 {
		t.Fatal("the WAL is empty while a reader holds it: the test shows nothing")
	}
	reader.Rollback()
	deadline := time.Now().Add(5 * time.Second)
	for walSize(t, path) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the WAL was not truncated after the reader left")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}
