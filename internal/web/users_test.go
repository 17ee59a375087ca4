package web_test

import (
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

// passwordOn reads the one-time password a page shows.
func passwordOn(t *testing.T, p page) string {
	t.Helper()
	return find(t, `<span class="event-code mono" id="password">([^<]+)</span>`, p.Body)
}

// loginAs signs in with an email and password through the login form and
// returns the status the form answered with.
func (b *browser) loginAs(email, password string) page {
	b.t.Helper()
	return b.submit(b.get("/login"), "/login", url.Values{"email": {email}, "password": {password}})
}

// signedIn reports whether the browser's session still opens the console.
func (b *browser) signedIn() bool {
	b.t.Helper()
	p := b.get("/admin")
	return p.Status == http.StatusOK && p.URL.Path == "/admin"
}

// TestUserCreate: an admin creates accounts in their subtree from the UI,
// with a password they set or one the system generates, shown once; the
// new user signs in with it. They cannot make superadmins nor create
// accounts elsewhere, and each creation is audited.
func TestUserCreate(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	medan := a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, medan.ID)
	b := a.browser(t)
	b.login(officer)

	list := b.get("/admin/users")
	wantPage(t, list, http.StatusOK, officer.Email, "Tambah pengguna")
	wantAbsent(t, "the regency's user list", list.Body, "bkpsdm@medan.test")

	form := b.get("/admin/users/new")
	wantPage(t, form, http.StatusOK, deli.Name)
	wantAbsent(t, "the new user form", form.Body, medan.Name, `value="superadmin"`)

	// A generated password, shown once.
	p := b.submit(form, "/admin/users", url.Values{"email": {" Operator@DeliSerdang.test "}, "name": {"Rina Operator"},
		"role": {"operator"}, "organization_id": {strconv.FormatInt(deli.ID, 10)}})
	wantPage(t, p, http.StatusOK, "operator@deliserdang.test", "hanya ditampilkan sekali", "secara aman")
	if cc := p.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the one-time password page is cacheable: Cache-Control %q", cc)
	}
	generated := passwordOn(t, p)
	if len(generated) < registry.MinPasswordLen {
		t.Fatalf("generated password %q is too short", generated)
	}
	nb := a.browser(t)
	if p := nb.loginAs("operator@deliserdang.test", generated); p.URL.Path != "/admin" {
		t.Fatalf("signing in with the generated password: status %d at %s", p.Status, p.URL)
	}
	if p := nb.get("/admin/users"); p.Status != http.StatusForbidden {
		t.Errorf("an operator's user list: status %d, want 403", p.Status)
	}

	// A password the admin chose.
	p = b.submit(b.get("/admin/users/new"), "/admin/users", url.Values{"email": {"inspektorat@deliserdang.test"},
		"name": {"Inspektur Pembantu"}, "role": {"viewer"}, "organization_id": {strconv.FormatInt(deli.ID, 10)},
		"password": {"pilihan-admin-2024"}})
	wantPage(t, p, http.StatusOK, "pilihan-admin-2024")
	if p := a.browser(t).loginAs("inspektorat@deliserdang.test", "pilihan-admin-2024"); p.URL.Path != "/admin" {
		t.Fatalf("signing in with the chosen password: status %d at %s", p.Status, p.URL)
	}

	// Refusals, with the form kept.
	for _, c := range []struct {
		vals   url.Values
		status int
		text   string
	}{
		{url.Values{"email": {"naik@deliserdang.test"}, "name": {"Naik Pangkat"}, "role": {"superadmin"}}, http.StatusForbidden, "Hanya superadmin"},
		{url.Values{"email": {"sisipan@medan.test"}, "name": {"Sisipan"}, "role": {"admin"}, "organization_id": {strconv.FormatInt(medan.ID, 10)}},
			http.StatusNotFound, "tidak ditemukan"},
		{url.Values{"email": {"operator@deliserdang.test"}, "name": {"Kembar"}, "role": {"viewer"}, "organization_id": {strconv.FormatInt(deli.ID, 10)}},
			http.StatusConflict, "sudah terdaftar"},
		{url.Values{"email": {"bukan-email"}, "name": {"Salah"}, "role": {"viewer"}, "organization_id": {strconv.FormatInt(deli.ID, 10)}},
			http.StatusBadRequest, "Alamat email tidak valid"},
		{url.Values{"email": {"pendek@deliserdang.test"}, "name": {"Pendek"}, "role": {"viewer"}, "organization_id": {strconv.FormatInt(deli.ID, 10)},
			"password": {"pendek"}}, http.StatusBadRequest, "minimal 12"},
	} {
		p := b.submit(b.get("/admin/users/new"), "/admin/users", c.vals)
		wantPage(t, p, c.status, c.text, c.vals.Get("name"))
		wantAbsent(t, "a refused new user", p.Body, medan.Name, `id="password">`)
	}
	if _, err := a.db.UserByEmail(t.Context(), "sisipan@medan.test"); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("the account outside the subtree was created: %v", err)
	}

	trail := b.get(fmt.Sprintf("/admin/audit?action=user.create&user=%d", officer.ID))
	wantPage(t, trail, http.StatusOK, "<td>Membuat pengguna</td>", "operator@deliserdang.test", "inspektorat@deliserdang.test")
	if n := strings.Count(trail.Body, "<td>Membuat pengguna</td>"); n != 2 {
		t.Errorf("the audit trail shows %d account creations, want 2", n)
	}
	wantAbsent(t, "the regency's audit trail", trail.Body, "bkpsdm@medan.test")
}

