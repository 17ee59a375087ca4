package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/web"
)

// countingHasher replaces the app's password hasher with one of slots
// slots and a queue of queue, which records how many computations ran at
// most at once and holds each one until gate is closed.
type countingHasher struct {
	calls   atomic.Int64
	mu      sync.Mutex
	peak    int
	entered chan struct{}
	gate    chan struct{}
}

func (a *testApp) countingHasher(slots, queue int) *countingHasher {
	h := &countingHasher{entered: make(chan struct{}, 100), gate: make(chan struct{})}
	a.svc.Hasher = registry.NewHasher(slots, queue, 30*time.Second).WithParams(cheapPasswords)
	a.svc.Hasher.OnHash = func(running int) {
		h.calls.Add(1)
		h.mu.Lock()
		h.peak = max(h.peak, running)
		h.mu.Unlock()
		h.entered <- struct{}{}
		<-h.gate
	}
	return h
}

// wrongLogin is the login form filled in for u with a wrong password.
func (b *browser) wrongLogin(u registry.User) url.Values {
	b.t.Helper()
	form := b.formFields(b.get("/login"), "/login")
	form.Set("email", u.Email)
	form.Set("password", "tebakan-yang-salah")
	return form
}

// TestLoginFloodBounded: thirty-odd concurrent wrong-password sign-ins
// for one account. The account's budget (10) is spent before any password
// is hashed, so the rest are refused with 429 while every hash is still
// held; of those let through, at most the hasher's two slots compute at
// once, two wait, and the others are refused with 503 at once.
func TestLoginFloodBounded(t *testing.T) {
	a := newTestApp(t)
	_, u := a.mustOfficer(t)
	h := a.countingHasher(2, 2)
	b := a.browser(t)
	form := b.wrongLogin(u)
	const n = 30
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = b.formRequest("/login", form)
	}
	statuses := make(chan int, n)
	for _, req := range reqs {
		go func() {
			resp, err := b.c.Do(req)
			if err != nil {
				t.Error(err)
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	// While the two running hashes are held, every request but the four
	// inside the hasher (two computing, two waiting) is answered.
	got := map[int]int{}
	for range n - 4 {
		select {
		case s := <-statuses:
			got[s]++
		case <-time.After(20 * time.Second):
			t.Fatalf("only %v answered while the hashes were held", got)
		}
	}
	if got[http.StatusTooManyRequests] != n-10 || got[http.StatusServiceUnavailable] != 6 {
		t.Errorf("while hashing was held: %v; want %d × 429 (budget spent before hashing) and 6 × 503 (slots and queue full)", got, n-10)
	}
	if c := h.calls.Load(); c != 2 {
		t.Errorf("%d hashes started while two slots were held, want 2", c)
	}
	close(h.gate)
	for range 4 {
		got[<-statuses]++
	}
	if got[http.StatusUnauthorized] != 4 {
		t.Errorf("after release: %v, want 4 × 401", got)
	}
	if h.peak > 2 {
		t.Errorf("%d hashes ran at once, want at most 2", h.peak)
	}
	if c := h.calls.Load(); c != 4 {
		t.Errorf("%d hashes computed, want 4", c)
	}

	// An unknown email costs one hash too, through the same slots.
	before := h.calls.Load()
	other := a.browser(t)
	p := other.loginAs("tidak-ada@deliserdang.test", "tebakan-yang-salah")
	wantPage(t, p, http.StatusUnauthorized, "Email atau kata sandi salah")
	if c := h.calls.Load() - before; c != 1 {
		t.Errorf("a sign-in for an unknown email computed %d hashes through the hasher, want 1", c)
	}
}

// TestLoginBusyMessage: a sign-in refused for want of a hashing slot says
// so in Indonesian with 503 and Retry-After.
func TestLoginBusyMessage(t *testing.T) {
	a := newTestApp(t)
	_, u := a.mustOfficer(t)
	h := a.countingHasher(1, 0)
	held := a.browser(t)
	form := held.wrongLogin(u)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := held.c.Do(held.formRequest("/login", form)); err == nil {
			resp.Body.Close()
		}
	}()
	<-h.entered
	p := a.browser(t).loginAs(u.Email, testPassword)
	wantPage(t, p, http.StatusServiceUnavailable, "Server sedang sibuk memeriksa kata sandi")
	if p.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	close(h.gate)
	<-done
}

// TestLoginEmailVariantsShareLimit: case and space variants of an email
// are one account and spend one budget.
func TestLoginEmailVariantsShareLimit(t *testing.T) {
	a := newTestApp(t)
	_, u := a.mustOfficer(t)
	b := a.browser(t)
	variants := []string{u.Email, strings.ToUpper(u.Email), " " + u.Email + " ", "\t" + strings.ToUpper(u.Email[:1]) + u.Email[1:]}
	for i := range 10 {
		p := b.loginAs(variants[i%len(variants)], fmt.Sprintf("tebakan-%d-salah", i))
		wantPage(t, p, http.StatusUnauthorized, "Email atau kata sandi salah")
	}
	for _, v := range variants {
		wantPage(t, b.loginAs(v, testPassword), http.StatusTooManyRequests, "Terlalu banyak percobaan")
	}
	// The variants sign in once the budget refills.
	a.clock.Add(time.Hour)
	if p := b.loginAs(" "+strings.ToUpper(u.Email)+" ", testPassword); p.URL.Path != "/admin" {
		t.Errorf("a variant of the email with the right password: %d at %s", p.Status, p.URL)
	}
}

// TestLoginSuccessCostsNothing: a sign-in is counted before its hash but
// spends the budget only if the password was wrong, so an admin who signs
// in on many devices is never throttled, while the failures still add up.
func TestLoginSuccessCostsNothing(t *testing.T) {
	a := newTestApp(t)
	_, u := a.mustOfficer(t)
	b := a.browser(t)
	for i := range 9 { // the account's budget is 10
		wantPage(t, b.loginAs(u.Email, fmt.Sprintf("tebakan-%d-salah", i)), http.StatusUnauthorized, "Email atau kata sandi salah")
	}
	for i := range 12 {
		if p := a.browser(t).loginAs(u.Email, testPassword); p.URL.Path != "/admin" {
			t.Fatalf("sign-in %d after nine failures: %d at %s", i+1, p.Status, p.URL)
		}
	}
	wantPage(t, b.loginAs(u.Email, "tebakan-terakhir-salah"), http.StatusUnauthorized, "Email atau kata sandi salah")
	wantPage(t, b.loginAs(u.Email, testPassword), http.StatusTooManyRequests, "Terlalu banyak percobaan")
}

// apiStatus is the status and error code of an authenticated API call.
func (a *testApp) apiStatus(t *testing.T, token string) (int, string) {
	t.Helper()
	r := a.api(t, "GET", "/api/v1/events/999999", token, nil)
	if r.Status == http.StatusNotFound {
		return r.Status, ""
	}
	return r.Status, r.errorCode(t)
}

// TestAccessEnds: a password change, a reset and a deactivation each end
// the user's sessions and API tokens: the old cookie goes back to the
// sign-in page and the old token gets 401.
func TestAccessEnds(t *testing.T) {
	tests := []struct {
		name string
		end  func(t *testing.T, a *testApp, admin, victim *browser, u registry.User)
	}{
		{"password change", func(t *testing.T, a *testApp, admin, victim *browser, u registry.User) {
			// From another browser of the same user: the one that changes
			// it ends too, so the test keeps a third.
			self := a.browser(t)
			self.login(u)
			p := self.submit(self.get("/admin/account/password"), "/admin/account/password", url.Values{"current_password": {testPassword},
				"new_password": {"kata-sandi-baru-2024"}, "confirm_password": {"kata-sandi-baru-2024"}})
			wantPage(t, p, http.StatusOK, "Kata sandi Anda telah diubah")
		}},
		{"password reset", func(t *testing.T, a *testApp, admin, victim *browser, u registry.User) {
			path := fmt.Sprintf("/admin/users/%d", u.ID)
			wantPage(t, admin.submit(admin.get(path), path+"/password", nil), http.StatusOK, "Kata sandi direset")
		}},
		{"deactivation", func(t *testing.T, a *testApp, admin, victim *browser, u registry.User) {
			path := fmt.Sprintf("/admin/users/%d", u.ID)
			admin.submit(admin.get(path), path+"/deactivate", nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestApp(t)
			org, officer := a.mustOfficer(t)
			u := a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, org.ID)
			token := a.mustToken(t, u)
			if s, code := a.apiStatus(t, token); s != http.StatusNotFound {
				t.Fatalf("the token before: %d %s", s, code)
			}
			victim := a.browser(t)
			victim.login(u)
			admin := a.browser(t)
			admin.login(officer)
			tt.end(t, a, admin, victim, u)
			if victim.signedIn() {
				t.Errorf("the session survived the %s", tt.name)
			}
			if s, code := a.apiStatus(t, token); s != http.StatusUnauthorized || code != registry.EUNAUTHORIZED {
				t.Errorf("the API token after the %s: %d %s, want 401 %s", tt.name, s, code, registry.EUNAUTHORIZED)
			}
		})
	}
}

// TestTokenExpiry: a token dies at its expiry with 401 token_expired; the
// CLI default is 90 days.
func TestTokenExpiry(t *testing.T) {
	a := newTestApp(t)
	_, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	a.clock.Add(registry.DefaultTokenLifetime - time.Minute)
	if s, code := a.apiStatus(t, token); s != http.StatusNotFound {
		t.Fatalf("a token a minute before its expiry: %d %s", s, code)
	}
	a.clock.Add(time.Minute)
	r := a.api(t, "GET", "/api/v1/events/1", token, nil)
	r.wantError(t, http.StatusUnauthorized, registry.ETOKENEXPIRED)
	b := a.browser(t)
	b.login(officer)
	wantPage(t, b.get("/admin/account/tokens"), http.StatusOK, "token API", `<span class="badge badge-closed">kedaluwarsa</span>`)
	wantPage(t, b.get(fmt.Sprintf("/admin/users/%d", officer.ID)), http.StatusOK, "token API", "kedaluwarsa")
	if _, _, err := a.svc.IssueAPIToken(t.Context(), system, officer, "terlalu lama", registry.MaxTokenLifetime+time.Hour); !registry.IsCode(err, registry.EINVALID) {
		t.Errorf("a token beyond the longest lifetime: %v", err)
	}
}

// TestTokenPage: an admin creates a token on their account page, sees it
// once, sees it listed with its last use, and revokes it; the revoked
// token gets 401. Both are in the audit trail.
func TestTokenPage(t *testing.T) {
	a := newTestApp(t)
	_, officer := a.mustOfficer(t)
	b := a.browser(t)
	b.login(officer)
	p := b.submit(b.get("/admin/account/tokens"), "/admin/account/tokens", url.Values{"name": {"Sinkronisasi SIMPEG"}, "days": {"30"}})
	wantPage(t, p, http.StatusOK, "hanya ditampilkan sekali", "Sinkronisasi SIMPEG")
	token := find(t, `<span class="event-code mono" id="token">([^<]+)</span>`, p.Body)
	if s, code := a.apiStatus(t, token); s != http.StatusNotFound {
		t.Fatalf("the new token: %d %s", s, code)
	}
	p = b.get("/admin/account/tokens")
	wantPage(t, p, http.StatusOK, "Sinkronisasi SIMPEG")
	wantAbsent(t, "the token list", p.Body, token)
	if strings.Contains(p.Body, `id="token">`) {
		t.Error("the token is shown again")
	}
	tokens, err := a.db.Tokens(t.Context(), officer.ID)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	if tk := tokens[0]; !tk.ExpiresAt.Equal(t0.Add(30*24*time.Hour)) || !tk.LastUsedAt.Equal(t0) {
		t.Errorf("token %+v: want expiry in 30 days and last use now", tk)
	}
	action := fmt.Sprintf("/admin/account/tokens/%d/revoke", tokens[0].ID)
	p = b.submit(p, action, nil)
	wantPage(t, p, http.StatusOK, "Belum ada token.")
	if s, code := a.apiStatus(t, token); s != http.StatusUnauthorized || code != registry.EUNAUTHORIZED {
		t.Errorf("the revoked token: %d %s, want 401", s, code)
	}
	trail := b.get("/admin/audit")
	wantPage(t, trail, http.StatusOK, "Membuat token API", "Mencabut token API")
}

// TestTokenRevokeByAdmin: an org admin lists and revokes the tokens of an
// account in their scope; an admin of another regency cannot, nor can the
// operator revoke the admin's.
func TestTokenRevokeByAdmin(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	op := a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, org.ID)
	opToken, tk, err := a.svc.IssueAPIToken(t.Context(), registry.Actor{User: op, IP: "test"}, op, "skrip operator", 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	officerToken := a.mustToken(t, officer)
	revoke := fmt.Sprintf("/admin/users/%d/tokens/%d/revoke", op.ID, tk.ID)

	karo := a.mustOrg(t, "Pemerintah Kabupaten Karo", registry.OrgRegency, "12.06")
	ob := a.browser(t)
	ob.login(a.mustUser(t, "bkpsdm@karo.test", registry.RoleAdmin, karo.ID))
	wantPage(t, ob.post(revoke, url.Values{"_csrf": {ob.csrf(ob.get("/admin"))}}), http.StatusNotFound)

	opb := a.browser(t)
	opb.login(op)
	officerTokens, _ := a.db.Tokens(t.Context(), officer.ID)
	r := opb.post(fmt.Sprintf("/admin/users/%d/tokens/%d/revoke", officer.ID, officerTokens[0].ID), url.Values{"_csrf": {opb.csrf(opb.get("/admin"))}})
	if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
		t.Errorf("an operator revoking the admin's token: %d", r.Status)
	}
	if s, _ := a.apiStatus(t, officerToken); s != http.StatusNotFound || func() bool { s, _ := a.apiStatus(t, opToken); return s != http.StatusNotFound }() {
		t.Fatal("a refused revocation ended a token")
	}

	b := a.browser(t)
	b.login(officer)
	userPage := fmt.Sprintf("/admin/users/%d", op.ID)
	p := b.get(userPage)
	wantPage(t, p, http.StatusOK, "skrip operator")
	p = b.submit(p, revoke, nil)
	wantPage(t, p, http.StatusOK, "Pengguna ini tidak memiliki token API.")
	if s, code := a.apiStatus(t, opToken); s != http.StatusUnauthorized || code != registry.EUNAUTHORIZED {
		t.Errorf("the revoked token: %d %s, want 401", s, code)
	}
	entries, _, err := a.db.AuditLog(t.Context(), registry.AuditFilter{Scope: "/", Action: "token.revoke", Limit: 10})
	if err != nil || len(entries) != 1 || entries[0].UserID != officer.ID || entries[0].Target != op.Email {
		t.Errorf("token.revoke audit: %+v %v", entries, err)
	}
}

