package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/web"
)

// The organizations of the matrix: a province P with the regencies A and B
// under it, and an agency A1 under A.
var matrixOrgs = []string{"P", "A", "A1", "B"}

// matrixWorld is a province-wide registry: every organization has staff,
// and the province runs an open event that all of them signed.
type matrixWorld struct {
	a      *testApp
	orgs   map[string]registry.Organization
	users  map[string]registry.User
	tokens map[string]string
	// event is the province's open event; views holds an event of each
	// organization to look at (the province's is event).
	event registry.Event
	views map[string]int64
	// certs holds, per organization, certificates of its staff in event
	// for the revoke and erase cells to use up.
	certs map[string][]string
	// staff lists each organization's employees; unsigned is the one of
	// each who has not signed.
	staff    map[string][]person
	unsigned map[string]person
	nextNIP  int
}

// staffName is the name of the i-th employee of an organization: one that
// says whose it is, so a leak is easy to spot.
var staffName = map[string]string{"P": "Staf Provinsi", "A": "Staf Deli", "A1": "Staf Disdik", "B": "Staf Medan"}

func mustMatrixWorld(t *testing.T) *matrixWorld {
	t.Helper()
	ctx := context.Background()
	a := newTestApp(t)
	// Every role imports a roster into every organization, faster than an
	// office uploads.
	web.UnpaceUploads(a.srv)
	w := &matrixWorld{a: a, orgs: map[string]registry.Organization{}, users: map[string]registry.User{}, tokens: map[string]string{},
		views: map[string]int64{}, certs: map[string][]string{}, staff: map[string][]person{}, unsigned: map[string]person{}, nextNIP: 600}
	w.orgs["P"] = a.mustOrg(t, "Pemerintah Provinsi Sumatera Utara", registry.OrgProvince, "12")
	w.orgs["A"] = a.mustChildOrg(t, w.orgs["P"], "Pemerintah Kabupaten Deli Serdang", registry.OrgRegency)
	w.orgs["B"] = a.mustChildOrg(t, w.orgs["P"], "Pemerintah Kota Medan", registry.OrgCity)
	w.orgs["A1"] = a.mustChildOrg(t, w.orgs["A"], "Dinas Pendidikan Kabupaten Deli Serdang", registry.OrgAgency)

	for name, u := range map[string]struct {
		role registry.Role
		org  string
	}{
		"superadmin": {registry.RoleSuperadmin, ""}, "admin@P": {registry.RoleAdmin, "P"}, "admin@A": {registry.RoleAdmin, "A"},
		"operator@A": {registry.RoleOperator, "A"}, "viewer@A": {registry.RoleViewer, "A"}, "admin@B": {registry.RoleAdmin, "B"},
	} {
		email := strings.ReplaceAll(name, "@", ".") + "@sumut.test"
		w.users[name] = a.mustUser(t, email, u.role, w.orgs[u.org].ID)
		w.tokens[name] = a.mustToken(t, w.users[name])
	}

	e := &registry.Event{OrgID: w.orgs["P"].ID, Title: "Deklarasi Netralitas ASN Provinsi Sumatera Utara", Place: "Lapangan Merdeka Medan",
		Mode: registry.ModeInPerson, StartsAt: t0, OfficialName: "Gubernur", OfficialPosition: "Gubernur Sumatera Utara"}
	if err := a.svc.CreateEvent(ctx, system, e); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.event, err = a.svc.SetEventStatus(ctx, system, e.ID, registry.StatusOpen, ""); err != nil {
		t.Fatal(err)
	}
	w.views["P"] = w.event.ID
	for i, x := range matrixOrgs {
		// Twelve signers per organization (one certificate for each revoke
		// and erase cell) and one who has not signed.
		ps := make([]person, 13)
		for j := range ps {
			ps[j] = person{NIP: matrixNIP(100*i + j), Name: fmt.Sprintf("%s Nomor %d", staffName[x], j), Position: "Analis SDM Aparatur",
				Unit: "Bagian Umum " + staffName[x], Category: "PNS"}
		}
		w.mustStaff(t, x, ps...)
		for _, p := range ps[:12] {
			w.certs[x] = append(w.certs[x], w.mustSignIn(t, w.event, p))
		}
		w.unsigned[x] = ps[12]
		if x != "P" {
			w.views[x] = w.mustDraft(t, x, "Apel Netralitas "+w.orgs[x].Name)
		}
	}
	return w
}

