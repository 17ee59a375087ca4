package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster/rostertest"
)

// employeeIn returns the employee holding nip inside scope.
func (a *testApp) employeeIn(t *testing.T, scope registry.Organization, nip string) registry.Employee {
	t.Helper()
	e, err := a.db.EmployeeByNIP(context.Background(), scope.Path, nip)
	if err != nil {
		t.Fatalf("employee %s in %s: %v", nip, scope.Name, err)
	}
	return e
}

// certificateName signs p into e and returns the name on the record.
func (a *testApp) certificateName(t *testing.T, e eventJSON, p person) string {
	t.Helper()
	code := a.mustSign(t, e, p).Certificate.Code
	sig, err := a.db.SignatureByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return sig.Name
}

// TestRosterTakeoverAcrossTenants: the operator of regency B imports a file
// with regency A's NIP. A's employee stays A's — organization, name and
// unit — A's event keeps the participant and A's signer still signs; B gets
// an employee of its own; nothing B sees tells of A.
func TestRosterTakeoverAcrossTenants(t *testing.T) {
	a := newTestApp(t)
	deli, officerA := a.mustOfficer(t)
	tokenA := a.mustToken(t, officerA)
	medan := a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	operatorB := a.mustUser(t, "operator@medan.test", registry.RoleOperator, medan.ID)
	tokenB := a.mustToken(t, operatorB)

	agencyA := a.mustChildOrg(t, deli, "Dinas Kesehatan Kabupaten Deli Serdang", registry.OrgAgency)
	a.mustImport(t, tokenA, agencyA.ID, rosterCSV(siti))
	eventA := a.mustEvent(t, tokenA, deli.ID, eventTitle, nil)
	a.mustOpen(t, tokenA, eventA.ID)
	before := a.employeeIn(t, deli, siti.NIP)

	hostile := person{NIP: siti.NIP, Name: "Nama Pengambilalihan", Position: "Staf", Unit: "Bagian Pengambilalihan", Category: "PNS"}
	secrets := []string{siti.Name, siti.Unit, siti.Position, deli.Name, agencyA.Name, "sudah terdaftar"}
	// Through the API, then through the roster page.
	out := a.mustImport(t, tokenB, medan.ID, rosterCSV(hostile))
	if out.Imported != 1 || out.Updated != 0 || len(out.Rejected) != 0 {
		t.Errorf("B's import of A's NIP: %+v, want one new employee of B's own", out)
	}
	b := a.browser(t)
	b.login(operatorB)
	orgPath := fmt.Sprintf("/admin/orgs/%d", medan.ID)
	hostile.Name = "Nama Pengambilalihan Kedua"
	p := b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(rosterCSV(hostile)))
	wantPage(t, p, http.StatusOK)
	wantAbsent(t, "B's import report", p.Body, secrets...)
	wantAbsent(t, "B's roster page", b.get(orgPath).Body, secrets...)
	wantAbsent(t, "B's roster search", b.get(orgPath+"?q="+siti.NIP).Body, secrets...)

	if after := a.employeeIn(t, deli, siti.NIP); after != before {
		t.Errorf("A's employee after B's imports: %+v, was %+v", after, before)
	}
	own := a.employeeIn(t, medan, siti.NIP)
	if own.ID == before.ID || own.OrgID != medan.ID || own.Name != hostile.Name {
		t.Errorf("B's employee: %+v", own)
	}
	var ev eventJSON
	a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", eventA.ID), tokenA, nil).decode(t, &ev)
	if ev.Eligible == nil || *ev.Eligible != 1 {
		t.Errorf("A's event after B's imports: %+v", ev)
	}
	if got := a.certificateName(t, eventA, siti); got != siti.fullName() {
		t.Errorf("A's signer signed as %q, want %q", got, siti.fullName())
	}
}

// TestRosterPreRegisteredNIPs: a government that imports another's NIPs
// first blocks nothing: the other's import still adds its employees, and
// the first keeps its own.
func TestRosterPreRegisteredNIPs(t *testing.T) {
	a := newTestApp(t)
	deli, officerA := a.mustOfficer(t)
	tokenA := a.mustToken(t, officerA)
	medan := a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	tokenB := a.mustToken(t, a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, medan.ID))

	rosterA := staff(100, 30, "Bagian Umum")
	squatted := make([]person, len(rosterA))
	for i, p := range rosterA {
		p.Name, p.Unit = fmt.Sprintf("Penyerobot %d", i), "Bagian Serobot"
		squatted[i] = p
	}
	a.mustImport(t, tokenB, medan.ID, rosterCSV(squatted...))
	out := a.mustImport(t, tokenA, deli.ID, rosterCSV(rosterA...))
	if out.Imported != len(rosterA) || out.Updated != 0 || len(out.Rejected) != 0 {
		t.Fatalf("A's import after B registered its NIPs: %+v", out)
	}
	for i, p := range rosterA {
		if e := a.employeeIn(t, deli, p.NIP); e.Name != p.Name || e.OrgID != deli.ID {
			t.Errorf("A's employee %d: %+v", i, e)
		}
		if e := a.employeeIn(t, medan, p.NIP); e.Name != squatted[i].Name || e.OrgID != medan.ID {
			t.Errorf("B's employee %d: %+v", i, e)
		}
	}
}

