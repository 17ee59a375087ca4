package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// An action's audit entry commits with the action, completed by what the
// action decided (the new row's ID), once; a failed action leaves none.
func testAuditWithAction(t *testing.T, s Store) {
	tr := mustTree(t, s)
	entries := func() []registry.AuditEntry {
		t.Helper()
		es, err := s.Audit(ctx, "/", 100)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	o := registry.Organization{ParentID: tr.regency1.ID, Name: "Dinas Kesehatan", Kind: registry.OrgAgency, TimeZone: "Asia/Jakarta", CreatedAt: at}
	p := &registry.PendingAudit{Entry: registry.AuditEntry{At: at, UserID: 7, UserName: "Admin", Action: "org.create", OrgID: tr.regency1.ID, IP: "10.0.0.1"},
		Finish: func(a *registry.AuditEntry) { a.Target = fmt.Sprintf("org:%d", o.ID) }}
	actx := registry.WithAudit(ctx, p)
	if err := s.CreateOrganization(actx, &o); err != nil {
		t.Fatal(err)
	}
	es := entries()
	if len(es) != 1 || es[0].Action != "org.create" || es[0].Target != fmt.Sprintf("org:%d", o.ID) || es[0].UserName != "Admin" ||
		es[0].IP != "10.0.0.1" || !es[0].At.Equal(at) || es[0].OrgID != tr.regency1.ID {
		t.Fatalf("entries after the action: %+v", es)
	}
	// The same context's next write does not write the entry again.
	if err := s.SetOrgLogo(actx, o.ID, []byte("png"), at); err != nil {
		t.Fatal(err)
	}
	if n := len(entries()); n != 1 {
		t.Errorf("%d entries after a second write with the same context, want 1", n)
	}
	failed := &registry.PendingAudit{Entry: registry.AuditEntry{At: at, UserID: 7, UserName: "Admin", Action: "org.create"}}
	err := s.CreateOrganization(registry.WithAudit(ctx, failed), &registry.Organization{ParentID: 9999, Name: "Yatim",
		Kind: registry.OrgAgency, TimeZone: "Asia/Jakarta", CreatedAt: at})
	if err == nil {
		t.Fatal("an organization under a missing parent was created")
	}
	if n := len(entries()); n != 1 {
		t.Errorf("a failed action left an entry: %d entries, want 1", n)
	}
}

// The audit trail reads newest first, by subtree, action, user and time,
// a page at a time with the count of all that match.
func testAuditLogFilter(t *testing.T, s Store) {
	tr := mustTree(t, s)
	add := func(min int, user int64, action string, org int64) registry.AuditEntry {
		a := registry.AuditEntry{At: at.Add(time.Duration(min) * time.Minute), UserID: user, UserName: "u", Action: action, OrgID: org}
		if err := s.AppendAudit(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	add(0, 1, "user.login", 0)
	add(1, 2, "event.create", tr.regency1.ID)
	add(2, 2, "event.open", tr.agency.ID)
	add(3, 3, "event.create", tr.regency2.ID)
	add(4, 2, "event.close", tr.regency1.ID)
	minutes := func(es []registry.AuditEntry) []int {
		var out []int
		for _, e := range es {
			out = append(out, int(e.At.Sub(at)/time.Minute))
		}
		return out
	}
	for _, c := range []struct {
		name  string
		f     registry.AuditFilter
		want  []int
		total int
	}{
		{"everything", registry.AuditFilter{Scope: "/"}, []int{4, 3, 2, 1, 0}, 5},
		{"a subtree", registry.AuditFilter{Scope: tr.regency1.Path}, []int{4, 2, 1}, 3},
		{"an action", registry.AuditFilter{Scope: "/", Action: "event.create"}, []int{3, 1}, 2},
		{"a user", registry.AuditFilter{Scope: tr.province.Path, UserID: 2}, []int{4, 2, 1}, 3},
		{"a time range", registry.AuditFilter{Scope: "/", From: at.Add(time.Minute), Until: at.Add(3 * time.Minute)}, []int{2, 1}, 2},
		{"a page", registry.AuditFilter{Scope: "/", Limit: 2, Offset: 1}, []int{3, 2}, 5},
	} {
		f := c.f
		if f.Limit == 0 {
			f.Limit = 100
		}
		es, total, err := s.AuditLog(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got := minutes(es); !slices.Equal(got, c.want) || total != c.total {
			t.Errorf("%s: minutes %v of %d, want %v of %d", c.name, got, total, c.want, c.total)
		}
	}
	actions, err := s.AuditActions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"event.close", "event.create", "event.open", "user.login"}; !slices.Equal(actions, want) {
		t.Errorf("AuditActions: %v, want %v", actions, want)
	}
}

// An entry's detail reads back as written: its Indonesian text and, for a
// catalog detail, its format and arguments (integers as int64, so a %d
// formats them in another language too); a plain detail has no format.
func testAuditDetailFormat(t *testing.T, s Store) {
	tr := mustTree(t, s)
	imp := registry.AuditEntry{At: at, UserID: 5, UserName: "admin", Action: "roster.import", OrgID: tr.regency1.ID}
	imp.SetDetail(registry.Detailf("%d baru, %d diperbarui, %d ditolak", 3, 1, 0))
	role := registry.AuditEntry{At: at.Add(time.Minute), UserID: 5, UserName: "admin", Action: "user.role", OrgID: tr.regency1.ID}
	role.SetDetail(registry.Detailf("%s; organisasi: %s", "operator → admin", "Dinas 7"))
	plain := registry.AuditEntry{At: at.Add(2 * time.Minute), UserID: 5, UserName: "admin", Action: "user.name", OrgID: tr.regency1.ID}
	plain.SetDetail(registry.Plain("Budi 100%"))
	for _, e := range []registry.AuditEntry{imp, role, plain} {
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	es, err := s.Audit(ctx, "/", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 {
		t.Fatalf("%d entries, want 3", len(es))
	}
	for i, want := range []struct {
		detail, format string
		args           []any
	}{
		{"Budi 100%", "", nil},
		{"operator → admin; organisasi: Dinas 7", "%s; organisasi: %s", []any{"operator → admin", "Dinas 7"}},
		{"3 baru, 1 diperbarui, 0 ditolak", "%d baru, %d diperbarui, %d ditolak", []any{int64(3), int64(1), int64(0)}},
	} {
		got := es[i]
		if got.Detail != want.detail || got.DetailFormat != want.format || !reflect.DeepEqual(got.DetailArgs, want.args) {
			t.Errorf("entry %d reads %q, %q %#v; want %q, %q %#v", i, got.Detail, got.DetailFormat, got.DetailArgs,
				want.detail, want.format, want.args)
		}
	}
}