// TestUserResetPassword: resetting a password shows a new one once; the
// old one stops working and the user's open sessions end.
func TestUserResetPassword(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	op := a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, deli.ID)
	opBrowser := a.browser(t)
	opBrowser.login(op)

	b := a.browser(t)
	b.login(officer)
	userPath := fmt.Sprintf("/admin/users/%d", op.ID)
	p := b.submit(b.get(userPath), userPath+"/password", nil)
	wantPage(t, p, http.StatusOK, "Kata sandi direset", op.Email)
	fresh := passwordOn(t, p)

	if opBrowser.signedIn() {
		t.Error("the operator's session survived the reset")
	}
	if p := a.browser(t).loginAs(op.Email, testPassword); p.Status != http.StatusUnauthorized {
		t.Errorf("the old password after the reset: status %d, want 401", p.Status)
	}
	if p := opBrowser.loginAs(op.Email, fresh); p.URL.Path != "/admin" {
		t.Errorf("the new password: status %d at %s", p.Status, p.URL)
	}
	// Nobody resets their own password this way (it would end their own
	// session): they change it, giving the current one.
	self := fmt.Sprintf("/admin/users/%d", officer.ID)
	p = b.get(self)
	wantPage(t, p, http.StatusOK, "Akun Anda", "/admin/account/password")
	wantAbsent(t, "one's own account page", p.Body, `action="`+self+`/password"`, `action="`+self+`/deactivate"`, `action="`+self+`/role"`)
	p = b.post(self+"/password", url.Values{"_csrf": {b.csrf(p)}})
	wantPage(t, p, http.StatusForbidden, "Ubah kata sandi")

	trail := b.get("/admin/audit?action=user.reset_password")
	wantPage(t, trail, http.StatusOK, "<td>Mereset kata sandi pengguna</td>", op.Email, officer.Name)
}

// TestChangeOwnPassword: an admin changes their own password, giving the
// current one; all their sessions end and the new password works.
func TestChangeOwnPassword(t *testing.T) {
	a := newTestApp(t)
	_, officer := a.mustOfficer(t)
	other := a.browser(t)
	other.login(officer)
	b := a.browser(t)
	b.login(officer)

	form := b.get("/admin/account/password")
	p := b.submit(form, "/admin/account/password", url.Values{"current_password": {"salah-sekali-2024"},
		"new_password": {"kata-sandi-baru-2024"}, "confirm_password": {"kata-sandi-baru-2024"}})
	wantPage(t, p, http.StatusUnauthorized, "Kata sandi saat ini salah")
	p = b.submit(form, "/admin/account/password", url.Values{"current_password": {testPassword},
		"new_password": {"kata-sandi-baru-2024"}, "confirm_password": {"kata-sandi-lain-2024"}})
	wantPage(t, p, http.StatusBadRequest, "tidak sama")
	p = b.submit(form, "/admin/account/password", url.Values{"current_password": {testPassword},
		"new_password": {"kata-sandi-baru-2024"}, "confirm_password": {"kata-sandi-baru-2024"}})
	wantPage(t, p, http.StatusOK, "telah diubah")
	if b.signedIn() || other.signedIn() {
		t.Error("a session survived the password change")
	}
	if p := b.loginAs(officer.Email, "kata-sandi-baru-2024"); p.URL.Path != "/admin" {
		t.Errorf("the new password: status %d at %s", p.Status, p.URL)
	}
	if p := a.browser(t).loginAs(officer.Email, testPassword); p.Status != http.StatusUnauthorized {
		t.Errorf("the old password: status %d, want 401", p.Status)
	}
}

