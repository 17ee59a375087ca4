package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestPledgePreview: "Pratinjau" on the new-version form shows the version
// as signers will read it — the opening with the organization's name, the
// numbered points, the canonical text and its hash — and stores nothing;
// the form stays filled, and saving it then stores exactly that version.
func TestPledgePreview(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	admin := a.browser(t)
	admin.login(officer)
	village := registry.VillageHeadPledge()
	var numbered []string
	for i, pt := range village.Points {
		numbered = append(numbered, fmt.Sprintf("%d. %s", i+1, pt))
	}
	form := url.Values{"title": {village.Title}, "opening": {village.Opening}, "points": {strings.Join(numbered, "\r\n")},
		"closing": {village.Closing}}
	countPledges := func() int {
		all, err := a.db.Pledges(t.Context(), "/")
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}

	preview := url.Values{"preview": {"1"}}
	for k, v := range form {
		preview[k] = v
	}
	p := admin.submit(admin.get("/admin/pledges/new"), "/admin/pledges", preview)
	wantPage(t, p, http.StatusOK, "Pratinjau", "Belum disimpan", village.Hash, "ikrar-pledge/v1",
		"<li>Menolak praktik politik uang.</li>", `value="Ikrar Netralitas Kepala Desa"`)
	body := html.UnescapeString(p.Body)
	opening := strings.ReplaceAll(village.Opening, registry.InstitutionPlaceholder, regency.Name)
	if !strings.Contains(body, "<p>"+opening+"</p>") {
		t.Errorf("the preview does not open with %q", opening)
	}
	if !strings.Contains(body, "1. "+village.Points[0]+"\n") {
		t.Errorf("the preview's canonical text lacks its first point numbered")
	}
	if n := countPledges(); n != 1 {
		t.Fatalf("%d pledge versions after a preview, want 1 (the default)", n)
	}

	// A version with a mistake is told, not previewed.
	bad := url.Values{"preview": {"1"}, "title": {""}, "opening": {village.Opening}, "points": {"Satu butir"}}
	wantPage(t, admin.submit(admin.get("/admin/pledges/new"), "/admin/pledges", bad), http.StatusBadRequest, "Judul ikrar wajib diisi")

	// Saving from the preview's form stores what was previewed.
	p = admin.submit(p, "/admin/pledges", form)
	wantPage(t, p, http.StatusOK, "Versi ikrar baru tersimpan", village.Hash)
	if n := countPledges(); n != 2 {
		t.Fatalf("%d pledge versions after saving, want 2", n)
	}

	// An operator can no more preview than save.
	ob := a.browser(t)
	ob.login(a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, regency.ID))
	op := ob.post("/admin/pledges", url.Values{"_csrf": {ob.csrf(ob.get("/admin"))}, "preview": {"1"}, "title": {"X"},
		"opening": {"Kami"}, "points": {"Satu"}})
	wantPage(t, op, http.StatusForbidden)
}