// TestLiveStreamEndsWithAccess: a live dashboard stream ends within a few
// session checks (here 20 ms apart) of its user logging out, being
// deactivated or having their password reset, rather than running on to
// its ten-minute lifetime; a stream whose session lives goes on.
func TestLiveStreamEndsWithAccess(t *testing.T) {
	tests := []struct {
		name string
		end  func(t *testing.T, f liveFixture, admin, viewer *browser, u registry.User)
	}{
		{"logout", func(t *testing.T, f liveFixture, admin, viewer *browser, u registry.User) {
			viewer.post("/logout", url.Values{"_csrf": {viewer.csrf(viewer.get("/admin"))}})
		}},
		{"deactivation", func(t *testing.T, f liveFixture, admin, viewer *browser, u registry.User) {
			path := fmt.Sprintf("/admin/users/%d", u.ID)
			admin.submit(admin.get(path), path+"/deactivate", nil)
		}},
		{"password reset", func(t *testing.T, f liveFixture, admin, viewer *browser, u registry.User) {
			path := fmt.Sprintf("/admin/users/%d", u.ID)
			admin.submit(admin.get(path), path+"/password", nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newLiveFixture(t, func(o *web.Options) { o.Live.SessionCheck = 20 * time.Millisecond })
			u := f.a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, f.officer.OrgID)
			viewer := f.a.browser(t)
			viewer.login(u)
			admin := f.a.browser(t)
			admin.login(f.officer)
			path := fmt.Sprintf("/admin/events/%d/live/events", f.e.ID)
			kept := admin.openStream(path)
			kept.next(t, 2*time.Second, anyEvent)
			s := viewer.openStream(path)
			s.next(t, 2*time.Second, anyEvent)
			tt.end(t, f, admin, viewer, u)
			deadline := time.After(5 * time.Second) // 250 checks: a bound, not a wait
		drain:
			for {
				select {
				case _, open := <-s.events:
					if !open {
						break drain
					}
				case <-deadline:
					t.Fatalf("the stream still runs after the %s", tt.name)
				}
			}
			select {
			case _, open := <-kept.events:
				if !open {
					t.Error("the admin's own stream ended too")
				}
			default:
			}
		})
	}
}

