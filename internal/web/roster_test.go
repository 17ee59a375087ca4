package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// badRoster has one good row (row 2) and four bad ones, each with the reason
// an officer should read.
func badRoster(good person) (string, []rejectionJSON) {
	csv := rosterCSV(good,
		person{NIP: "19860926201505100", Name: "Digit Kurang", Unit: "Bagian Umum", Category: "PNS"},
		person{NIP: good.NIP, Name: "Kembaran Nama", Unit: "Bagian Umum", Category: "PNS"},
		person{NIP: nipFor(40), Name: "", Unit: "Bagian Umum", Category: "PNS"},
		person{NIP: "1.98609E+17", Name: "Rusak Oleh Excel", Unit: "Bagian Umum", Category: "PNS"},
	)
	want := []rejectionJSON{
		{Row: 3, NIP: "19860926201505100", Reason: "NIP harus 18 digit angka"},
		{Row: 4, NIP: good.NIP, Reason: "NIP ganda dalam berkas, sama dengan baris 2"},
		{Row: 5, NIP: nipFor(40), Reason: "Nama wajib diisi"},
		{Row: 6, NIP: "1.98609E+17", Reason: "NIP rusak oleh format angka Excel"},
	}
	return csv, want
}

func wantRejected(t *testing.T, got, want []rejectionJSON) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejected %+v, want rows %+v", got, want)
	}
	for i := range want {
		if got[i].Row != want[i].Row || got[i].NIP != want[i].NIP || !strings.Contains(got[i].Reason, want[i].Reason) {
			t.Errorf("rejected[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRosterImportAPI(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	e := a.mustEvent(t, token, regency.ID, eventTitle, nil)
	a.mustOpen(t, token, e.ID)
	importPath := fmt.Sprintf("/api/v1/organizations/%d/employees/import", regency.ID)
	good := staff(0, 1, "Bagian Umum")[0]
	csv, want := badRoster(good)

	// Bad rows: 422, every bad row reported, nothing written.
	r := a.do(t, "POST", importPath, token, csvType, []byte(csv))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("import with bad rows: %d %s", r.Status, r.Body)
	}
	var out importJSON
	r.decode(t, &out)
	if out.Imported != 0 || out.Updated != 0 {
		t.Errorf("import with bad rows reports %d imported, %d updated", out.Imported, out.Updated)
	}
	wantRejected(t, out.Rejected, want)
	if n := a.employeeCount(t, regency); n != 0 {
		t.Fatalf("%d employees stored after a refused import", n)
	}
	a.sign(t, e, map[string]any{"nip": good.NIP, "event_code": e.EventCode, "consent": true, "typed_name": good.Name}).
		wantError(t, http.StatusForbidden, "not_eligible")

	// An XLSX whose NIP column Excel turned into numbers is refused the same way.
	f := excelize.NewFile()
	header := []any{"nipBaru", "nama", "unorNama"}
	row := []any{198609262015051001, "Angka Excel", "Bagian Umum"}
	f.SetSheetRow("Sheet1", "A1", &header)
	f.SetSheetRow("Sheet1", "A2", &[]any{good.NIP, good.Name, good.Unit})
	f.SetSheetRow("Sheet1", "A3", &row)
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	r = a.do(t, "POST", importPath, token, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	out = importJSON{}
	r.decode(t, &out)
	if r.Status != http.StatusUnprocessableEntity || len(out.Rejected) != 1 || out.Rejected[0].Row != 3 ||
		!strings.Contains(out.Rejected[0].Reason, "NIP rusak oleh format angka Excel") {
		t.Fatalf("XLSX with a numeric NIP: %d %s", r.Status, r.Body)
	}
	if n := a.employeeCount(t, regency); n != 0 {
		t.Fatalf("%d employees stored after a refused XLSX import", n)
	}

	// skip_invalid imports the valid rows and still reports the others.
	r = a.do(t, "POST", importPath+"?skip_invalid=true", token, csvType, []byte(csv))
	out = importJSON{}
	r.decode(t, &out)
	if r.Status != http.StatusOK || out.Imported != 1 || out.Updated != 0 {
		t.Fatalf("import with skip_invalid: %d %s", r.Status, r.Body)
	}
	wantRejected(t, out.Rejected, want)
	if n := a.employeeCount(t, regency); n != 1 {
		t.Fatalf("%d employees after skip_invalid, want 1", n)
	}
	signed := a.mustSign(t, e, good)

	// Re-import updates by NIP; the signed record keeps what was signed.
	renamed := good
	renamed.Name, renamed.Unit = "Rahmat Hidayat", "Bagian Keuangan"
	out = a.mustImport(t, token, regency.ID, rosterCSV(renamed, staff(1, 1, "Bagian Umum")[0]))
	if out.Imported != 1 || out.Updated != 1 || len(out.Rejected) != 0 {
		t.Fatalf("re-import: %+v, want 1 imported and 1 updated", out)
	}
	emp, err := a.db.EmployeeByNIP(t.Context(), regency.Path, good.NIP)
	if err != nil || emp.Name != "Rahmat Hidayat" || emp.Unit != "Bagian Keuangan" {
		t.Fatalf("employee after re-import: %+v (%v)", emp, err)
	}
	if n := a.employeeCount(t, regency); n != 2 {
		t.Fatalf("%d employees after re-import, want 2", n)
	}
	var cert certJSON
	a.api(t, "GET", "/api/v1/certificates/"+signed.Certificate.Code, "", nil).decode(t, &cert)
	if cert.Name != "P*** N*** 0***" || cert.Unit != "Bagian Umum" {
		t.Errorf("certificate after the roster changed: name %q unit %q, want the signed snapshot", cert.Name, cert.Unit)
	}

	// skip_invalid with nothing valid: still the report, still nothing written.
	allBad := rosterCSV(person{NIP: "123", Name: "Salah Satu", Category: "PNS"}, person{NIP: nipFor(41), Category: "PNS"})
	r = a.do(t, "POST", importPath+"?skip_invalid=true", token, csvType, []byte(allBad))
	out = importJSON{}
	r.decode(t, &out)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("skip_invalid with only bad rows: %d %s", r.Status, r.Body)
	}
	wantRejected(t, out.Rejected, []rejectionJSON{{Row: 2, NIP: "123", Reason: "NIP harus 18 digit angka"}, {Row: 3, NIP: nipFor(41), Reason: "Nama wajib diisi"}})
	if n := a.employeeCount(t, regency); n != 2 {
		t.Fatalf("%d employees after an import with only bad rows, want 2", n)
	}

	// A file without the required columns is refused as a whole.
	r = a.do(t, "POST", importPath, token, csvType, []byte("nomor,pegawai\n1,Budi\n"))
	if r.Status != http.StatusUnprocessableEntity || r.errorCode(t) != "invalid_roster" {
		t.Fatalf("roster without NIP and name columns: %d %s", r.Status, r.Body)
	}
}

func TestRosterImportForm(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	b := a.browser(t)
	b.login(officer)
	orgPath := fmt.Sprintf("/admin/orgs/%d", regency.ID)
	good := staff(0, 1, "Bagian Umum")[0]
	csv, want := badRoster(good)

	p := b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(csv))
	wantPage(t, p, http.StatusUnprocessableEntity, "Tidak ada yang diimpor: 4 baris salah")
	for _, w := range want {
		wantPage(t, p, http.StatusUnprocessableEntity, fmt.Sprintf("<td>%d</td>", w.Row), w.Reason)
	}
	p = b.get(orgPath)
	wantPage(t, p, http.StatusOK, "Daftar pegawai (0)", "Belum ada pegawai.")

	p = b.upload(p, orgPath+"/import", url.Values{"skip_invalid": {"1"}}, "file", "pegawai.csv", "text/csv", []byte(csv))
	wantPage(t, p, http.StatusOK, "1 pegawai baru, 0 diperbarui; 4 baris dilewati", "<td>3</td>")
	p = b.get(orgPath)
	wantPage(t, p, http.StatusOK, "Daftar pegawai (1)", good.Name, good.grouped())

	renamed := good
	renamed.Front, renamed.Name, renamed.Back = "Dr.", "Rahmat Hidayat", "M.Kes."
	p = b.upload(p, orgPath+"/import", nil, "file", "pegawai-revisi.csv", "text/csv", []byte(rosterCSV(renamed)))
	wantPage(t, p, http.StatusOK, "0 pegawai baru, 1 diperbarui")
	p = b.get(orgPath)
	wantPage(t, p, http.StatusOK, "Daftar pegawai (1)", "Dr. Rahmat Hidayat, M.Kes.", good.grouped())
	wantAbsent(t, "the roster after re-import", p.Body, good.Name)

	// The search finds by NIP and by name.
	p = b.get(orgPath + "?q=" + url.QueryEscape("Hidayat"))
	wantPage(t, p, http.StatusOK, "Dr. Rahmat Hidayat, M.Kes.")
	p = b.get(orgPath + "?q=tidak-ada")
	wantPage(t, p, http.StatusOK, "Belum ada pegawai.")

	// No file chosen.
	p = b.upload(b.get(orgPath), orgPath+"/import", nil, "", "", "", nil)
	wantPage(t, p, http.StatusBadRequest, "Pilih berkas CSV atau XLSX")
}