// mustChildOrg creates an organization under parent as the command line
// would.
func (a *testApp) mustChildOrg(t *testing.T, parent registry.Organization, name string, kind registry.OrgKind) registry.Organization {
	t.Helper()
	o := &registry.Organization{Name: name, Kind: kind, ParentID: parent.ID, TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(context.Background(), system, o); err != nil {
		t.Fatal(err)
	}
	return *o
}

// mustStaff adds employees to organization x's roster.
func (w *matrixWorld) mustStaff(t *testing.T, x string, ps ...person) {
	t.Helper()
	emps := make([]registry.Employee, len(ps))
	for i, p := range ps {
		emps[i] = registry.Employee{NIP: p.NIP, Name: p.Name, Position: p.Position, Unit: p.Unit, Category: registry.CategoryPNS,
			Active: true, UpdatedAt: t0}
	}
	if _, err := w.a.svc.ImportEmployees(context.Background(), system, w.orgs[x].ID, emps, false, nil); err != nil {
		t.Fatal(err)
	}
	w.staff[x] = append(w.staff[x], ps...)
}

// mustSignIn signs e for p and returns the certificate code.
func (w *matrixWorld) mustSignIn(t *testing.T, e registry.Event, p person) string {
	t.Helper()
	ctx := context.Background()
	emp, err := w.a.db.EmployeeByNIP(ctx, "/", p.NIP)
	if err != nil {
		t.Fatal(err)
	}
	sig, existing, err := w.a.svc.Sign(ctx, registry.SignRequest{Event: e, Employee: emp, Consent: true,
		Ink: registry.Ink{Kind: registry.InkTyped, Typed: p.Name}, Channel: registry.ChannelEventCode, ClientIP: "203.0.113.9"})
	if err != nil || existing {
		t.Fatalf("sign for %s: existing=%v err=%v", p.Name, existing, err)
	}
	return sig.Code
}

// mustDraft creates a draft event of organization x and returns its ID.
func (w *matrixWorld) mustDraft(t *testing.T, x, title string) int64 {
	t.Helper()
	e := &registry.Event{OrgID: w.orgs[x].ID, Title: title, Place: "Aula", Mode: registry.ModeInPerson, StartsAt: t0,
		OfficialName: "Sekretaris Daerah", OfficialPosition: "Sekretaris Daerah"}
	if err := w.a.svc.CreateEvent(context.Background(), system, e); err != nil {
		t.Fatal(err)
	}
	return e.ID
}

// secretsFor lists what a user of the named role must never be shown: the
// names and NIPs of the staff of every organization outside their scope,
// and the organizations and events of other regencies.
func (w *matrixWorld) secretsFor(user string) []string {
	outside := map[string][]string{
		"admin@A": {"P", "B"}, "operator@A": {"P", "B"}, "viewer@A": {"P", "B"}, "admin@B": {"P", "A", "A1"},
	}[user]
	var out []string
	for _, x := range outside {
		out = append(out, staffName[x])
		for _, p := range w.staff[x] {
			out = append(out, p.NIP, p.grouped())
		}
		if x != "P" {
			out = append(out, w.orgs[x].Name)
		}
	}
	return out
}

// matrixBrowser signs user in and stops following redirects, so a form's
// 303 is seen as such.
func (w *matrixWorld) matrixBrowser(t *testing.T, user string) (*browser, string) {
	t.Helper()
	b := w.a.browser(t)
	b.login(w.users[user])
	b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return b, b.csrf(b.get("/admin"))
}

// matrixAction does one action on organization x as a signed-in user and
// returns the status and body of the answer.
type matrixAction func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string)

