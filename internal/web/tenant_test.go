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

// TestTenantIsolation: the officer of one regency can neither see nor
// change another's organizations, roster, events or certificates, through
// the pages or the API, and the refusals give nothing away.
func TestTenantIsolation(t *testing.T) {
	a := newTestApp(t)
	deli, officerA := a.mustOfficer(t)
	medan := a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	tokenA := a.mustToken(t, officerA)
	tokenB := a.mustToken(t, a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, medan.ID))

	// Medan's data: an agency, its roster, an open event, a certificate.
	r := a.api(t, "POST", "/api/v1/organizations", tokenB, map[string]any{"name": "Dinas Pendidikan Kota Medan", "kind": "agency", "parent_id": medan.ID})
	var agencyB orgJSON
	r.decode(t, &agencyB)
	teacher := person{NIP: nipFor(300), Front: "Drs.", Name: "Rahmat Hidayat Nasution", Position: "Guru Ahli Madya",
		Unit: "SMP Negeri 1 Medan", Category: "PNS"}
	a.mustImport(t, tokenB, agencyB.ID, rosterCSV(teacher))
	eventB := a.mustEvent(t, tokenB, medan.ID, "Deklarasi Netralitas ASN Kota Medan", nil)
	a.mustOpen(t, tokenB, eventB.ID)
	certB := a.mustSign(t, eventB, teacher).Certificate.Code
	secrets := []string{medan.Name, agencyB.Name, teacher.Name, "Hidayat", teacher.NIP, teacher.grouped(), teacher.Unit,
		eventB.URL[len(a.URL):], eventB.EventCode, "Deklarasi Netralitas ASN Kota Medan"}

	// Deli Serdang's own.
	a.mustImport(t, tokenA, deli.ID, rosterCSV(siti))
	eventA := a.mustEvent(t, tokenA, deli.ID, eventTitle, nil)
	a.mustOpen(t, tokenA, eventA.ID)
	certA := a.mustSign(t, eventA, siti).Certificate.Code

	// The pages.
	b := a.browser(t)
	b.login(officerA)
	home := b.get("/admin")
	wantPage(t, home, http.StatusOK, deli.Name, eventTitle)
	wantAbsent(t, "officer A's home page", home.Body, secrets...)
	for _, path := range []string{
		fmt.Sprintf("/admin/orgs/%d", deli.ID),
		fmt.Sprintf("/admin/events/%d", eventA.ID),
		fmt.Sprintf("/admin/events/%d/qr.png", eventA.ID),
		"/admin/certificates/" + certA,
	} {
		if p := b.get(path); p.Status != http.StatusOK {
			t.Fatalf("officer A GET own %s: status %d", path, p.Status)
		}
	}
	for _, path := range []string{
		fmt.Sprintf("/admin/orgs/%d", medan.ID),
		fmt.Sprintf("/admin/orgs/%d?q=%s", agencyB.ID, teacher.NIP),
		fmt.Sprintf("/admin/events/%d", eventB.ID),
		fmt.Sprintf("/admin/events/%d?status=signed", eventB.ID),
		fmt.Sprintf("/admin/events/%d/qr.png", eventB.ID),
		"/admin/certificates/" + certB,
	} {
		p := b.get(path)
		if p.Status != http.StatusNotFound {
			t.Errorf("officer A GET %s: status %d, want 404", path, p.Status)
		}
		wantAbsent(t, "officer A's "+path, p.Body, secrets...)
	}
	p := b.get("/admin/events/new")
	wantAbsent(t, "officer A's new event form", p.Body, secrets...)
	p = b.get("/admin/orgs/new")
	wantAbsent(t, "officer A's new organization form", p.Body, secrets...)
	csrf := b.csrf(home)
	for _, post := range []struct {
		path   string
		form   url.Values
		status int
	}{
		{fmt.Sprintf("/admin/events/%d/status", eventB.ID), url.Values{"status": {"closed"}}, http.StatusNotFound},
		{"/admin/certificates/" + certB + "/revoke", url.Values{"reason": {"Dicabut oleh daerah lain"}}, http.StatusNotFound},
		{"/admin/orgs", url.Values{"name": {"Sisipan"}, "kind": {"agency"}, "parent_id": {strconv.FormatInt(medan.ID, 10)}}, http.StatusNotFound},
		{"/admin/events", url.Values{"organization_id": {strconv.FormatInt(medan.ID, 10)}, "title": {"Sisipan"}, "mode": {"in_person"},
			"place": {"Aula"}, "starts_at": {"2024-10-23T09:00"}, "official_name": {"X"}, "official_position": {"Y"}}, http.StatusBadRequest},
	} {
		post.form.Set("_csrf", csrf)
		p := b.post(post.path, post.form)
		if p.Status != post.status {
			t.Errorf("officer A POST %s: status %d, want %d", post.path, p.Status, post.status)
		}
		wantAbsent(t, "officer A's POST "+post.path, p.Body, secrets...)
	}
	p = b.postMultipart(fmt.Sprintf("/admin/orgs/%d/import", agencyB.ID), url.Values{"_csrf": {csrf}}, "file", "sisipan.csv", "text/csv",
		[]byte(rosterCSV(person{NIP: teacher.NIP, Name: "Nama Palsu", Category: "PNS"})))
	if p.Status != http.StatusNotFound {
		t.Errorf("officer A importing into Medan's agency: status %d, want 404", p.Status)
	}
	wantAbsent(t, "officer A's import into Medan", p.Body, secrets...)

	// The API: refusals read exactly like an ID that does not exist.
	for _, c := range []struct {
		method, path, missing string
		body                  any
	}{
		{"GET", fmt.Sprintf("/api/v1/events/%d", eventB.ID), "/api/v1/events/999999", nil},
		{"POST", fmt.Sprintf("/api/v1/events/%d/open", eventB.ID), "/api/v1/events/999999/open", nil},
		{"POST", fmt.Sprintf("/api/v1/events/%d/close", eventB.ID), "/api/v1/events/999999/close", nil},
		{"POST", "/api/v1/certificates/" + certB + "/revoke", "/api/v1/certificates/ZZZZZZZZZZZZ/revoke", map[string]any{"reason": "Dicabut oleh daerah lain"}},
	} {
		r := a.api(t, c.method, c.path, tokenA, c.body)
		r.wantError(t, http.StatusNotFound, "not_found")
		wantAbsent(t, "officer A's API "+c.path, string(r.Body), secrets...)
		if missing := a.api(t, c.method, c.missing, tokenA, c.body); withoutRequestID(string(missing.Body)) != withoutRequestID(string(r.Body)) {
			t.Errorf("%s answers %s, but a missing one %s", c.path, r.Body, missing.Body)
		}
	}
	for _, id := range []int64{medan.ID, agencyB.ID} {
		r := a.do(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/import", id), tokenA, csvType,
			[]byte(rosterCSV(person{NIP: teacher.NIP, Name: "Nama Palsu", Category: "PNS"})))
		r.wantError(t, http.StatusNotFound, "not_found")
		missing := a.do(t, "POST", "/api/v1/organizations/999999/employees/import", tokenA, csvType, []byte(rosterCSV(siti)))
		if withoutRequestID(string(missing.Body)) != withoutRequestID(string(r.Body)) {
			t.Errorf("import into organization %d answers %s, a missing one %s", id, r.Body, missing.Body)
		}
	}
	a.api(t, "POST", "/api/v1/organizations", tokenA, map[string]any{"name": "Sisipan", "kind": "agency", "parent_id": medan.ID}).
		wantError(t, http.StatusNotFound, "not_found")
	r = a.api(t, "POST", "/api/v1/events", tokenA, map[string]any{"organization_id": medan.ID, "title": "Sisipan", "place": "Aula",
		"mode": "in_person", "starts_at": "2024-10-23T09:00:00+07:00", "official_name": "X", "official_position": "Y"})
	r.wantError(t, http.StatusNotFound, "not_found")
	// Signers of one regency cannot sign the other's event.
	a.sign(t, eventB, map[string]any{"nip": siti.NIP, "event_code": eventB.EventCode, "consent": true, "typed_name": "Siti"}).
		wantError(t, http.StatusForbidden, "not_eligible")
	a.sign(t, eventA, map[string]any{"nip": teacher.NIP, "event_code": eventA.EventCode, "consent": true, "typed_name": "Rahmat"}).
		wantError(t, http.StatusForbidden, "not_eligible")

	// Importing Medan's NIP into Deli Serdang neither moves the teacher nor
	// tells Deli Serdang that Medan has the NIP: it is another government's
	// employee, and Deli Serdang gets its own (TestRosterTakeoverAcrossTenants).
	r = a.do(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/import", deli.ID), tokenA, csvType,
		[]byte(rosterCSV(person{NIP: teacher.NIP, Name: "Nama Palsu", Category: "PNS"})))
	var imp importJSON
	r.decode(t, &imp)
	if r.Status != http.StatusOK || imp.Imported != 1 || imp.Updated != 0 {
		t.Errorf("import of Medan's NIP into Deli Serdang: status %d, %s", r.Status, r.Body)
	}
	wantAbsent(t, "an import of another government's NIP", string(r.Body), teacher.Name, medan.Name)

	// Medan's data is as it was.
	var cert certJSON
	a.api(t, "GET", "/api/v1/certificates/"+certB, "", nil).decode(t, &cert)
	if cert.Status != "valid" {
		t.Errorf("Medan's certificate is %q", cert.Status)
	}
	var ev eventJSON
	a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", eventB.ID), tokenB, nil).decode(t, &ev)
	if ev.Status != "open" || ev.Signed == nil || *ev.Signed != 1 {
		t.Errorf("Medan's event after officer A's attempts: %+v", ev)
	}
	emp, err := a.db.EmployeeByNIP(t.Context(), medan.Path, teacher.NIP)
	if err != nil || emp.Name != teacher.Name || emp.OrgID != agencyB.ID {
		t.Errorf("Medan's teacher after officer A's attempts: %+v (%v)", emp, err)
	}
	if orgs, err := a.db.Organizations(t.Context(), medan.Path); err != nil || len(orgs) != 2 {
		t.Errorf("Medan has %d organizations (%v), want 2", len(orgs), err)
	}
	if n := a.employeeCount(t, deli); n != 2 {
		t.Errorf("Deli Serdang has %d employees, want 2 (Siti and its own holder of Medan's NIP)", n)
	}
	evs, err := a.db.Events(t.Context(), "/")
	if err != nil || len(evs) != 2 {
		t.Errorf("%d events in the registry (%v), want 2", len(evs), err)
	}
}