// TestViewerGetsNoPersonalLinks: a viewer sees the event and its
// follow-up list without a single personal link, and is refused the links
// exports; with a link they could sign as its owner.
func TestViewerGetsNoPersonalLinks(t *testing.T) {
	f := newExportFixture(t)
	viewer := f.a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, f.officer.OrgID)
	vb := f.a.browser(t)
	vb.login(viewer)
	p := vb.get(f.path(""))
	wantPage(t, p, http.StatusOK, fitri.fullName(), "belum")
	wantAbsent(t, "the event page to a viewer", p.Body, "/p/", "tautan pribadi")
	p = vb.get(f.path("/followup"))
	wantPage(t, p, http.StatusOK, fitri.fullName())
	wantAbsent(t, "the follow-up page to a viewer", p.Body, "/p/", "links.pdf")
	wantAbsent(t, "the exports page to a viewer", vb.get(f.path("/exports")).Body, "links.csv", "links.pdf")
	for _, path := range []string{"/links.csv", "/links.pdf", "/links.csv?status=pending", "/links.pdf?unit=Puskesmas+Lubuk+Pakam"} {
		r := vb.get(f.path(path))
		wantPage(t, r, http.StatusForbidden, "tautan pribadi")
		wantAbsent(t, path+" to a viewer", r.Body, "/p/")
	}
	csv := vb.get(f.path("/followup.csv"))
	if csv.Status != http.StatusOK || strings.Contains(csv.Body, "/p/") || strings.Contains(csv.Body, "Tautan pribadi") {
		t.Errorf("followup.csv to a viewer: %d, with links: %q", csv.Status, csv.Body)
	}
	entries, _, err := f.a.db.AuditLog(t.Context(), registry.AuditFilter{Scope: "/", UserID: viewer.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == "links.view" || e.Action == "export.links" {
			t.Errorf("a viewer's refused request recorded a disclosure: %+v", e)
		}
	}
}

