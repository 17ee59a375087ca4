package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// An erasure leaves nothing of the person: not in the rows, not in the
// database file's free pages, not in the WAL or its index, not in a backup
// made afterwards, not in the stored certificate. The public verdict stops
// showing what it showed of them, and the log proof holds.
func TestEraseLeavesNothing(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	p := person{NIP: "197311042001121007", Front: "Dr.", Name: "Zulkifli Quetzal Wirabumi", Back: "M.Kom.",
		Position: "Penelaah Xenografi Ahli Madya", Rank: "Pembina Xantippe (IV/a)", Unit: "Bidang Yodiumwijaya Kuantum", Category: "PNS"}
	others := staff(0, 3, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(append(others, p)...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	a.mustOpen(t, token, e.ID)
	for _, o := range others {
		a.mustSign(t, e, o)
	}
	const agent = "Peramban-Uji-Zq7/9.87 (Xenografi)"
	req := request("POST", fmt.Sprintf("/api/v1/events/%d/signatures", e.ID), "203.0.113.219:4431",
		map[string]any{"nip": p.NIP, "event_code": e.EventCode, "consent": true, "signature_png": signaturePNG(t)})
	req.Header.Set("User-Agent", agent)
	r := a.serve(req)
	if r.Status != http.StatusCreated {
		t.Fatalf("sign: %d %s", r.Status, r.Body)
	}
	var signed signJSON
	r.decode(t, &signed)
	code := signed.Certificate.Code
	pdf := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil)
	if pdf.Status != http.StatusOK {
		t.Fatalf("download: %d", pdf.Status)
	}
	if n := a.storedPDFs(t, code); n != 1 {
		t.Fatalf("%d stored certificates for the record, want 1", n)
	}
	visitor := a.browser(t)
	verifyBefore := visitor.get("/v/" + code)
	before := certificateOf(t, a, code)
	if before.Position != p.Position || before.PDFSHA256 == "" {
		t.Fatalf("before erasure the public view shows %+v", before)
	}

	// What to look for in the files: every value of the person, and a
	// piece of the drawn signature as stored.
	a.sqliteOnly(t)
	ink := storedInk(t, a.path, code)
	needles := map[string][]byte{"NIP": []byte(p.NIP), "name": []byte(p.Name), "position": []byte(p.Position),
		"rank": []byte(p.Rank), "unit": []byte(p.Unit), "user agent": []byte(agent), "client IP": []byte("203.0.113.219"),
		"drawn signature": ink[len(ink)/2 : len(ink)/2+48],
		"issued PDF":      pdf.Body[len(pdf.Body)/2 : len(pdf.Body)/2+64]}
	// The PDF's fingerprint is not personal data and stays in the
	// database for the audit to recompute the issuance leaf; the public
	// answers stop showing it, since it would confirm a copy.
	for what, n := range needles {
		if !anyFileHolds([]string{a.path, a.path + "-wal"}, n) {
			t.Fatalf("the test cannot fail: the %s is in no database file before the erasure", what)
		}
	}

	super := a.mustToken(t, a.mustSuperadmin(t))
	r = a.api(t, "POST", "/api/v1/certificates/"+code+"/erase", super, map[string]any{"reason": "Permintaan pemilik data, surat no. 800/12", "person": true})
	if r.Status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.Status, r.Body)
	}

	after := certificateOf(t, a, code)
	if after.Position != "" || after.Unit != "" || after.PDFSHA256 != "" || after.Name != "" || after.NIP != "" || !after.Erased {
		t.Errorf("the public view after erasure: %+v", after)
	}
	if after.Log == nil || after.Log.LeafHash != before.Log.LeafHash || after.Log.LeafIndex != before.Log.LeafIndex || after.Log.Problem != "" {
		t.Errorf("log proof after erasure: %+v, before %+v", after.Log, before.Log)
	}
	if before.Log.Issuance == nil || after.Log.Issuance == nil || after.Log.Issuance.LeafHash != before.Log.Issuance.LeafHash ||
		len(after.Log.Issuance.Preimage) != 0 || after.Status != "valid" {
		t.Errorf("issuance leaf after erasure: %+v (status %s), before %+v; want the same leaf, its preimage withheld, valid",
			after.Log.Issuance, after.Status, before.Log.Issuance)
	}
	page := visitor.get("/v/" + code)
	wantPage(t, page, http.StatusOK)
	wantAbsent(t, "verification page", page.Body, p.Position, p.Rank, p.Unit, p.Name, before.PDFSHA256)
	// The PDF check would confirm a copy of the erased certificate.
	if got := a.do(t, "POST", "/api/v1/certificates/"+code+"/pdf", "", "application/pdf", pdf.Body); got.Status != http.StatusGone ||
		bytes.Contains(got.Body, []byte(before.PDFSHA256)) {
		t.Errorf("API PDF check after erasure: %d %s", got.Status, got.Body)
	}
	got := visitor.upload(verifyBefore, "/v/"+code+"/pdf", nil, "pdf", "sertifikat.pdf", "application/pdf", pdf.Body)
	wantPage(t, got, http.StatusOK, "PDF-nya tidak lagi tersedia")
	wantAbsent(t, "PDF check page", got.Body, before.PDFSHA256, p.Position, p.Unit)
	if n := a.storedPDFs(t, code); n != 0 {
		t.Errorf("%d stored certificates left for the erased record", n)
	}
	if got := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil); got.Status != http.StatusGone {
		t.Errorf("download after erasure: %d", got.Status)
	}
	if n := a.employeeCount(t, org); n != len(others) {
		t.Errorf("%d employees on the roster after erasing the person, want %d", n, len(others))
	}
	var linked sql.NullInt64
	if err := openRead(t, a.path).QueryRow(`SELECT employee_id FROM signatures WHERE code = ?`, code).Scan(&linked); err != nil || linked.Valid {
		t.Errorf("the record still links to roster row %v (%v)", linked, err)
	}

	backup := filepath.Join(t.TempDir(), "after.db")
	if err := a.lite.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	files := []string{a.path, a.path + "-wal", a.path + "-shm", backup}
	for what, n := range needles {
		for _, f := range files {
			if fileHolds(t, f, n) {
				t.Errorf("the erased %s is still in %s", what, filepath.Base(f))
			}
		}
	}
}