// TestUserDeactivate: a deactivated user cannot sign in, their sessions
// end and their API token is refused; reactivated, they sign in again but
// the old token stays dead.
func TestUserDeactivate(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	op := a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, deli.ID)
	token := a.mustToken(t, op)
	opBrowser := a.browser(t)
	opBrowser.login(op)
	eventPath := "/api/v1/events/999"
	if r := a.api(t, "GET", eventPath, token, nil); r.Status != http.StatusNotFound {
		t.Fatalf("the operator's token before: status %d", r.Status)
	}

	b := a.browser(t)
	b.login(officer)
	userPath := fmt.Sprintf("/admin/users/%d", op.ID)
	p := b.submit(b.get(userPath), userPath+"/deactivate", nil)
	wantPage(t, p, http.StatusOK, "Nonaktif", "Aktifkan kembali")
	if opBrowser.signedIn() {
		t.Error("the deactivated operator's session still works")
	}
	if p := a.browser(t).loginAs(op.Email, testPassword); p.Status != http.StatusUnauthorized {
		t.Errorf("signing in deactivated: status %d, want 401", p.Status)
	}
	a.api(t, "GET", eventPath, token, nil).wantError(t, http.StatusUnauthorized, "unauthorized")

	p = b.submit(b.get(userPath), userPath+"/activate", nil)
	wantPage(t, p, http.StatusOK, "Nonaktifkan")
	if p := a.browser(t).loginAs(op.Email, testPassword); p.URL.Path != "/admin" {
		t.Errorf("signing in reactivated: status %d at %s", p.Status, p.URL)
	}
	a.api(t, "GET", eventPath, token, nil).wantError(t, http.StatusUnauthorized, "unauthorized")

	trail := b.get(fmt.Sprintf("/admin/audit?user=%d", officer.ID))
	wantPage(t, trail, http.StatusOK, "<td>Menonaktifkan pengguna</td>", "<td>Mengaktifkan kembali pengguna</td>")
}

// TestUserSelfLockout: nobody deactivates or demotes themselves, and the
// last active superadmin cannot be taken away.
func TestUserSelfLockout(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	super := a.mustSuperadmin(t)
	ctx := t.Context()

	for _, u := range []registry.User{officer, super} {
		b := a.browser(t)
		b.login(u)
		self := fmt.Sprintf("/admin/users/%d", u.ID)
		csrf := b.csrf(b.get(self))
		p := b.post(self+"/deactivate", url.Values{"_csrf": {csrf}})
		wantPage(t, p, http.StatusForbidden, "akun Anda sendiri")
		p = b.post(self+"/role", url.Values{"_csrf": {csrf}, "role": {"viewer"}, "organization_id": {strconv.FormatInt(deli.ID, 10)}})
		wantPage(t, p, http.StatusForbidden, "akun Anda sendiri")
		if !b.signedIn() {
			t.Errorf("%s locked themselves out", u.Email)
		}
		now, err := a.db.User(ctx, u.ID)
		if err != nil || !now.Active || now.Role != u.Role {
			t.Errorf("%s after trying to lock themselves out: %+v (%v)", u.Email, now, err)
		}
	}

	// The command line has no account of its own, so only the store's
	// guard keeps the last superadmin.
	for _, try := range []func() error{
		func() error { _, err := a.svc.SetUserActive(ctx, system, super.ID, false); return err },
		func() error {
			_, err := a.svc.SetUserRole(ctx, system, super.ID, registry.RoleAdmin, deli.ID)
			return err
		},
	} {
		if err := try(); !registry.IsCode(err, registry.ECONFLICT) {
			t.Errorf("taking away the last superadmin: %v, want conflict", err)
		}
	}
	second := a.mustUser(t, "super2@bkn.test", registry.RoleSuperadmin, 0)
	if _, err := a.svc.SetUserActive(ctx, registry.Actor{User: second}, super.ID, false); err != nil {
		t.Errorf("a second superadmin deactivating the first: %v", err)
	}
}

