package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/store/storetest"
	"github.com/ikrar-id/ikrar/internal/translog"
	"golang.org/x/mod/sumdb/tlog"
)

// fixture is a database with one event and n employees.
type fixture struct {
	db    *sqlite.DB
	path  string
	event registry.Event
	emps  []registry.Employee
}

func mustFixture(t testing.TB, n int) fixture {
	t.Helper()
	return mustFixtureAt(t, storetest.SQLiteFile(t), n)
}

// mustFixtureAt is mustFixture with its database at path.
func mustFixtureAt(t testing.TB, path string, n int) fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	org := &registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := db.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	p := registry.DefaultPledge()
	if err := db.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	var emps []registry.Employee
	for i := 0; i < n; i++ {
		emps = append(emps, registry.Employee{NIP: fmt.Sprintf("19860926201505%d%03d", 1+i%2, 1+i), Name: fmt.Sprintf("Pegawai %d", i),
			Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()})
	}
	if _, err := db.UpsertEmployees(ctx, org.ID, emps); err != nil {
		t.Fatal(err)
	}
	all, _, err := db.Employees(ctx, registry.EmployeeFilter{Scope: org.Path, Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	e := registry.Event{OrgID: org.ID, Slug: "s", Code: "ABCDEF", Title: "Uji", Mode: registry.ModeInPerson, StartsAt: time.Now(),
		PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := db.CreateEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	return fixture{db: db, path: path, event: e, emps: all}
}

func newSig(f fixture, i int, code string) *registry.Signature {
	return &registry.Signature{EventID: f.event.ID, EmployeeID: f.emps[i].ID, Code: code, NIP: f.emps[i].NIP, Name: f.emps[i].Name,
		PledgeHash: registry.DefaultPledge().Hash, Ink: registry.Ink{Kind: registry.InkTyped, Typed: f.emps[i].Name}, Consent: true,
		SignedAt: time.Now().UTC().Truncate(time.Millisecond), Channel: registry.ChannelEventCode, IdentitySalt: []byte("0123456789abcdef")}
}

// Concurrent signings commit in batches; duplicates for one person fail
// alone with a conflict; every stored record has its own leaf and the log
// recomputed from the rows matches the stored tree.
func TestGroupCommitConcurrentSignings(t *testing.T) {
	const n = 300
	f := mustFixture(t, n)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := 0; i < 2*n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Every employee submits twice, with different codes.
			errs[i] = f.db.InsertSignature(ctx, newSig(f, i%n, fmt.Sprintf("C%011d", i)))
		}(i)
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case registry.IsCode(err, registry.ECONFLICT):
			conflicts++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != n || conflicts != n {
		t.Fatalf("stored %d, conflicts %d; want %d and %d", ok, conflicts, n, n)
	}
	size, err := f.db.LogSize(ctx)
	if err != nil || size != n {
		t.Fatalf("log size %d (%v), want %d", size, err, n)
	}
	recs, err := f.db.LeafRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leaves := make([]tlog.Hash, n)
	seen := map[int64]bool{}
	for _, r := range recs {
		if r.Index < 0 || r.Index >= n || seen[r.Index] {
			t.Fatalf("%s has leaf index %d (seen %v)", r.What, r.Index, seen[r.Index])
		}
		seen[r.Index] = true
		leaves[r.Index] = r.Entry.Hash()
	}
	report, err := translog.Audit(leaves, f.db.HashReader(ctx), size, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !report.OK() {
		t.Fatalf("audit findings: %v", report.Findings)
	}
}
