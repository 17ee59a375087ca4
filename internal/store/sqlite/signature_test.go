package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/store/storetest"
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