// TestUserRoleChange: an admin changes roles and organizations within
// their subtree; they cannot grant superadmin, move anyone out of their
// subtree, or touch accounts above or beside them.
func TestUserRoleChange(t *testing.T) {
	a := newTestApp(t)
	prov := a.mustOrg(t, "Pemerintah Provinsi Sumatera Utara", registry.OrgProvince, "12")
	deli := a.mustChildOrg(t, prov, "Pemerintah Kabupaten Deli Serdang", registry.OrgRegency)
	dinas := a.mustChildOrg(t, deli, "Dinas Pendidikan Kabupaten Deli Serdang", registry.OrgAgency)
	medan := a.mustChildOrg(t, prov, "Pemerintah Kota Medan", registry.OrgCity)
	provAdmin := a.mustUser(t, "bkd@sumut.test", registry.RoleAdmin, prov.ID)
	officer := a.mustUser(t, "bkpsdm@deliserdang.test", registry.RoleAdmin, deli.ID)
	op := a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, deli.ID)
	medanAdmin := a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, medan.ID)
	opBrowser := a.browser(t)
	opBrowser.login(op)

	b := a.browser(t)
	b.login(officer)
	opPath := fmt.Sprintf("/admin/users/%d", op.ID)
	page := b.get(opPath)
	wantAbsent(t, "the regency admin's role form", page.Body, `value="superadmin"`, medan.Name, prov.Name)
	p := b.submit(page, opPath+"/role", url.Values{"role": {"admin"}, "organization_id": {strconv.FormatInt(dinas.ID, 10)}})
	wantPage(t, p, http.StatusOK, "Admin organisasi", dinas.Name)
	if u, _ := a.db.User(t.Context(), op.ID); u.Role != registry.RoleAdmin || u.OrgID != dinas.ID {
		t.Errorf("after the change: %s on %d", u.Role, u.OrgID)
	}
	// The change applies to the open session at once.
	if p := opBrowser.get("/admin/users"); p.Status != http.StatusOK {
		t.Errorf("the promoted operator's user list: status %d", p.Status)
	}

	csrf := b.csrf(page)
	for _, c := range []struct {
		path   string
		form   url.Values
		status int
	}{
		{opPath + "/role", url.Values{"role": {"superadmin"}}, http.StatusForbidden},
		{opPath + "/role", url.Values{"role": {"viewer"}, "organization_id": {strconv.FormatInt(medan.ID, 10)}}, http.StatusNotFound},
		{opPath + "/role", url.Values{"role": {"raja"}, "organization_id": {strconv.FormatInt(deli.ID, 10)}}, http.StatusBadRequest},
		{fmt.Sprintf("/admin/users/%d/role", provAdmin.ID), url.Values{"role": {"viewer"}, "organization_id": {strconv.FormatInt(deli.ID, 10)}}, http.StatusNotFound},
		{fmt.Sprintf("/admin/users/%d/deactivate", medanAdmin.ID), url.Values{}, http.StatusNotFound},
		{fmt.Sprintf("/admin/users/%d/password", medanAdmin.ID), url.Values{}, http.StatusNotFound},
		{"/admin/users/999999/deactivate", url.Values{}, http.StatusNotFound},
	} {
		c.form.Set("_csrf", csrf)
		p := b.post(c.path, c.form)
		if p.Status != c.status {
			t.Errorf("POST %s %v: status %d, want %d", c.path, c.form, p.Status, c.status)
		}
		wantAbsent(t, "POST "+c.path, p.Body, medan.Name, medanAdmin.Email, provAdmin.Email, prov.Name)
	}
	for _, path := range []string{fmt.Sprintf("/admin/users/%d", medanAdmin.ID), fmt.Sprintf("/admin/users/%d", provAdmin.ID)} {
		if p := b.get(path); p.Status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, p.Status)
		}
	}
	// The province sees and manages the regency's accounts.
	pb := a.browser(t)
	pb.login(provAdmin)
	wantPage(t, pb.get("/admin/users"), http.StatusOK, officer.Email, op.Email, medanAdmin.Email)
	trail := pb.get("/admin/audit?action=user.role")
	wantPage(t, trail, http.StatusOK, "<td>Mengubah peran pengguna</td>", "operator → admin", dinas.Name, officer.Name)
}