var matrixActions = []struct {
	name string
	do   matrixAction
}{
	{"view org", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		p := b.get(fmt.Sprintf("/admin/orgs/%d", w.orgs[x].ID))
		return p.Status, p.Body
	}},
	{"import roster", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		w.nextNIP++
		newcomer := person{NIP: matrixNIP(w.nextNIP), Name: fmt.Sprintf("Pegawai Pindahan %d", w.nextNIP), Category: "PNS"}
		p := b.postMultipart(fmt.Sprintf("/admin/orgs/%d/import", w.orgs[x].ID), url.Values{"_csrf": {csrf}}, "file", "pegawai.csv",
			"text/csv", []byte(rosterCSV(newcomer)))
		if p.Status == http.StatusSeeOther {
			// The upload goes on to its import's page, which shows the
			// result once the import has ended.
			p = b.get(p.Header.Get("Location"))
		}
		return p.Status, p.Body
	}},
	{"create event", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		r := w.a.api(t, "POST", "/api/v1/events", w.tokens[user], map[string]any{"organization_id": w.orgs[x].ID,
			"title": "Deklarasi oleh " + user, "place": "Aula", "mode": "in_person", "starts_at": "2024-10-23T09:00:00+07:00",
			"official_name": "Sekretaris Daerah", "official_position": "Sekretaris Daerah"})
		return r.Status, string(r.Body)
	}},
	{"open/close event", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		id := w.mustDraft(t, x, "Acara untuk dibuka "+user)
		path := fmt.Sprintf("/admin/events/%d/status", id)
		p := b.post(path, url.Values{"_csrf": {csrf}, "status": {"open"}})
		if p.Status == http.StatusSeeOther {
			if c := b.post(path, url.Values{"_csrf": {csrf}, "status": {"closed"}, "confirm": {"1"}}); c.Status != http.StatusSeeOther {
				t.Errorf("%s opened event %d of %s but closing it answers %d", user, id, x, c.Status)
			}
		}
		return p.Status, p.Body
	}},
	{"view event", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		p := b.get(fmt.Sprintf("/admin/events/%d", w.views[x]))
		return p.Status, p.Body
	}},
	{"revoke certificate", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		p := b.post("/admin/certificates/"+w.takeCert(x)+"/revoke", url.Values{"_csrf": {csrf}, "reason": {"Ditandatangani oleh orang lain"}})
		return p.Status, p.Body
	}},
	{"erase", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		p := b.post("/admin/certificates/"+w.takeCert(x)+"/erase", url.Values{"_csrf": {csrf}, "reason": {"Permintaan pemilik data, surat no. 800/12"}})
		return p.Status, p.Body
	}},
	{"create user", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		w.nextNIP++
		p := b.post("/admin/users", url.Values{"_csrf": {csrf}, "email": {fmt.Sprintf("petugas%d@sumut.test", w.nextNIP)},
			"name": {"Petugas Baru"}, "role": {"viewer"}, "organization_id": {strconv.FormatInt(w.orgs[x].ID, 10)}})
		return p.Status, p.Body
	}},
	{"view audit", func(t *testing.T, w *matrixWorld, user string, b *browser, csrf, x string) (int, string) {
		p := b.get(fmt.Sprintf("/admin/audit?org=%d", w.orgs[x].ID))
		return p.Status, p.Body
	}},
}

// matrixNIP returns a distinct, structurally valid PNS NIP for each i < 998,
// for as many employees as the matrix needs.
func matrixNIP(i int) string {
	birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
	return fmt.Sprintf("%s200503%d%03d", birth.Format("20060102"), 1+i%2, 1+i%998)
}

func (w *matrixWorld) takeCert(x string) string {
	code := w.certs[x][0]
	w.certs[x] = w.certs[x][1:]
	return code
}

