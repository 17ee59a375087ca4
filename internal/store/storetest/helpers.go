package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

var ctx = context.Background()

// at is a fixed instant with the store's precision (milliseconds).
var at = time.Date(2024, 11, 20, 8, 0, 0, 0, time.UTC)

func mustOrg(t testing.TB, s Store, parent int64, name string, kind registry.OrgKind) registry.Organization {
	t.Helper()
	o := registry.Organization{ParentID: parent, Name: name, Kind: kind, TimeZone: "Asia/Jakarta", CreatedAt: at}
	if err := s.CreateOrganization(ctx, &o); err != nil {
		t.Fatalf("create organization %s: %v", name, err)
	}
	return o
}

// tree is a province with two regencies, the first with an agency.
type tree struct {
	province, regency1, regency2, agency registry.Organization
}

func mustTree(t testing.TB, s Store) tree {
	t.Helper()
	var tr tree
	tr.province = mustOrg(t, s, 0, "Provinsi Uji", registry.OrgProvince)
	tr.regency1 = mustOrg(t, s, tr.province.ID, "Kabupaten Satu", registry.OrgRegency)
	tr.regency2 = mustOrg(t, s, tr.province.ID, "Kabupaten Dua", registry.OrgRegency)
	tr.agency = mustOrg(t, s, tr.regency1.ID, "Dinas Pendidikan", registry.OrgAgency)
	return tr
}

// pledgeText is a pledge version of its own text, owned by org (0: the
// system's), with its hash set.
func pledgeText(title string, org int64) registry.PledgeVersion {
	p := registry.DefaultPledge()
	p.Title, p.OrgID, p.CreatedAt = title, org, at
	p.Hash = p.ComputeHash()
	return p
}

func mustPledge(t testing.TB, s Store, p registry.PledgeVersion) registry.PledgeVersion {
	t.Helper()
	if err := s.CreatePledge(ctx, &p); err != nil {
		t.Fatalf("create pledge %q: %v", p.Title, err)
	}
	return p
}

func mustEvent(t testing.TB, s Store, e registry.Event) registry.Event {
	t.Helper()
	if err := s.CreateEvent(ctx, &e); err != nil {
		t.Fatalf("create event %s: %v", e.Slug, err)
	}
	return e
}

// event is an open event of org with pledge p, starting at starts.
func event(org, pledge int64, slug string, starts time.Time) registry.Event {
	return registry.Event{OrgID: org, Slug: slug, Code: "ABCDEF", Title: "Apel " + slug, Mode: registry.ModeInPerson,
		StartsAt: starts, PledgeID: pledge, OfficialName: "Drs. Bupati", OfficialPosition: "Bupati",
		Status: registry.StatusOpen, CreatedAt: at}
}

func employee(nip, name, unit string) registry.Employee {
	return registry.Employee{NIP: nip, Name: name, Unit: unit, Category: registry.CategoryPNS, Active: true, UpdatedAt: at}
}

// nip is a well-formed NIP numbered i.
func nip(i int) string { return fmt.Sprintf("198609262015051%03d", i) }

func mustImport(t testing.TB, s Store, org int64, emps ...registry.Employee) registry.ImportResult {
	t.Helper()
	res, err := s.UpsertEmployees(ctx, org, emps)
	if err != nil {
		t.Fatalf("import into %d: %v", org, err)
	}
	return res
}

func mustUser(t testing.TB, s Store, email string, role registry.Role, org int64) registry.User {
	t.Helper()
	u := registry.User{Email: email, Name: email, PasswordHash: "hash", Role: role, OrgID: org, Active: true, CreatedAt: at}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// wantCode fails unless err carries the domain error code.
func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if !registry.IsCode(err, code) {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func ids[T any](xs []T, id func(T) int64) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}