// TestAuditTrail: the trail lists every admin action of the subtree,
// newest first, in the organization's time zone, and filters by action,
// user, organization and date; an admin sees their subtree only.
func TestAuditTrail(t *testing.T) {
	a := newTestApp(t)
	prov := a.mustOrg(t, "Pemerintah Provinsi Sulawesi Selatan", registry.OrgProvince, "73")
	makassar := &registry.Organization{Name: "Pemerintah Kota Makassar", Kind: registry.OrgCity, ParentID: prov.ID, TimeZone: "Asia/Makassar"}
	if err := a.svc.CreateOrganization(t.Context(), system, makassar); err != nil {
		t.Fatal(err)
	}
	gowa := a.mustChildOrg(t, prov, "Pemerintah Kabupaten Gowa", registry.OrgRegency)
	provAdmin := a.mustUser(t, "bkd@sulsel.test", registry.RoleAdmin, prov.ID)
	mksAdmin := a.mustUser(t, "bkpsdm.makassar@sulsel.test", registry.RoleAdmin, makassar.ID)
	gowaAdmin := a.mustUser(t, "bkpsdm.gowa@sulsel.test", registry.RoleAdmin, gowa.ID)
	tokenMks, tokenGowa := a.mustToken(t, mksAdmin), a.mustToken(t, gowaAdmin)

	// Makassar's day: an import (23 October, 10:00 WITA), an event and its
	// opening the next day; Gowa imports too.
	a.mustImport(t, tokenMks, makassar.ID, rosterCSV(staff(1, 3, "Bagian Umum")...))
	e := a.mustEvent(t, tokenMks, makassar.ID, "Deklarasi Kota Makassar", nil)
	a.clock.Add(24 * time.Hour)
	a.mustOpen(t, tokenMks, e.ID)
	a.mustImport(t, tokenGowa, gowa.ID, rosterCSV(staff(10, 2, "Bagian Umum")...))
	// Enough entries for a second page, faster than an office uploads.
	web.UnpaceUploads(a.srv)
	for i := range 55 {
		a.mustImport(t, tokenMks, makassar.ID, rosterCSV(staff(20+i, 1, "Bagian Umum")...))
	}

	b := a.browser(t)
	b.login(mksAdmin)
	p := b.get("/admin/audit?action=roster.import")
	wantPage(t, p, http.StatusOK, "<td>Mengimpor data pegawai</td>", "Menampilkan 1–50 dari 56 entri", "WITA", mksAdmin.Name, "Berikutnya")
	wantAbsent(t, "Makassar's audit trail", p.Body, gowa.Name, gowaAdmin.Name, "<td>Membuat acara</td>")
	next := find(t, `<a href="([^"]+)">Berikutnya`, p.Body)
	p = b.get(next)
	wantPage(t, p, http.StatusOK, "Menampilkan 51–56 dari 56 entri", "Sebelumnya", "Rabu, 23 Oktober 2024 pukul 10.00 WITA")

	// Dates as a date input sends them or as Indonesians write them, in
	// the organization's zone.
	p = b.get("/admin/audit?from=24/10/2024&to=2024-10-24&action=event.open")
	wantPage(t, p, http.StatusOK, "<td>Membuka acara</td>", `value="2024-10-24"`, "Kamis, 24 Oktober 2024 pukul 10.00 WITA")
	p = b.get("/admin/audit?from=24/10/2024&to=2024-10-24&action=event.create")
	wantPage(t, p, http.StatusOK, "Tidak ada entri yang cocok")
	// Newest first: on 23 October the event was created after the import.
	p = b.get("/admin/audit?to=23/10/2024")
	if created, imported := strings.Index(p.Body, "<td>Membuat acara</td>"), strings.Index(p.Body, "<td>Mengimpor data pegawai</td>"); created < 0 || imported < created {
		t.Errorf("23 October's trail is not newest first: creation at %d, import at %d", created, imported)
	}
	p = b.get("/admin/audit?to=23/10/2024&action=event.create")
	wantPage(t, p, http.StatusOK, "<td>Membuat acara</td>", "Deklarasi Kota Makassar", fmt.Sprintf(`href="/admin/events/%d"`, e.ID), "Acara #")
	p = b.get("/admin/audit?from=2024-10-25")
	wantPage(t, p, http.StatusOK, "Tidak ada entri yang cocok")
	p = b.get("/admin/audit?from=kemarin")
	wantPage(t, p, http.StatusBadRequest, "Tanggal tidak dikenali")
	p = b.get("/admin/audit?from=2024-10-25&to=2024-10-23")
	wantPage(t, p, http.StatusBadRequest, "Tanggal akhir")

	// Another regency's organization, as a filter, does not exist.
	if p := b.get(fmt.Sprintf("/admin/audit?org=%d", gowa.ID)); p.Status != http.StatusNotFound {
		t.Errorf("Makassar filtering on Gowa: status %d, want 404", p.Status)
	}

	// The province sees both, and filters by organization and by user.
	pb := a.browser(t)
	pb.login(provAdmin)
	p = pb.get(fmt.Sprintf("/admin/audit?org=%d&action=roster.import", gowa.ID))
	wantPage(t, p, http.StatusOK, gowa.Name, "Menampilkan 1–1 dari 1 entri")
	wantAbsent(t, "the province's trail of Gowa", p.Body, "<td>"+makassar.Name+"</td>")
	p = pb.get(fmt.Sprintf("/admin/audit?user=%d&action=event.open", mksAdmin.ID))
	// The client address is recorded.
	wantPage(t, p, http.StatusOK, "Menampilkan 1–1 dari 1 entri", "<td>Membuka acara</td>", mksAdmin.Name, "127.0.0.1")

	// A detail is said from its format in the reader's language; one
	// stored before formats were kept is shown as stored.
	p = pb.get(fmt.Sprintf("/admin/audit?org=%d&action=roster.import", gowa.ID))
	wantPage(t, p, http.StatusOK, "2 baru, 0 diperbarui, 0 ditolak")
	p = pb.get(fmt.Sprintf("/admin/audit?org=%d&action=roster.import&lang=en", gowa.ID))
	wantPage(t, p, http.StatusOK, "2 new, 0 updated, 0 refused")
	wantAbsent(t, "the English trail", p.Body, "diperbarui")
	old := registry.AuditEntry{At: a.clock.Now(), UserID: mksAdmin.ID, UserName: mksAdmin.Name, Action: "privacy.settings",
		OrgID: makassar.ID, Target: makassar.Name, Detail: "tanpa waktu goresan; waktu goresan 4 catatan dihapus"}
	if err := a.db.AppendAudit(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	p = pb.get("/admin/audit?action=privacy.settings&lang=en")
	wantPage(t, p, http.StatusOK, "tanpa waktu goresan; waktu goresan 4 catatan dihapus", "Showing 1–1 of 1 entries")
}

// Sign-ins are in the audit trail: a success as the user, a wrong
// password or a deactivated account against the account, seen by the
// admins of its organization and not by another's; an email with no
// account leaves nothing.
func TestLoginsAudited(t *testing.T) {
	a := newTestApp(t)
	regency, admin := a.mustOfficer(t)
	operator := a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, regency.ID)
	other := a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	otherAdmin := a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, other.ID)

	intruder := a.browser(t)
	if p := intruder.loginAs(operator.Email, "bukan-kata-sandinya"); p.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", p.Status)
	}
	if p := intruder.loginAs("tidak.ada@deliserdang.test", "apa-saja-12345"); p.Status != http.StatusUnauthorized {
		t.Fatalf("unknown email: status %d", p.Status)
	}
	a.browser(t).login(operator)

	b := a.browser(t)
	b.login(admin)
	failed := b.get("/admin/audit?action=user.login_failed")
	wantPage(t, failed, http.StatusOK, "Gagal masuk", operator.Email, "kata sandi salah", "(belum masuk)")
	if strings.Contains(failed.Body, "tidak.ada@deliserdang.test") {
		t.Error("an attempt on an email with no account is in the trail")
	}
	wantPage(t, b.get(fmt.Sprintf("/admin/audit?action=user.login&user=%d", operator.ID)), http.StatusOK, "Masuk ke admin", operator.Email)

	ob := a.browser(t)
	ob.login(otherAdmin)
	if p := ob.get("/admin/audit?action=user.login_failed"); strings.Contains(p.Body, operator.Email) {
		t.Error("another organization's admin sees the failed sign-in")
	}
}