// storedPDFs counts the stored certificates of the record with code.
func (a *testApp) storedPDFs(t *testing.T, code string) int {
	t.Helper()
	sig, err := a.db.SignatureByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.db.IssuedPDF(t.Context(), sig.ID)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return 1
}

// A record erased alone keeps no link to its roster row; the person, still
// on the roster, counts as not signed and may sign again: a new record.
func TestEraseRecordUnlinksRoster(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 2, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	a.mustOpen(t, token, e.ID)
	first := a.mustSign(t, e, people[0])
	a.mustSign(t, e, people[1])
	r := a.api(t, "POST", "/api/v1/certificates/"+first.Certificate.Code+"/erase", token, map[string]any{"reason": "Permintaan pemilik data, surat no. 800/13"})
	if r.Status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.Status, r.Body)
	}
	var ev eventJSON
	a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", e.ID), token, nil).decode(t, &ev)
	if ev.Signed == nil || *ev.Signed != 1 {
		t.Errorf("signed after erasing one of two records: %v, want 1", ev.Signed)
	}
	if erased, err := a.db.SignatureByCode(t.Context(), first.Certificate.Code); err != nil || erased.EmployeeID != 0 {
		t.Errorf("the erased record still links to roster row %d (%v)", erased.EmployeeID, err)
	}
	again := a.mustSign(t, e, people[0])
	if again.AlreadySigned || again.Certificate.Code == first.Certificate.Code {
		t.Errorf("signing again after the erasure: %+v", again)
	}
	if n := a.employeeCount(t, org); n != 2 {
		t.Errorf("erasing a record alone removed a roster row: %d employees", n)
	}
	// The erased record cannot be erased as a person any more: it names
	// nobody.
	r = a.api(t, "POST", "/api/v1/certificates/"+first.Certificate.Code+"/erase", token, map[string]any{"reason": "Permintaan pemilik data, surat no. 800/14", "person": true})
	r.wantError(t, http.StatusConflict, "conflict")
}