// TestRoleMatrix: each role can do exactly what it should, on its subtree
// only, through the real router. A regency's officers see their
// province's event but manage only their own participants in it; refusals
// are 404 outside the user's scope (the thing does not exist for them) and
// 403 inside it; no answer shows anything of another regency.
func TestRoleMatrix(t *testing.T) {
	w := mustMatrixWorld(t)
	// Expected statuses on P, A, A1 and B.
	want := map[string]map[string]string{
		"superadmin": {
			"view org": "200 200 200 200", "import roster": "200 200 200 200", "create event": "201 201 201 201",
			"open/close event": "303 303 303 303", "view event": "200 200 200 200", "revoke certificate": "303 303 303 303",
			"erase": "303 303 303 303", "create user": "200 200 200 200", "view audit": "200 200 200 200",
		},
		"admin@P": {
			"view org": "200 200 200 200", "import roster": "200 200 200 200", "create event": "201 201 201 201",
			"open/close event": "303 303 303 303", "view event": "200 200 200 200", "revoke certificate": "303 303 303 303",
			"erase": "303 303 303 303", "create user": "200 200 200 200", "view audit": "200 200 200 200",
		},
		"admin@A": {
			"view org": "404 200 200 404", "import roster": "404 200 200 404", "create event": "404 201 201 404",
			"open/close event": "403 303 303 404", "view event": "200 200 200 404", "revoke certificate": "404 303 303 404",
			"erase": "404 303 303 404", "create user": "404 200 200 404", "view audit": "404 200 200 404",
		},
		"operator@A": {
			"view org": "404 200 200 404", "import roster": "404 200 200 404", "create event": "404 201 201 404",
			"open/close event": "403 303 303 404", "view event": "200 200 200 404", "revoke certificate": "404 403 403 404",
			"erase": "404 403 403 404", "create user": "404 403 403 404", "view audit": "404 403 403 404",
		},
		"viewer@A": {
			"view org": "404 200 200 404", "import roster": "404 403 403 404", "create event": "404 403 403 404",
			"open/close event": "403 403 403 404", "view event": "200 200 200 404", "revoke certificate": "404 403 403 404",
			"erase": "404 403 403 404", "create user": "404 403 403 404", "view audit": "404 403 403 404",
		},
		"admin@B": {
			"view org": "404 404 404 200", "import roster": "404 404 404 200", "create event": "404 404 404 201",
			"open/close event": "403 404 404 303", "view event": "200 404 404 200", "revoke certificate": "404 404 404 303",
			"erase": "404 404 404 303", "create user": "404 404 404 200", "view audit": "404 404 404 200",
		},
	}
	for _, user := range []string{"superadmin", "admin@P", "admin@A", "operator@A", "viewer@A", "admin@B"} {
		b, csrf := w.matrixBrowser(t, user)
		secrets := w.secretsFor(user)
		for _, act := range matrixActions {
			expected := strings.Fields(want[user][act.name])
			if len(expected) != len(matrixOrgs) {
				t.Fatalf("%s %s: the table gives %q", user, act.name, want[user][act.name])
			}
			for i, x := range matrixOrgs {
				status, body := act.do(t, w, user, b, csrf, x)
				if got := strconv.Itoa(status); got != expected[i] {
					t.Errorf("%s: %s on %s: status %s, want %s\n%.600s", user, act.name, x, got, expected[i], body)
				}
				wantAbsent(t, fmt.Sprintf("%s's %s on %s", user, act.name, x), body, secrets...)
			}
		}
		// The lists a user starts from show nothing outside their scope.
		for _, path := range []string{"/admin", "/admin/users", "/admin/audit", "/admin/events/new", "/admin/users/new"} {
			p := b.get(path)
			wantAbsent(t, user+"'s "+path, p.Body, secrets...)
		}
	}
}

