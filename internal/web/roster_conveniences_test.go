package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestRosterTemplate: the import page offers an empty roster in CSV (with
// semicolons) and XLSX, headers only; filled in, each imports as is.
func TestRosterTemplate(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	b := a.browser(t)
	b.login(officer)
	orgPath := fmt.Sprintf("/admin/orgs/%d", regency.ID)
	p := b.get(orgPath)
	wantPage(t, p, http.StatusOK, `href="/admin/roster-template.csv"`, `href="/admin/roster-template.xlsx"`)

	csvFile := wantDownload(t, b.get("/admin/roster-template.csv"), "text/csv; charset=utf-8", "templat-data-pegawai.csv")
	const header = "nip;nama;gelar_depan;gelar_belakang;jabatan;golongan;unit_kerja;kategori"
	if got := strings.TrimPrefix(string(csvFile), "\ufeff"); strings.TrimSpace(got) != header {
		t.Fatalf("CSV template:\n%q\nwant the headers only:\n%q", got, header)
	}
	filled := append(bytes.Clone(csvFile), []byte("198609262015052001;Siti Aminah Lubis;Dr.;M.Si.;Analis Kebijakan;IV/a;Bagian Organisasi;PNS\n")...)
	p = b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "templat-data-pegawai.csv", "text/csv", filled)
	wantPage(t, p, http.StatusOK, "1 pegawai baru, 0 diperbarui")

	xlsxFile := wantDownload(t, b.get("/admin/roster-template.xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "templat-data-pegawai.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(xlsxFile))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || strings.Join(rows[0], ";") != header {
		t.Fatalf("XLSX template rows %q, want the headers only", rows)
	}
	for i, v := range []string{"199001152019031002", "André Siregar", "", "S.H.", "Analis Hukum", "III/a", "Bagian Hukum", "PNS"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	p = b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "templat-data-pegawai.xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.Bytes())
	wantPage(t, p, http.StatusOK, "1 pegawai baru, 0 diperbarui")
	if n := a.employeeCount(t, regency); n != 2 {
		t.Fatalf("%d employees after importing both templates, want 2", n)
	}
}

// TestImportValidRowsWithoutUpload: the report of a file with bad rows
// offers "Impor baris yang valid saja", which imports the valid rows of
// the same file without an upload — once, for the officer who uploaded
// it, with the CSRF token, within the hour the report is kept.
func TestImportValidRowsWithoutUpload(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	other := a.mustUser(t, "kedua@deliserdang.go.id", registry.RoleAdmin, regency.ID)
	b := a.browser(t)
	b.login(officer)
	orgPath := fmt.Sprintf("/admin/orgs/%d", regency.ID)
	bad := person{NIP: "12345", Name: "Salah Ketik", Unit: "Bagian Umum", Category: "PNS"}
	file := rosterCSV(append(staff(0, 3, "Bagian Umum"), bad)...)

	report := b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(file))
	wantPage(t, report, http.StatusUnprocessableEntity, "Tidak ada yang diimpor: 1 baris salah", "3 baris lain valid", "Impor baris yang valid saja")
	action := report.URL.Path + "/skip-invalid"
	if n := a.employeeCount(t, regency); n != 0 {
		t.Fatalf("%d employees before the choice, want 0", n)
	}

	// Another officer of the organization cannot run it, even with a
	// valid token of their own; nor can a post without the token.
	ob := a.browser(t)
	ob.login(other)
	p := ob.post(action, url.Values{"_csrf": {ob.csrf(ob.get("/admin"))}})
	wantPage(t, p, http.StatusNotFound, "Impor ini tidak ditemukan")
	if p := b.post(action, url.Values{}); p.Status != http.StatusForbidden {
		t.Errorf("a post without the CSRF token: %d, want 403", p.Status)
	}
	if n := a.employeeCount(t, regency); n != 0 {
		t.Fatalf("%d employees after refused attempts, want 0", n)
	}

	p = b.submit(report, action, nil)
	wantPage(t, p, http.StatusOK, "3 pegawai baru, 0 diperbarui; 1 baris dilewati", "12345")
	if n := a.employeeCount(t, regency); n != 3 {
		t.Fatalf("%d employees after importing the valid rows, want 3", n)
	}
	// The file went with its use: the same button again says so.
	p = b.submit(report, action, nil)
	wantPage(t, p, http.StatusGone, "tidak lagi disimpan")

	// A report whose rows are all wrong offers nothing to skip to.
	p = b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "salah.csv", "text/csv", []byte(rosterCSV(bad)))
	wantPage(t, p, http.StatusUnprocessableEntity, "Tidak ada yang diimpor")
	wantAbsent(t, "a report of bad rows only", p.Body, "skip-invalid")

	// After the hour, the report and its file are gone, clearly.
	report = b.upload(b.get(orgPath), orgPath+"/import", nil, "file", "pegawai2.csv", "text/csv",
		[]byte(rosterCSV(append(staff(10, 2, "Bagian Umum"), bad)...)))
	wantPage(t, report, http.StatusUnprocessableEntity, "Impor baris yang valid saja")
	a.clock.Add(61 * time.Minute)
	p = b.submit(report, report.URL.Path+"/skip-invalid", nil)
	wantPage(t, p, http.StatusNotFound, "Impor ini tidak ditemukan", "satu jam")
	if n := a.employeeCount(t, regency); n != 3 {
		t.Fatalf("%d employees after an expired report's button, want 3", n)
	}
}
