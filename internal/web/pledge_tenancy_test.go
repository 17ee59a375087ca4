package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// A government's pledge version is its own: another government's admin
// neither sees it, nor uses it by ID (web or API), nor learns it exists;
// the owner's subtree sees and uses it; its signers read it through the
// event; publishing it is audited with its owner.
func TestPledgeBelongsToOrganization(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	karo := a.mustOrg(t, "Pemerintah Kabupaten Karo", registry.OrgRegency, "12.06")
	rival := a.mustUser(t, "bkpsdm@karo.test", registry.RoleAdmin, karo.ID)
	rivalToken := a.mustToken(t, rival)
	a.mustImport(t, token, deli.ID, rosterCSV(siti))

	own := registry.VillageHeadPledge()
	own.Title = "Ikrar Netralitas Perangkat Desa Deli Serdang"
	own.Points[4] = "Menolak praktik politik uang di seluruh desa Deli Serdang."
	form := url.Values{"title": {own.Title}, "opening": {own.Opening}, "points": {strings.Join(own.Points, "\n")}, "closing": {own.Closing}}
	admin := a.browser(t)
	admin.login(officer)
	p := admin.submit(admin.get("/admin/pledges/new"), "/admin/pledges", form)
	wantPage(t, p, http.StatusOK, "Versi ikrar baru tersimpan", own.Title, "milik "+deli.Name)
	id, err := strconv.ParseInt(p.URL.Query().Get("created"), 10, 64)
	if err != nil {
		t.Fatalf("created pledge from %s: %v", p.URL, err)
	}
	stored, err := a.db.Pledge(t.Context(), id)
	if err != nil || stored.OrgID != deli.ID {
		t.Fatalf("stored pledge owner %d (%v), want %d", stored.OrgID, err, deli.ID)
	}
	entries, err := a.db.Audit(t.Context(), deli.Path, 50)
	if err != nil || !hasAction(entries, "pledge.create") {
		t.Errorf("the publication is not in the owner's audit trail (%v)", err)
	}

	// The other government: not listed, not offered, not usable by ID —
	// answered as an ID that does not exist.
	rb := a.browser(t)
	rb.login(rival)
	secret := []string{own.Title, stored.Hash, own.Points[4]}
	list := rb.get("/admin/pledges")
	wantPage(t, list, http.StatusOK, registry.DefaultPledge().Title)
	wantAbsent(t, "the pledges page to another government", list.Body, secret...)
	newEvent := rb.get("/admin/events/new")
	wantPage(t, newEvent, http.StatusOK, registry.DefaultPledge().Title)
	wantAbsent(t, "the event form to another government", newEvent.Body, append(secret, fmt.Sprintf(`<option value="%d">`, id))...)
	event := map[string]any{"organization_id": karo.ID, "title": "Deklarasi Karo", "mode": "in_person", "place": "Aula Kabanjahe",
		"starts_at": "2024-10-23T09:00:00+07:00", "official_name": "Drs. Sekda", "official_position": "Sekretaris Daerah"}
	event["pledge_id"] = id
	foreign := a.api(t, "POST", "/api/v1/events", rivalToken, event)
	event["pledge_id"] = id + 1000
	missing := a.api(t, "POST", "/api/v1/events", rivalToken, event)
	foreign.wantError(t, http.StatusNotFound, "not_found")
	if withoutRequestID(string(foreign.Body)) != withoutRequestID(string(missing.Body)) || foreign.Status != missing.Status {
		t.Errorf("another government's pledge answers %d %s, a missing one %d %s", foreign.Status, foreign.Body, missing.Status, missing.Body)
	}
	webForm := url.Values{"organization_id": {strconv.FormatInt(karo.ID, 10)}, "title": {"Deklarasi Karo"}, "mode": {"in_person"}, "place": {"Aula Kabanjahe"},
		"starts_at": {"2024-10-23T09:00"}, "pledge_id": {strconv.FormatInt(id, 10)},
		"official_name": {"Drs. Sekda"}, "official_position": {"Sekretaris Daerah"}}
	p = rb.submit(newEvent, "/admin/events", webForm)
	wantPage(t, p, http.StatusNotFound, "Versi ikrar tidak ditemukan")
	wantAbsent(t, "the refused event form", p.Body, secret...)
	// The same text typed by the other government is its own version, not
	// a conflict that would tell it the first exists.
	p = rb.submit(rb.get("/admin/pledges/new"), "/admin/pledges", form)
	wantPage(t, p, http.StatusOK, "Versi ikrar baru tersimpan", "milik "+karo.Name)

	// The owner's subtree: an agency below the regency uses it.
	dinas := &registry.Organization{Name: "Dinas Pendidikan", Kind: registry.OrgAgency, ParentID: deli.ID, TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(t.Context(), system, dinas); err != nil {
		t.Fatal(err)
	}
	a.mustEvent(t, token, dinas.ID, "Deklarasi Dinas Pendidikan", map[string]any{"pledge_id": id})
	e := a.mustEvent(t, token, deli.ID, "Deklarasi Perangkat Desa", map[string]any{"pledge_id": id})
	a.mustOpen(t, token, e.ID)

	// Its signers, and anyone verifying, read it through the event.
	signed := a.mustSign(t, e, siti)
	wantPage(t, a.browser(t).get("/v/"+signed.Certificate.Code), http.StatusOK, own.Points[4])
}