// TestRosterSameNIPProvinceAndRegency: a regency under a province is a
// government of its own, so one NIP may be on both rosters ("a
// province-wide event next to a regency roster"). Identification resolves
// within the event's scope: the province's event takes the province's own
// employee, the regency's event the regency's; a participant list of the
// province's event likewise.
func TestRosterSameNIPProvinceAndRegency(t *testing.T) {
	a := newTestApp(t)
	super := a.mustToken(t, a.mustSuperadmin(t))
	sumut := a.mustOrg(t, "Pemerintah Provinsi Sumatera Utara", registry.OrgProvince, "12")
	biro := a.mustChildOrg(t, sumut, "Biro Organisasi Setda Provinsi", registry.OrgAgency)
	deli := a.mustChildOrg(t, sumut, "Pemerintah Kabupaten Deli Serdang", registry.OrgRegency)
	inProvince := person{NIP: siti.NIP, Name: "Siti di Provinsi", Unit: "Biro Organisasi", Category: "PNS"}
	inRegency := person{NIP: siti.NIP, Name: "Siti di Kabupaten", Unit: "Dinas Kesehatan", Category: "PNS"}
	a.mustImport(t, super, deli.ID, rosterCSV(inRegency))
	out := a.mustImport(t, super, biro.ID, rosterCSV(inProvince))
	if out.Imported != 1 || out.Updated != 0 {
		t.Fatalf("the regency's NIP imported into the province: %+v", out)
	}
	if n := a.employeeCount(t, sumut); n != 2 {
		t.Fatalf("%d employees in the province's tree, want 2", n)
	}
	provinceEvent := a.mustEvent(t, super, sumut.ID, "Deklarasi Provinsi", nil)
	regencyEvent := a.mustEvent(t, super, deli.ID, "Deklarasi Kabupaten", nil)
	listed := a.mustEvent(t, super, sumut.ID, "Deklarasi Provinsi Berdaftar", nil)
	for _, e := range []eventJSON{provinceEvent, regencyEvent, listed} {
		a.mustOpen(t, super, e.ID)
	}
	if got := a.certificateName(t, provinceEvent, siti); got != inProvince.Name {
		t.Errorf("the province's event identified %q, want the province's own employee", got)
	}
	if got := a.certificateName(t, regencyEvent, siti); got != inRegency.Name {
		t.Errorf("the regency's event identified %q, want the regency's employee", got)
	}
	ids, err := a.db.EmployeeIDsByNIP(context.Background(), sumut.Path, []string{siti.NIP})
	if err != nil || ids[siti.NIP] != a.employeeIn(t, biro, siti.NIP).ID {
		t.Errorf("a participant list of the province resolves %v (%v) to another than the province's employee", ids, err)
	}
}

