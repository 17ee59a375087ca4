package registry_test

import (
	"context"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestScopedReadsCheckTheUser: a read of scoped data answers only those who
// may see it; the scope comes from the user, never from the caller.
func TestScopedReadsCheckTheUser(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	if _, _, err := w.sign(t, w.emps[0]); err != nil {
		t.Fatal(err)
	}
	e, org, err := w.svc.VisibleEvent(ctx, w.admin.User, w.event.ID)
	if err != nil {
		t.Fatal(err)
	}
	viewer := registry.User{ID: 9, Role: registry.RoleViewer, OrgID: org.ID, OrgPath: org.Path, Active: true}
	stranger := registry.User{ID: 8, Role: registry.RoleAdmin, OrgPath: "/99/", Active: true}

	notFound := map[string]func(u registry.User) error{
		"witnesses": func(u registry.User) error { _, err := w.svc.Witnesses(ctx, u, e, org); return err },
		"documents": func(u registry.User) error { _, err := w.svc.EventDocuments(ctx, u, e, org); return err },
		"retention": func(u registry.User) error { _, err := w.svc.EventRetention(ctx, u, e, org); return err },
		"list":      func(u registry.User) error { _, err := w.svc.ParticipantList(ctx, u, e, org); return err },
		"stats":     func(u registry.User) error { _, err := w.svc.EventStats(ctx, u, e, org); return err },
		"roster": func(u registry.User) error {
			_, _, err := w.svc.Employees(ctx, u, org, registry.EmployeeFilter{})
			return err
		},
		"privacy": func(u registry.User) error { _, err := w.svc.PrivacySettings(ctx, u, org); return err },
		"logo":    func(u registry.User) error { _, _, err := w.svc.OrgLogo(ctx, u, org); return err },
	}
	for name, read := range notFound {
		if err := read(viewer); err != nil {
			t.Errorf("%s, viewer of the organization: %v", name, err)
		}
		if err := read(stranger); !registry.IsCode(err, registry.ENOTFOUND) {
			t.Errorf("%s, admin of another regency: %v, want ENOTFOUND", name, err)
		}
	}
	other := org
	other.ID++
	if _, err := w.svc.Witnesses(ctx, viewer, e, other); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("witnesses with another organization than the event's: %v, want ENOTFOUND", err)
	}

	if _, err := w.svc.LinkGenerations(ctx, viewer, e, org); !registry.IsCode(err, registry.EFORBIDDEN) {
		t.Errorf("personal links, viewer: %v, want EFORBIDDEN", err)
	}
	if _, err := w.svc.LinkGeneration(ctx, w.admin.User, e, org, w.emps[1].ID); err != nil {
		t.Errorf("personal link, admin: %v", err)
	}
	if _, err := w.svc.PersonalDataReport(ctx, viewer); !registry.IsCode(err, registry.EFORBIDDEN) {
		t.Errorf("personal data report, viewer: %v, want EFORBIDDEN", err)
	}

	mine, err := w.svc.Participants(ctx, viewer, e)
	if err != nil || len(mine) == 0 {
		t.Fatalf("participants, viewer: %d, %v", len(mine), err)
	}
	if theirs, err := w.svc.Participants(ctx, stranger, e); err != nil || len(theirs) != 0 {
		t.Errorf("participants, admin of another regency: %d, %v; want none", len(theirs), err)
	}
	n := 0
	if err := w.svc.EachSignature(ctx, stranger, registry.SignatureQuery{EventID: e.ID, Scope: "/"}, func(registry.Signature) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("records, admin of another regency asking for scope /: %d, %v; want none", n, err)
	}
}