// TestPersonalLinksAudited: every page and export that shows an operator
// personal links records who, which event and how many links.
func TestPersonalLinksAudited(t *testing.T) {
	f := newExportFixture(t)
	op := f.a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, f.officer.OrgID)
	ob := f.a.browser(t)
	ob.login(op)
	steps := []struct {
		path, action, detail string
	}{
		{"", "links.view", "%s: 1 tautan"},             // fitri's: the only one who never signed
		{"/followup", "links.view", "%s: 2 tautan"},    // fitri and andre, whose record was revoked
		{"/links.csv", "export.links", "%s: 4 tautan"}, // every participant, the signed too
		{"/links.pdf?status=pending", "export.links", "%s: 2 tautan"},
		{"/followup.csv?unit=Puskesmas+Lubuk+Pakam", "export.links", "%s: 1 tautan"},
	}
	for _, st := range steps {
		before, _, err := f.a.db.AuditLog(t.Context(), registry.AuditFilter{Scope: "/", UserID: op.ID, Action: st.action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		p := ob.get(f.path(st.path))
		if p.Status != http.StatusOK || (!strings.HasPrefix(st.path, "/links.pdf") && !strings.Contains(p.Body, "/p/")) {
			t.Fatalf("%s to an operator: %d, links shown: %v", st.path, p.Status, strings.Contains(p.Body, "/p/"))
		}
		after, _, err := f.a.db.AuditLog(t.Context(), registry.AuditFilter{Scope: "/", UserID: op.ID, Action: st.action, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before)+1 {
			t.Errorf("%s: %d %s entries, want %d", st.path, len(after), st.action, len(before)+1)
			continue
		}
		e, detail := after[0], fmt.Sprintf(st.detail, f.path(st.path))
		if e.Target != fmt.Sprintf("event:%d", f.e.ID) || e.Detail != detail || e.IP == "" || e.UserName != op.Name {
			t.Errorf("%s: audit entry %+v, want the operator, the event and %q", st.path, e, detail)
		}
	}
}

// TestPasswordPolicyForms: the new-user form and the password change
// refuse a common password and one holding the user's name or email, with
// the reason in Indonesian, and store nothing.
func TestPasswordPolicyForms(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	b := a.browser(t)
	b.login(officer)
	orgID := fmt.Sprint(org.ID)
	for _, c := range []struct {
		email, name, password, text string
	}{
		{"rina@deliserdang.test", "Rina Marpaung", "password2024!", "paling umum dipakai"},
		{"rina@deliserdang.test", "Rina Marpaung", "Marpaung-Kantor-2024", "tidak boleh memuat nama atau alamat email"},
		{"tobing.sinaga@deliserdang.test", "Rina", "sinaga-kantor-2024", "tidak boleh memuat nama atau alamat email"},
		{"rina@deliserdang.test", "Rina Marpaung", "sebelas-kar", "minimal 12 karakter"},
	} {
		p := b.submit(b.get("/admin/users/new"), "/admin/users", url.Values{"email": {c.email}, "name": {c.name}, "role": {"viewer"},
			"organization_id": {orgID}, "password": {c.password}})
		wantPage(t, p, http.StatusBadRequest, c.text)
		if _, err := a.db.UserByEmail(t.Context(), c.email); !registry.IsCode(err, registry.ENOTFOUND) {
			t.Errorf("%q: the account was created (%v)", c.password, err)
		}
	}
	// The officer ("Petugas bkpsdm") may not take their email's local part.
	p := b.submit(b.get("/admin/account/password"), "/admin/account/password", url.Values{"current_password": {testPassword},
		"new_password": {"bkpsdm-deli-2024"}, "confirm_password": {"bkpsdm-deli-2024"}})
	wantPage(t, p, http.StatusBadRequest, "tidak boleh memuat nama atau alamat email")
	if !b.signedIn() {
		t.Error("a refused password change ended the session")
	}
	if p := a.browser(t).loginAs(officer.Email, testPassword); p.URL.Path != "/admin" {
		t.Errorf("the old password after a refused change: %d at %s", p.Status, p.URL)
	}
}