type publicCert struct {
	certJSON
	Position  string `json:"position"`
	PDFSHA256 string `json:"pdf_sha256"`
	Erased    bool   `json:"erased"`
	Log       *struct {
		LeafIndex int64  `json:"leaf_index"`
		LeafHash  string `json:"leaf_hash"`
		Problem   string `json:"problem"`
		Issuance  *struct {
			LeafHash string `json:"leaf_hash"`
			Preimage []byte `json:"preimage"`
		} `json:"issuance"`
	} `json:"log"`
	Status string `json:"status"`
}

func certificateOf(t *testing.T, a *testApp, code string) publicCert {
	t.Helper()
	r := a.api(t, "GET", "/api/v1/certificates/"+code, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("certificate %s: %d %s", code, r.Status, r.Body)
	}
	var c publicCert
	r.decode(t, &c)
	return c
}

func openRead(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storedInk reads a record's signature image as the database stores it.
func storedInk(t *testing.T, path, code string) []byte {
	t.Helper()
	db := openRead(t, path)
	var ink []byte
	if err := db.QueryRow(`SELECT ink FROM signatures WHERE code = ?`, code).Scan(&ink); err != nil {
		t.Fatal(err)
	}
	if len(ink) < 200 {
		t.Fatalf("stored signature of %d bytes: too short to look for", len(ink))
	}
	// Close now: an open reader would hold the WAL against the checkpoint
	// the erasure runs.
	db.Close()
	return ink
}

func fileHolds(t *testing.T, path string, needle []byte) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, needle)
}

func anyFileHolds(paths []string, needle []byte) bool {
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, needle) {
			return true
		}
	}
	return false
}

// The officer erases a person from the certificate page: their records
// and roster row go, the trail names only the row's ID, and another
// government's admin cannot do it.
func TestErasePersonFromAdminPage(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 2, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e1 := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	e2 := a.mustEvent(t, token, org.ID, "Apel Netralitas ASN", nil)
	a.mustOpen(t, token, e1.ID)
	a.mustOpen(t, token, e2.ID)
	first := a.mustSign(t, e1, people[0]).Certificate.Code
	second := a.mustSign(t, e2, people[0]).Certificate.Code
	const reason = "Permintaan pemilik data, surat no. 800/15"
	path := "/admin/certificates/" + first

	karo := a.mustOrg(t, "Pemerintah Kabupaten Karo", registry.OrgRegency, "12.06")
	rb := a.browser(t)
	rb.login(a.mustUser(t, "bkpsdm@karo.test", registry.RoleAdmin, karo.ID))
	home := rb.get("/admin")
	p := rb.post(path+"/erase", url.Values{"_csrf": {rb.csrf(home)}, "reason": {reason}, "person": {"1"}})
	wantPage(t, p, http.StatusNotFound)
	if n := a.employeeCount(t, org); n != 2 {
		t.Fatalf("another government's admin erased a person: %d employees left", n)
	}

	b := a.browser(t)
	b.login(officer)
	p = b.get(path)
	wantPage(t, p, http.StatusOK, `name="person"`)
	p = b.submit(p, path+"/erase", url.Values{"reason": {reason}, "person": {"1"}})
	wantPage(t, p, http.StatusOK, "Data pribadi pemegang telah dihapus")
	wantAbsent(t, "the certificate page after erasure", p.Body, people[0].Name, people[0].NIP, `name="person"`)
	if n := a.employeeCount(t, org); n != 1 {
		t.Errorf("%d employees after erasing one of two", n)
	}
	for _, code := range []string{first, second} {
		if c := certificateOf(t, a, code); !c.Erased {
			t.Errorf("record %s of the erased person is not erased", code)
		}
	}
	entries, err := a.db.Audit(t.Context(), "/", 50)
	if err != nil || !hasAction(entries, "employee.erase") {
		t.Fatalf("no employee.erase in the audit trail (%v)", err)
	}
	for _, en := range entries {
		wantAbsent(t, "the audit trail", en.Target+" "+en.Detail, people[0].Name, people[0].NIP)
		if en.Action == "employee.erase" && (!strings.Contains(en.Detail, first) || !strings.Contains(en.Detail, second)) {
			t.Errorf("the erasure's audit entry does not name the certificates: %q", en.Detail)
		}
	}
}