// TestProvinceEvent: the officers of a regency see the event their
// province runs, in their list and on its page, with their own
// participants and counts only; they cannot open or close it, and they
// manage their own participants' records in it.
func TestProvinceEvent(t *testing.T) {
	w := mustMatrixWorld(t)
	b, csrf := w.matrixBrowser(t, "admin@A")

	home := b.get("/admin")
	wantPage(t, home, http.StatusOK, w.event.Title, "Apel Netralitas "+w.orgs["A"].Name)
	wantAbsent(t, "admin@A's event list", home.Body, "Apel Netralitas "+w.orgs["B"].Name)

	eventPath := fmt.Sprintf("/admin/events/%d", w.event.ID)
	p := b.get(eventPath)
	wantPage(t, p, http.StatusOK, w.event.Title, w.staff["A"][0].Name, w.staff["A1"][0].Name, w.unsigned["A"].Name)
	wantAbsent(t, "admin@A's view of the province's event", p.Body, w.secretsFor("admin@A")...)
	wantAbsent(t, "admin@A's view of the province's event", p.Body, `action="`+eventPath+`/status"`)
	// Their own participants' personal links are there; a regency must be
	// able to send them.
	if !strings.Contains(p.Body, "/p/") {
		t.Errorf("admin@A sees no personal link of their unsigned participants:\n%s", p.Body)
	}

	// The API counts their part of the event; the province counts all.
	var mine, all eventJSON
	w.a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", w.event.ID), w.tokens["admin@A"], nil).decode(t, &mine)
	w.a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", w.event.ID), w.tokens["admin@P"], nil).decode(t, &all)
	if mine.Eligible == nil || mine.Signed == nil || *mine.Eligible != 26 || *mine.Signed != 24 {
		t.Errorf("admin@A's counts of the province's event: eligible %v signed %v, want 26 and 24", deref(mine.Eligible), deref(mine.Signed))
	}
	if all.Eligible == nil || all.Signed == nil || *all.Eligible != 52 || *all.Signed != 48 {
		t.Errorf("admin@P's counts: eligible %v signed %v, want 52 and 48", deref(all.Eligible), deref(all.Signed))
	}

	// Opening and closing stay with the province.
	w.a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", w.event.ID), w.tokens["admin@A"], nil).
		wantError(t, http.StatusForbidden, "forbidden")
	// Their own participant's record: they see it and revoke it; the
	// province sees the revocation in its audit trail, and so do they.
	code := w.takeCert("A1")
	p = b.get("/admin/certificates/" + code)
	wantPage(t, p, http.StatusOK, "Cabut sertifikat")
	if r := b.post("/admin/certificates/"+code+"/revoke", url.Values{"_csrf": {csrf}, "reason": {"Ditandatangani oleh orang lain"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("admin@A revoking their participant's record: status %d\n%s", r.Status, r.Body)
	}
	for _, user := range []string{"admin@A", "admin@P"} {
		ub, _ := w.matrixBrowser(t, user)
		trail := ub.get("/admin/audit?action=certificate.revoke")
		wantPage(t, trail, http.StatusOK, registry.GroupCode(code), w.orgs["A1"].Name, "Ditandatangani oleh orang lain")
	}
	// Another regency's participant in the same event does not exist for
	// them, through the pages or the API.
	other := w.takeCert("B")
	missing := b.get("/admin/certificates/ZZZZZZZZZZZZ")
	p = b.get("/admin/certificates/" + other)
	if p.Status != http.StatusNotFound || missing.Status != http.StatusNotFound {
		t.Errorf("admin@A reading B's record: status %d (a missing one: %d)", p.Status, missing.Status)
	}
	wantAbsent(t, "admin@A's read of B's record", p.Body, w.secretsFor("admin@A")...)
	r := w.a.api(t, "POST", "/api/v1/certificates/"+other+"/revoke", w.tokens["admin@A"], map[string]any{"reason": "Dicabut oleh daerah lain"})
	r.wantError(t, http.StatusNotFound, "not_found")
	if m := w.a.api(t, "POST", "/api/v1/certificates/ZZZZZZZZZZZZ/revoke", w.tokens["admin@A"], map[string]any{"reason": "Dicabut oleh daerah lain"}); withoutRequestID(string(m.Body)) != withoutRequestID(string(r.Body)) {
		t.Errorf("B's record answers %s, a missing one %s", r.Body, m.Body)
	}
	var cert certJSON
	w.a.api(t, "GET", "/api/v1/certificates/"+other, "", nil).decode(t, &cert)
	if cert.Status != "valid" {
		t.Errorf("B's record after admin@A's attempt: %q", cert.Status)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