// TestImportCannotMoveFromSiblingOPD: the admin of one agency (OPD) cannot
// take an employee of a sibling agency by importing its NIP: the row is
// refused with a reason and nothing is written (or only the other rows,
// when bad rows are to be skipped); the regency's admin above both can.
func TestImportCannotMoveFromSiblingOPD(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	dinkes := a.mustChildOrg(t, deli, "Dinas Kesehatan", registry.OrgAgency)
	disdik := a.mustChildOrg(t, deli, "Dinas Pendidikan", registry.OrgAgency)
	a.mustImport(t, token, disdik.ID, rosterCSV(andre))
	opdAdmin := a.mustUser(t, "admin@dinkes.test", registry.RoleAdmin, dinkes.ID)
	opdToken := a.mustToken(t, opdAdmin)
	moved := andre
	moved.Unit = "Puskesmas Lubuk Pakam"
	newcomer := staff(200, 1, "Puskesmas Lubuk Pakam")[0]
	importPath := fmt.Sprintf("/api/v1/organizations/%d/employees/import", dinkes.ID)

	r := a.do(t, "POST", importPath, opdToken, csvType, []byte(rosterCSV(newcomer, moved)))
	var out importJSON
	r.decode(t, &out)
	if r.Status != http.StatusUnprocessableEntity || out.Imported != 0 || len(out.Rejected) != 1 || out.Rejected[0].Row != 3 ||
		out.Rejected[0].NIP != andre.NIP || !strings.Contains(out.Rejected[0].Reason, "di luar kewenangan Anda") {
		t.Fatalf("the OPD's import of a sibling's employee: %d %s", r.Status, r.Body)
	}
	wantAbsent(t, "the refusal", string(r.Body), disdik.Name, andre.Name)
	if n := a.employeeCount(t, dinkes); n != 0 {
		t.Errorf("%d employees written by a refused import", n)
	}
	// The import page says the refusal in its reader's language.
	b := a.browser(t)
	b.login(opdAdmin)
	home := b.get(fmt.Sprintf("/admin/orgs/%d?lang=en", dinkes.ID))
	p := b.postMultipart(fmt.Sprintf("/admin/orgs/%d/import", dinkes.ID), url.Values{"_csrf": {b.csrf(home)}}, "file", "pegawai.csv",
		"text/csv", []byte(rosterCSV(newcomer, moved)))
	if p.Status == http.StatusSeeOther {
		p = b.get(p.Header.Get("Location"))
	}
	wantPage(t, p, http.StatusUnprocessableEntity, "outside your authority")
	wantAbsent(t, "the English import report", p.Body, "di luar kewenangan")
	r = a.do(t, "POST", importPath+"?skip_invalid=1", opdToken, csvType, []byte(rosterCSV(newcomer, moved)))
	r.decode(t, &out)
	if r.Status != http.StatusOK || out.Imported != 1 || len(out.Rejected) != 1 {
		t.Errorf("the same import skipping bad rows: %d %s", r.Status, r.Body)
	}
	if e := a.employeeIn(t, deli, andre.NIP); e.OrgID != disdik.ID || e.Unit != andre.Unit {
		t.Errorf("the sibling's employee after the OPD's imports: %+v", e)
	}
	// A transfer by the admin of both is an update.
	out = a.mustImport(t, token, dinkes.ID, rosterCSV(moved))
	if e := a.employeeIn(t, deli, andre.NIP); out.Updated != 1 || e.OrgID != dinkes.ID || e.Unit != moved.Unit {
		t.Errorf("the regency's transfer: %+v, employee %+v", out, e)
	}
}

// --- uploads ---

