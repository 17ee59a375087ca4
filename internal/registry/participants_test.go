package registry_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// CreatePledge: who may, what a version needs, and that the same text
// twice is one version.
func TestCreatePledge(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	admin := registry.Actor{User: registry.User{ID: 7, Name: "Admin", Role: registry.RoleAdmin, Active: true, OrgID: 1, OrgPath: "/1/"}}
	operator := admin
	operator.User.Role = registry.RoleOperator

	village := registry.VillageHeadPledge()
	if len(village.Points) != 5 || village.Hash != village.ComputeHash() || !strings.Contains(village.Opening, registry.InstitutionPlaceholder) {
		t.Fatalf("village-head template: %+v", village)
	}
	p := village
	p.Hash = ""
	if err := w.svc.CreatePledge(ctx, operator, &p); !registry.IsCode(err, registry.EFORBIDDEN) {
		t.Errorf("an operator creates a pledge: %v", err)
	}
	if err := w.svc.CreatePledge(ctx, admin, &p); err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.Hash != village.Hash {
		t.Errorf("stored %d with hash %.16s, want the template's %.16s", p.ID, p.Hash, village.Hash)
	}
	again := village
	if err := w.svc.CreatePledge(ctx, admin, &again); !registry.IsCode(err, registry.ECONFLICT) {
		t.Errorf("the same text twice: %v", err)
	}
	for name, change := range map[string]func(*registry.PledgeVersion){
		"no title":      func(p *registry.PledgeVersion) { p.Title = " " },
		"no opening":    func(p *registry.PledgeVersion) { p.Opening = "" },
		"no points":     func(p *registry.PledgeVersion) { p.Points = []string{"", "  "} },
		"a long point":  func(p *registry.PledgeVersion) { p.Points = []string{strings.Repeat("a", 2001)} },
		"a long title":  func(p *registry.PledgeVersion) { p.Title = strings.Repeat("a", 201) },
		"21 points":     func(p *registry.PledgeVersion) { p.Points = make([]string, 21); fillPoints(p.Points) },
		"a long ending": func(p *registry.PledgeVersion) { p.Closing = strings.Repeat("a", 2001) },
	} {
		bad := registry.VillageHeadPledge()
		bad.Title += " (" + name + ")"
		change(&bad)
		if err := w.svc.CreatePledge(ctx, admin, &bad); !registry.IsCode(err, registry.EINVALID) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func fillPoints(ps []string) {
	for i := range ps {
		ps[i] = "butir"
	}
}

// SetParticipantList keeps the known NIPs, reports the others, refuses a
// list of nobody, and leaves a closed event alone. The world's event takes
// PNS only: emps[0] (PNS) is eligible until a list leaves them out.
func TestSetParticipantList(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	identify := func(emp registry.Employee) error {
		_, err := w.svc.Identify(ctx, w.event, emp.NIP, w.event.Code)
		return err
	}
	nips := []string{w.emps[1].NIP, " " + w.emps[1].NIP + " ", "199901012020011999"}
	res, err := w.svc.SetParticipantList(ctx, w.admin, w.event.ID, nips)
	if err != nil || res.Listed != 1 || len(res.Unknown) != 1 || res.Unknown[0] != "199901012020011999" {
		t.Fatalf("list: %+v, %v", res, err)
	}
	if err := identify(w.emps[0]); !registry.IsCode(err, registry.ENOTELIGIBLE) {
		t.Errorf("an employee off the list identifies: %v", err)
	}
	if err := identify(w.emps[1]); !registry.IsCode(err, registry.ENOTELIGIBLE) {
		t.Errorf("a listed employee outside the event's categories identifies: %v", err)
	}
	if _, err := w.svc.SetParticipantList(ctx, w.admin, w.event.ID, []string{"199901012020011999"}); !registry.IsCode(err, registry.EBADROSTER) {
		t.Errorf("a list of nobody: %v", err)
	}
	if err := identify(w.emps[0]); !registry.IsCode(err, registry.ENOTELIGIBLE) {
		t.Errorf("a refused upload changed the list: %v", err)
	}
	if err := w.svc.ClearParticipantList(ctx, w.admin, w.event.ID); err != nil {
		t.Fatal(err)
	}
	if err := identify(w.emps[0]); err != nil {
		t.Errorf("after clearing the list: %v", err)
	}
	if _, err := w.svc.SetEventStatus(ctx, w.admin, w.event.ID, registry.StatusClosed, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SetParticipantList(ctx, w.admin, w.event.ID, nips); !registry.IsCode(err, registry.ECONFLICT) {
		t.Errorf("a closed event's list: %v", err)
	}
}