// TestViewerRole: a viewer sees their regency but changes nothing.
func TestViewerRole(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	tokenAdmin := a.mustToken(t, officer)
	viewer := a.mustUser(t, "inspektorat@deliserdang.test", registry.RoleViewer, deli.ID)
	tokenViewer := a.mustToken(t, viewer)
	a.mustImport(t, tokenAdmin, deli.ID, rosterCSV(siti))
	e := a.mustEvent(t, tokenAdmin, deli.ID, eventTitle, nil)
	a.mustOpen(t, tokenAdmin, e.ID)
	code := a.mustSign(t, e, siti).Certificate.Code

	// API.
	if r := a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", e.ID), tokenViewer, nil); r.Status != http.StatusOK {
		t.Errorf("viewer reading the event: %d %s", r.Status, r.Body)
	}
	a.do(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/import", deli.ID), tokenViewer, csvType, []byte(rosterCSV(andre))).
		wantError(t, http.StatusForbidden, "forbidden")
	a.api(t, "POST", "/api/v1/events", tokenViewer, map[string]any{"organization_id": deli.ID, "title": "Acara Peninjau", "place": "Aula",
		"mode": "in_person", "starts_at": "2024-10-23T09:00:00+07:00", "official_name": "X", "official_position": "Y"}).
		wantError(t, http.StatusForbidden, "forbidden")
	a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", e.ID), tokenViewer, nil).wantError(t, http.StatusForbidden, "forbidden")
	a.api(t, "POST", "/api/v1/certificates/"+code+"/revoke", tokenViewer, map[string]any{"reason": "Peninjau mencabut"}).
		wantError(t, http.StatusForbidden, "forbidden")
	a.api(t, "POST", "/api/v1/organizations", tokenViewer, map[string]any{"name": "Unit Baru", "kind": "unit", "parent_id": deli.ID}).
		wantError(t, http.StatusForbidden, "forbidden")

	// Pages: no buttons, and the forms' targets refuse.
	b := a.browser(t)
	b.login(viewer)
	home := b.get("/admin")
	wantAbsent(t, "the viewer's home page", home.Body, "Buat acara baru", "Tambah organisasi")
	orgPath := fmt.Sprintf("/admin/orgs/%d", deli.ID)
	p := b.get(orgPath)
	wantPage(t, p, http.StatusOK, siti.fullName())
	wantAbsent(t, "the viewer's roster page", p.Body, `action="`+orgPath+`/import"`)
	p = b.get(fmt.Sprintf("/admin/events/%d", e.ID))
	wantPage(t, p, http.StatusOK, eventTitle)
	wantAbsent(t, "the viewer's event page", p.Body, "Tutup acara")
	p = b.get("/admin/certificates/" + code)
	wantPage(t, p, http.StatusOK, siti.fullName())
	wantAbsent(t, "the viewer's certificate page", p.Body, "Cabut sertifikat")
	csrf := b.csrf(home)
	p = b.postMultipart(orgPath+"/import", url.Values{"_csrf": {csrf}}, "file", "pegawai.csv", "text/csv", []byte(rosterCSV(andre)))
	wantPage(t, p, http.StatusForbidden, "tidak mengizinkan")
	p = b.post("/admin/certificates/"+code+"/revoke", url.Values{"_csrf": {csrf}, "reason": {"Peninjau mencabut"}})
	wantPage(t, p, http.StatusForbidden, "tidak mengizinkan")
	p = b.post(fmt.Sprintf("/admin/events/%d/status", e.ID), url.Values{"_csrf": {csrf}, "status": {"closed"}})
	wantPage(t, p, http.StatusForbidden, "tidak mengizinkan")

	var cert certJSON
	a.api(t, "GET", "/api/v1/certificates/"+code, "", nil).decode(t, &cert)
	var ev eventJSON
	a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", e.ID), tokenAdmin, nil).decode(t, &ev)
	if cert.Status != "valid" || ev.Status != "open" || a.employeeCount(t, deli) != 1 {
		t.Errorf("after the viewer's attempts: certificate %q, event %q, %d employees", cert.Status, ev.Status, a.employeeCount(t, deli))
	}
	if evs, _ := a.db.Events(t.Context(), "/"); len(evs) != 1 || !strings.EqualFold(evs[0].Title, eventTitle) {
		t.Errorf("events after the viewer's attempts: %+v", evs)
	}
}