// countingBody is a request body of size bytes (a multipart form with one
// file) that counts what the server reads of it.
type countingBody struct {
	r    io.Reader
	read *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

func (b countingBody) Close() error { return nil }

// hugeUpload returns a request posting a multipart form whose file is size
// bytes, and the count of bytes read from it.
func hugeUpload(target string, size int64) (*http.Request, *atomic.Int64) {
	const boundary = "ikrarboundary"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pegawai.csv\"\r\nContent-Type: text/csv\r\n\r\nnip,nama\n"
	tail := "\r\n--" + boundary + "--\r\n"
	filler := io.LimitReader(repeatReader('x'), size-int64(len(head)+len(tail)))
	read := new(atomic.Int64)
	req := httptest.NewRequest("POST", target, countingBody{r: io.MultiReader(strings.NewReader(head), filler, strings.NewReader(tail)), read: read})
	req.ContentLength = size
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.RemoteAddr = "203.0.113.7:4000"
	return req, read
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// withSession adds b's cookies (session and CSRF) and its CSRF token to req.
func (b *browser) withSession(req *http.Request, csrf string) {
	u, _ := url.Parse(b.app.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	q := req.URL.Query()
	q.Set("_csrf", csrf)
	req.URL.RawQuery = q.Encode()
}

// TestImportUploadsRefusedBeforeReading: a 10 MB upload to any import
// route is refused without the server reading the body past 1 MB — and,
// where the route can tell who is asking, without reading it at all — when
// it comes from an anonymous client, a viewer, another tenant's officer,
// or names an organization or event that does not exist. The officer's own
// upload of more than 1 MB still goes through.
func TestImportUploadsRefusedBeforeReading(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	a.mustImport(t, token, deli.ID, rosterCSV(siti))
	event := a.mustEvent(t, token, deli.ID, eventTitle, nil)
	medan := a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	stranger := a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, medan.ID)
	viewer := a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, deli.ID)

	rosterPath := fmt.Sprintf("/admin/orgs/%d/import", deli.ID)
	listPath := fmt.Sprintf("/admin/events/%d/participants/import", event.ID)
	apiPath := fmt.Sprintf("/api/v1/organizations/%d/employees/import", deli.ID)
	signedIn := func(u registry.User) func(*http.Request) {
		b := a.browser(t)
		b.login(u)
		csrf := b.csrf(b.get("/admin"))
		return func(req *http.Request) { b.withSession(req, csrf) }
	}
	bearer := func(u registry.User) func(*http.Request) {
		tok := a.mustToken(t, u)
		return func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+tok) }
	}
	anonymous := func(*http.Request) {}
	asViewer, asStranger, asOfficer := signedIn(viewer), signedIn(stranger), signedIn(officer)
	for _, tc := range []struct {
		name   string
		path   string
		as     func(*http.Request)
		status int
	}{
		{"anonymous roster import", rosterPath, anonymous, http.StatusSeeOther},
		{"anonymous participant list", listPath, anonymous, http.StatusSeeOther},
		{"anonymous API import", apiPath, anonymous, http.StatusUnauthorized},
		{"anonymous import of a missing event", "/admin/events/999999/participants/import", anonymous, http.StatusSeeOther},
		{"viewer's roster import", rosterPath, asViewer, http.StatusForbidden},
		{"viewer's participant list", listPath, asViewer, http.StatusForbidden},
		{"viewer's API import", apiPath, bearer(viewer), http.StatusForbidden},
		{"another tenant's roster import", rosterPath, asStranger, http.StatusNotFound},
		{"another tenant's participant list", listPath, asStranger, http.StatusNotFound},
		{"another tenant's API import", apiPath, bearer(stranger), http.StatusNotFound},
		{"a missing event", "/admin/events/999999/participants/import", asOfficer, http.StatusNotFound},
		{"a missing organization", "/admin/orgs/999999/import", asOfficer, http.StatusNotFound},
		{"a missing organization through the API", "/api/v1/organizations/999999/employees/import", bearer(officer), http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, read := hugeUpload(tc.path, 10<<20)
			tc.as(req)
			r := a.serve(req)
			if r.Status != tc.status {
				t.Errorf("status %d, want %d: %.300s", r.Status, tc.status, r.Body)
			}
			if n := read.Load(); n != 0 {
				t.Errorf("the server read %d bytes of a refused upload", n)
			}
			wantAbsent(t, "the refusal", string(r.Body), siti.Name, deli.Name)
		})
	}

	// A signed-in upload without its CSRF token in the URL is refused
	// before its body, too.
	req, read := hugeUpload(rosterPath, 10<<20)
	asOfficer(req)
	req.URL.RawQuery = ""
	if r := a.serve(req); r.Status != http.StatusForbidden || read.Load() != 0 {
		t.Errorf("upload without its CSRF token: status %d, %d bytes read", r.Status, read.Load())
	}
	// Any other POST is bounded at 1 MB, whatever its path.
	req, read = hugeUpload("/e/no-such-event/import", 10<<20)
	if r := a.serve(req); r.Status != http.StatusRequestEntityTooLarge || read.Load() > 1<<20 {
		t.Errorf("10 MB to another path: status %d, %d bytes read", r.Status, read.Load())
	}

	// The officer's own roster of more than 1 MB, through the page's form.
	b := a.browser(t)
	b.login(officer)
	// A roster with a notes column the import ignores: 300 rows of 4 KB.
	var sb strings.Builder
	sb.WriteString("nip,nama,unit_kerja,catatan\n")
	for _, p := range staff(0, 300, "Bagian Umum") {
		sb.WriteString(p.NIP + "," + p.Name + "," + p.Unit + "," + strings.Repeat("catatan ", 512) + "\n")
	}
	csv := sb.String()
	if len(csv) <= 1<<20 {
		t.Fatalf("the legitimate roster is only %d bytes", len(csv))
	}
	orgPath := fmt.Sprintf("/admin/orgs/%d", deli.ID)
	p := b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(csv))
	wantPage(t, p, http.StatusOK)
	if n := a.employeeCount(t, deli); n != 301 {
		t.Errorf("%d employees after the officer's upload, want 301", n)
	}
}

// TestImportXLSXBomb: an officer's upload of a workbook that unpacks to
// 1 GB is refused as too large, on the roster page, the participant page
// and the API, and nothing is imported.
func TestImportXLSXBomb(t *testing.T) {
	a := newTestApp(t)
	deli, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	event := a.mustEvent(t, token, deli.ID, eventTitle, nil)
	bomb := rostertest.XLSXBomb(1 << 30)
	xlsxType := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

	r := a.do(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/import", deli.ID), token, xlsxType, bomb)
	r.wantError(t, http.StatusRequestEntityTooLarge, registry.ETOOLARGE)
	b := a.browser(t)
	b.login(officer)
	orgPath := fmt.Sprintf("/admin/orgs/%d", deli.ID)
	p := b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "pegawai.xlsx", xlsxType, bomb)
	wantPage(t, p, http.StatusRequestEntityTooLarge, "terlalu besar")
	listPath := fmt.Sprintf("/admin/events/%d/participants", event.ID)
	p = b.upload(b.get(listPath), listPath+"/import", nil, "file", "peserta.xlsx", xlsxType, bomb)
	wantPage(t, p, http.StatusRequestEntityTooLarge, "terlalu besar")
	if n := a.employeeCount(t, deli); n != 0 {
		t.Errorf("%d employees imported from a bomb", n)
	}
}
