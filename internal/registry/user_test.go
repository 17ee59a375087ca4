package registry_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

func TestJoinsEventsOf(t *testing.T) {
	const province, regency, agency, other = "/1/", "/1/2/", "/1/2/5/", "/1/3/"
	tests := []struct {
		name string
		u    registry.User
		org  string
		want bool
	}{
		{"regency officer, province event", registry.User{Role: registry.RoleAdmin, OrgPath: regency, Active: true}, province, true},
		{"agency viewer, province event", registry.User{Role: registry.RoleViewer, OrgPath: agency, Active: true}, province, true},
		{"regency officer, own event", registry.User{Role: registry.RoleOperator, OrgPath: regency, Active: true}, regency, true},
		{"province officer, regency event", registry.User{Role: registry.RoleAdmin, OrgPath: province, Active: true}, regency, false},
		{"other regency's event", registry.User{Role: registry.RoleAdmin, OrgPath: other, Active: true}, regency, false},
		{"inactive officer", registry.User{Role: registry.RoleAdmin, OrgPath: regency}, province, false},
		{"officer without organization", registry.User{Role: registry.RoleAdmin, Active: true}, province, false},
		{"superadmin (sees all anyway)", registry.User{Role: registry.RoleSuperadmin, OrgPath: "/", Active: true}, province, false},
	}
	for _, tt := range tests {
		if got := tt.u.JoinsEventsOf(tt.org); got != tt.want {
			t.Errorf("%s: JoinsEventsOf = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestGrantableRoles(t *testing.T) {
	for _, tt := range []struct {
		role registry.Role
		want []registry.Role
	}{
		{registry.RoleSuperadmin, []registry.Role{registry.RoleSuperadmin, registry.RoleAdmin, registry.RoleOperator, registry.RoleViewer}},
		{registry.RoleAdmin, []registry.Role{registry.RoleAdmin, registry.RoleOperator, registry.RoleViewer}},
		{registry.RoleOperator, nil},
		{registry.RoleViewer, nil},
	} {
		u := registry.User{Role: tt.role, OrgPath: "/1/", Active: true}
		if got := u.GrantableRoles(); !slices.Equal(got, tt.want) {
			t.Errorf("%s may grant %v, want %v", tt.role, got, tt.want)
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	w := mustWorld(t)
	seen := map[string]bool{}
	for range 20 {
		p, err := w.svc.GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`).MatchString(p) || seen[p] {
			t.Fatalf("generated password %q (seen before: %v)", p, seen[p])
		}
		if err := registry.CheckPasswordPolicy(p, registry.User{Email: "operator@deliserdang.test", Name: "Operator"}); err != nil {
			t.Fatalf("generated password %q is refused: %v", p, err)
		}
		seen[p] = true
	}
}

// TestProvinceEventVisibility: a regency's officer sees its province's
// event but does not open or close it; a sibling's event stays invisible.
func TestProvinceEventVisibility(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	sys := registry.Actor{User: registry.System}
	mk := func(name string, kind registry.OrgKind, parent int64) registry.Organization {
		o := &registry.Organization{Name: name, Kind: kind, ParentID: parent, TimeZone: "Asia/Jakarta"}
		if err := w.svc.CreateOrganization(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		return *o
	}
	prov := mk("Provinsi", registry.OrgProvince, 0)
	regA := mk("Kabupaten A", registry.OrgRegency, prov.ID)
	regB := mk("Kabupaten B", registry.OrgRegency, prov.ID)
	ev := func(org registry.Organization) registry.Event {
		e := &registry.Event{OrgID: org.ID, Title: "Deklarasi " + org.Name, Place: "Aula", Mode: registry.ModeInPerson,
			StartsAt: *w.now, OfficialName: "A", OfficialPosition: "Sekda"}
		if err := w.svc.CreateEvent(ctx, sys, e); err != nil {
			t.Fatal(err)
		}
		return *e
	}
	provEvent, bEvent := ev(prov), ev(regB)
	officerA := registry.User{ID: 99, Role: registry.RoleAdmin, OrgID: regA.ID, OrgPath: regA.Path, Active: true}

	e, org, err := w.svc.VisibleEvent(ctx, officerA, provEvent.ID)
	if err != nil || e.ID != provEvent.ID || org.ID != prov.ID {
		t.Fatalf("regency officer reading the province's event: %v %v %v", e.ID, org.ID, err)
	}
	if _, _, err := w.svc.VisibleEvent(ctx, officerA, bEvent.ID); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("regency officer reading a sibling's event: %v, want not found", err)
	}
	if _, err := w.svc.SetEventStatus(ctx, registry.Actor{User: officerA}, provEvent.ID, registry.StatusOpen, ""); !registry.IsCode(err, registry.EFORBIDDEN) {
		t.Errorf("regency officer opening the province's event: %v, want forbidden", err)
	}
	if _, err := w.svc.SetEventStatus(ctx, registry.Actor{User: officerA}, bEvent.ID, registry.StatusOpen, ""); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("regency officer opening a sibling's event: %v, want not found", err)
	}
}