// HR erases a person by NIP, from the roster page or the API, whether or
// not they ever signed; another government's admin cannot, and learns
// nothing about whether the NIP is known.
func TestErasePersonByNIP(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 3, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	a.mustOpen(t, token, e.ID)
	code := a.mustSign(t, e, people[0]).Certificate.Code
	const reason = "Permintaan pemilik data, surat no. 800/16"
	path := fmt.Sprintf("/api/v1/organizations/%d/employees/erase", org.ID)

	karo := a.mustOrg(t, "Pemerintah Kabupaten Karo", registry.OrgRegency, "12.06")
	rival := a.mustToken(t, a.mustUser(t, "bkpsdm@karo.test", registry.RoleAdmin, karo.ID))
	known := a.api(t, "POST", path, rival, map[string]any{"nip": people[0].NIP, "reason": reason})
	known.wantError(t, http.StatusNotFound, "not_found")
	unknown := a.api(t, "POST", path, rival, map[string]any{"nip": nipFor(900), "reason": reason})
	if withoutRequestID(string(known.Body)) != withoutRequestID(string(unknown.Body)) {
		t.Errorf("another government tells a known NIP (%s) from an unknown one (%s)", known.Body, unknown.Body)
	}
	own := a.api(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/erase", karo.ID), rival, map[string]any{"nip": people[0].NIP, "reason": reason})
	own.wantError(t, http.StatusNotFound, "not_found") // not on Karo's roster
	viewer := a.mustToken(t, a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, org.ID))
	a.api(t, "POST", path, viewer, map[string]any{"nip": people[0].NIP, "reason": reason}).wantError(t, http.StatusForbidden, "forbidden")
	if n := a.employeeCount(t, org); n != 3 {
		t.Fatalf("refused erasures removed employees: %d left", n)
	}

	r := a.api(t, "POST", path, token, map[string]any{"nip": people[0].grouped(), "reason": reason})
	var out struct {
		Erased []string `json:"erased_certificates"`
	}
	if r.Status != http.StatusOK {
		t.Fatalf("erase by NIP: %d %s", r.Status, r.Body)
	}
	r.decode(t, &out)
	if len(out.Erased) != 1 || out.Erased[0] != code || !certificateOf(t, a, code).Erased {
		t.Errorf("erased certificates %v, want [%s] erased", out.Erased, code)
	}
	a.api(t, "POST", path, token, map[string]any{"nip": people[0].NIP, "reason": reason}).wantError(t, http.StatusNotFound, "not_found")

	// From the roster page: someone who never signed.
	b := a.browser(t)
	b.login(officer)
	orgPath := fmt.Sprintf("/admin/orgs/%d", org.ID)
	p := b.get(orgPath)
	wantPage(t, p, http.StatusOK, people[1].Name)
	p = b.submit(p, orgPath+"/erase", url.Values{"nip": {people[1].NIP}, "reason": {reason}})
	wantPage(t, p, http.StatusOK, "Data pegawai telah dihapus, beserta data pribadi pada 0 sertifikatnya.", people[2].Name)
	wantAbsent(t, "the roster after the erasure", p.Body, people[0].Name, people[1].Name)
	if n := a.employeeCount(t, org); n != 1 {
		t.Errorf("%d employees left, want 1", n)
	}
}
