package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
)

var (
	// injector's name and position are formulas a spreadsheet would run.
	injector = person{NIP: "198512312010011003", Name: "=cmd()", Position: "+SUM(1+1)", Rank: "Penata (III/c)",
		Unit: "Bagian Organisasi", Category: "PNS"}
	// rina's NI PPPK is not a valid PNS NIP (its "month" is 31).
	rina = person{NIP: "199203042021312001", Name: "Rina Marpaung", Back: "S.Pd.", Position: "Guru Ahli Pertama",
		Unit: "Dinas Pendidikan", Category: "PPPK"}
)

// exportFixture is an open event with four participants in three units:
// siti and injector signed (Bagian Organisasi), andre signed and was
// revoked (Bagian Hukum), fitri has not signed (Puskesmas Lubuk Pakam).
type exportFixture struct {
	signingFixture
	admin *browser
	codes map[string]string // certificate code by NIP
}

func newExportFixture(t *testing.T) exportFixture {
	t.Helper()
	f := exportFixture{signingFixture: newSigningFixture(t, siti, andre, fitri, injector), codes: map[string]string{}}
	for _, p := range []person{siti, andre, injector} {
		f.codes[p.NIP] = f.a.mustSign(t, f.e, p).Certificate.Code
	}
	r := f.a.api(t, "POST", "/api/v1/certificates/"+f.codes[andre.NIP]+"/revoke", f.token, map[string]any{"reason": "Salah orang"})
	if r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	f.admin = f.a.browser(t)
	f.admin.login(f.officer)
	return f
}

// path is an address under the event's admin page.
func (f exportFixture) path(suffix string) string {
	return fmt.Sprintf("/admin/events/%d%s", f.e.ID, suffix)
}

// wantDownload checks a download's status, type and file name and returns
// its body.
func wantDownload(t *testing.T, p page, contentType, filename string) []byte {
	t.Helper()
	if p.Status != http.StatusOK {
		t.Fatalf("%s: status %d: %.300s", p.URL, p.Status, p.Body)
	}
	if ct := p.Header.Get("Content-Type"); ct != contentType {
		t.Errorf("%s: content type %q, want %q", p.URL, ct, contentType)
	}
	if cd := p.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, filename) {
		t.Errorf("%s: Content-Disposition %q, want an attachment named %s", p.URL, cd, filename)
	}
	return []byte(p.Body)
}

// readCSV parses a CSV export in its default form, separated by
// semicolons as Excel under Indonesian regional settings reads it.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	return readCSVWith(t, body, ';')
}

// readCSVWith parses a CSV export separated by sep, checking the byte-order
// mark Excel needs and that the header line is split at sep, as Excel
// splits it, rather than read as one column.
func readCSVWith(t *testing.T, body []byte, sep rune) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("CSV without a UTF-8 byte-order mark: %.40q", body)
	}
	header, _, _ := bytes.Cut(rest, []byte("\n"))
	if cols := strings.Split(strings.TrimSuffix(string(header), "\r"), string(sep)); len(cols) < 2 {
		t.Fatalf("CSV header %q is one column when split at %q", header, sep)
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.Comma = sep
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// rowOf returns the record whose column col is v.
func rowOf(t *testing.T, recs [][]string, col int, v string) []string {
	t.Helper()
	for _, r := range recs {
		if len(r) > col && r[col] == v {
			return r
		}
	}
	t.Fatalf("no row with %q in column %d: %q", v, col, recs)
	return nil
}

// wantAudit checks the audit trail holds each action.
func (f exportFixture) wantAudit(t *testing.T, actions ...string) {
	t.Helper()
	entries, err := f.a.db.Audit(t.Context(), "/", 500)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Action] = true
		if strings.HasPrefix(e.Action, "export.") && (e.UserID != f.officer.ID || e.IP == "" || e.Target != fmt.Sprintf("event:%d", f.e.ID)) {
			t.Errorf("audit entry %+v: want the officer, their address and the event", e)
		}
	}
	for _, a := range actions {
		if !have[a] {
			t.Errorf("no %q in the audit trail", a)
		}
	}
}

// TestExportTables: the signature list and the recap as CSV and XLSX, with
// formulas neutralised in CSV and kept as text in XLSX.
func TestExportTables(t *testing.T) {
	f := newExportFixture(t)
	recs := readCSV(t, wantDownload(t, f.admin.get(f.path("/export/signatures.csv")), "text/csv; charset=utf-8",
		fmt.Sprintf("tanda-tangan-E%d.csv", f.e.ID)))
	wantHeader := []string{"No", "NIP", "Nama", "Jabatan", "Unit kerja", "Waktu tanda tangan", "Cara identifikasi",
		"Kode sertifikat", "Nomor sertifikat", "Status"}
	if fmt.Sprint(recs[0]) != fmt.Sprint(wantHeader) || len(recs) != 4 {
		t.Fatalf("signatures.csv: %q", recs)
	}
	bad := rowOf(t, recs, 1, "19851231 201001 1 003")
	if bad[2] != "'=cmd()" || bad[3] != "'+SUM(1+1)" {
		t.Errorf("formulas not neutralised: name %q, position %q", bad[2], bad[3])
	}
	s := rowOf(t, recs, 1, siti.grouped())
	if s[2] != siti.fullName() || s[4] != siti.Unit || s[5] != "Rabu, 23 Oktober 2024 pukul 09.00 WIB" || s[6] != "NIP dan kode acara" ||
		s[7] != registry.GroupCode(f.codes[siti.NIP]) || !strings.HasPrefix(s[8], "IKR/2024/E") || s[9] != "Sah" {
		t.Errorf("siti's row: %q", s)
	}
	if r := rowOf(t, recs, 1, andre.grouped()); r[9] != "Dicabut" {
		t.Errorf("andre's revoked record: %q", r)
	}

	x := wantDownload(t, f.admin.get(f.path("/export/signatures.xlsx")), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		fmt.Sprintf("tanda-tangan-E%d.xlsx", f.e.ID))
	book, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("Tanda tangan")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || fmt.Sprint(rows[0]) != fmt.Sprint(wantHeader) {
		t.Fatalf("signatures.xlsx rows: %q", rows)
	}
	for i, r := range rows[1:] {
		if r[0] != fmt.Sprint(i+1) {
			t.Errorf("row %d numbered %q", i+1, r[0])
		}
		if r[1] == siti.grouped() {
			wantExcelTime(t, book, "Tanda tangan", fmt.Sprintf("F%d", i+2), time.Date(2024, 10, 23, 9, 0, 0, 0, time.UTC), "23/10/2024 09:00 WIB")
		}
		if r[1] == "19851231 201001 1 003" {
			cell := fmt.Sprintf("C%d", i+2)
			if r[2] != "=cmd()" {
				t.Errorf("XLSX name %q, want the text as signed", r[2])
			}
			if formula, _ := book.GetCellFormula("Tanda tangan", cell); formula != "" {
				t.Errorf("%s holds formula %q", cell, formula)
			}
		}
	}

	// Units in alphabetical order, then the total; revoked counts as not
	// signed.
	want := [][]string{
		{"No", "Unit kerja", "Peserta", "Sudah", "Belum", "Persentase"},
		{"1", "Bagian Hukum", "1", "0", "1", "0"},
		{"2", "Bagian Organisasi", "2", "2", "0", "100"},
		{"3", "Puskesmas Lubuk Pakam", "1", "0", "1", "0"},
		{"", "Jumlah", "4", "2", "2", "50"},
	}
	recs = readCSV(t, wantDownload(t, f.admin.get(f.path("/export/recap.csv")), "text/csv; charset=utf-8", "rekap-"))
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("recap.csv = %q, want %q", recs, want)
	}
	x = wantDownload(t, f.admin.get(f.path("/export/recap.xlsx")), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "rekap-")
	book2, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	defer book2.Close()
	if rows, err := book2.GetRows("Rekap"); err != nil || fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("recap.xlsx = %q (%v), want %q", rows, err, want)
	}
	if typ, _ := book2.GetCellType("Rekap", "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("counts are not numbers in XLSX: %v", typ)
	}

	// The personal links and the follow-up list are neutralised too.
	recs = readCSV(t, wantDownload(t, f.admin.get(f.path("/links.csv")), "text/csv; charset=utf-8", "tautan-"))
	if r := rowOf(t, recs, 0, "19851231 201001 1 003"); r[1] != "'=cmd()" || !strings.HasPrefix(r[3], f.e.URL+"/p/") {
		t.Errorf("links.csv row: %q", r)
	}
	recs = readCSV(t, wantDownload(t, f.admin.get(f.path("/followup.csv")), "text/csv; charset=utf-8", "belum-ikrar-"))
	if len(recs) != 3 || rowOf(t, recs, 1, fitri.grouped())[6] == "" {
		t.Errorf("followup.csv: %q, want fitri and andre with their links", recs)
	}
	f.wantAudit(t, "export.signatures", "export.recap", "export.links", "export.followup")
}

// wantExcelTime checks that a cell holds a real Excel date and time, the
// number of days since 1900 that Excel sorts and filters, at the wall
// clock want, and that Excel displays it as shown.
func wantExcelTime(t *testing.T, book *excelize.File, sheet, cell string, want time.Time, shown string) {
	t.Helper()
	if typ, err := book.GetCellType(sheet, cell); err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset && typ != excelize.CellTypeDate) {
		t.Errorf("%s is of type %v (%v), want a number", cell, typ, err)
	}
	raw, err := book.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s holds %q, not a number: Excel cannot sort it as a date", cell, raw)
	}
	got, err := excelize.ExcelDateToTime(serial, false)
	if err != nil || got.Sub(want).Abs() > time.Second {
		t.Errorf("%s = %v (%s), want %v", cell, got, raw, want)
	}
	if v, _ := book.GetCellValue(sheet, cell); v != shown {
		t.Errorf("%s displays %q, want %q", cell, v, shown)
	}
}

// TestExportCSVSeparators: every CSV download is separated by semicolons
// unless ?sep=comma asks for commas, with the same cells either way; the
// pages offer both, the semicolon first.
func TestExportCSVSeparators(t *testing.T) {
	f := newExportFixture(t)
	for _, path := range []string{"/export/recap.csv", "/export/signatures.csv", "/links.csv", "/followup.csv?unit=Puskesmas+Lubuk+Pakam"} {
		join := "?"
		if strings.Contains(path, "?") {
			join = "&"
		}
		semi := wantDownload(t, f.admin.get(f.path(path)), "text/csv; charset=utf-8", ".csv")
		if explicit := wantDownload(t, f.admin.get(f.path(path+join+"sep=semicolon")), "text/csv; charset=utf-8", ".csv"); !bytes.Equal(explicit, semi) {
			t.Errorf("%s?sep=semicolon differs from the default:\n%s\n%s", path, explicit, semi)
		}
		comma := wantDownload(t, f.admin.get(f.path(path+join+"sep=comma")), "text/csv; charset=utf-8", ".csv")
		if bytes.Equal(comma, semi) {
			t.Fatalf("%s: sep=comma gives the same bytes as the default", path)
		}
		a, b := readCSV(t, semi), readCSVWith(t, comma, ',')
		if len(a) < 2 || fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: the cells differ between separators:\n;  %q\n,  %q", path, a, b)
		}
		r := f.admin.get(f.path(path + join + "sep=tab"))
		wantPage(t, r, http.StatusBadRequest, "Pemisah CSV tidak dikenal")
		if ct := r.Header.Get("Content-Disposition"); ct != "" {
			t.Errorf("%s?sep=tab answers an attachment %q", path, ct)
		}
	}
	// Excel splits each line at the semicolons.
	if recap := f.admin.get(f.path("/export/recap.csv")).Body; !strings.Contains(recap, "\n2;Bagian Organisasi;2;2;0;100\n") {
		t.Errorf("recap.csv rows are not split at semicolons:\n%s", recap)
	}

	p := f.admin.get(f.path("/exports"))
	wantPage(t, p, http.StatusOK, f.path("/export/recap.csv")+`"`, f.path("/export/recap.csv?sep=comma"),
		f.path("/export/signatures.csv")+`"`, f.path("/export/signatures.csv?sep=comma"),
		f.path("/links.csv")+`"`, f.path("/links.csv?sep=comma"), "pemisah titik koma (;)")
	wantPage(t, f.admin.get(f.path("/followup")), http.StatusOK, "sep=comma")
	wantPage(t, f.admin.get(f.path("/exports?lang=en")), http.StatusOK, "comma-separated")
}

// TestExportPDFs: the recap and the Berita Acara parse and carry the
// counts, the day in Indonesian, the pledge and the officials.
func TestExportPDFs(t *testing.T) {
	f := newExportFixture(t)
	pdf := wantDownload(t, f.admin.get(f.path("/export/recap.pdf")), "application/pdf", "rekap-")
	text := pdftest.Text(t, pdf)
	for _, want := range []string{"REKAPITULASI PENANDATANGANAN IKRAR NETRALITAS ASN", eventTitle, "Pemerintah Kabupaten Deli Serdang",
		"Rabu, 23 Oktober 2024 pukul 09.00 WIB · Aula Kantor Bupati", "4 2 2 50% Peserta Sudah menandatangani Belum Persentase",
		"1 Bagian Hukum 1 0 1 0", "2 Bagian Organisasi 2 2 0 100", "3 Puskesmas Lubuk Pakam 1 0 1 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("recap PDF does not show %q:\n%s", want, text)
		}
	}

	form := f.admin.get(f.path("/berita-acara"))
	wantPage(t, form, http.StatusOK, `value="Aula Kantor Bupati"`, `value="2024-10-23"`, `value="Drs. H. Ahmad Fauzi, M.Si."`,
		`value="Sekretaris Daerah"`, `action="`+f.path("/berita-acara.pdf")+`"`)
	q := url.Values{"number": {"800/1234/BKPSDM/2024"}, "place": {"Aula Kantor Bupati"}, "date": {"2024-10-23"},
		"name": {"Drs. H. Ahmad Fauzi, M.Si.", "", "Rina Marpaung, S.Sos."}, "position": {"Sekretaris Daerah", "", "Ketua Bawaslu Kabupaten"}}
	pdf = wantDownload(t, f.admin.get(f.path("/berita-acara.pdf?")+q.Encode()), "application/pdf", "berita-acara-")
	text = pdftest.Text(t, pdf)
	for _, want := range []string{
		"BERITA ACARA DEKLARASI NETRALITAS APARATUR SIPIL NEGARA",
		"Nomor: 800/1234/BKPSDM/2024",
		"Pada hari ini Rabu, tanggal 23 Oktober 2024, bertempat di Aula Kantor Bupati, telah dilaksanakan Deklarasi Netralitas Aparatur Sipil Negara “" + eventTitle + "”",
		"Aparatur Sipil Negara di lingkungan Pemerintah Kabupaten Deli Serdang berikrar:",
		"Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
		"Dari 4 pegawai yang wajib menandatangani ikrar, 2 pegawai (50%) telah menandatangani dan 2 pegawai belum",
		"2 Bagian Organisasi 2 2 0 100",
		"1. Drs. H. Ahmad Fauzi, M.Si. — Sekretaris Daerah",
		"2. Rina Marpaung, S.Sos. — Ketua Bawaslu Kabupaten",
		"Aula Kantor Bupati, 23 Oktober 2024",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Berita Acara does not show %q:\n%s", want, text)
		}
	}
	// A form that cannot be used comes back with what was typed.
	q.Set("date", "")
	q["position"] = []string{"Sekretaris Daerah", "", ""}
	p := f.admin.get(f.path("/berita-acara.pdf?") + q.Encode())
	wantPage(t, p, http.StatusBadRequest, "Tanggal Berita Acara wajib diisi", `value="Rina Marpaung, S.Sos."`)
	f.wantAudit(t, "export.recap", "export.berita_acara")
}

// TestCertificatesZIP: one valid PDF per standing certificate, under
// UNIT/NIP-NAME.pdf, each the very file the signer downloads.
func TestCertificatesZIP(t *testing.T) {
	f := newExportFixture(t)
	req, err := http.NewRequest("GET", f.a.URL+f.path("/export/certificates.zip"), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the client then hands over the body as sent
	p := f.admin.do(req)
	body := wantDownload(t, p, "application/zip", fmt.Sprintf("sertifikat-E%d.zip", f.e.ID))
	if ce := p.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("ZIP sent with Content-Encoding %q", ce)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{ // andre's revoked certificate is left out
		"Bagian-Organisasi/198609262015052001-Dr-Siti-Aminah-Lubis-M-Si.pdf": f.codes[siti.NIP],
		"Bagian-Organisasi/198512312010011003-cmd.pdf":                       f.codes[injector.NIP],
	}
	if len(zr.File) != len(want) {
		t.Errorf("%d files in the ZIP, want %d", len(zr.File), len(want))
	}
	safe := regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9-]+\.pdf$`)
	for _, zf := range zr.File {
		code, ok := want[zf.Name]
		if !ok || !safe.MatchString(zf.Name) {
			t.Errorf("unexpected file %q", zf.Name)
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		pdf := buf.Bytes()
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-1024):], []byte("%%EOF")) {
			t.Errorf("%s is not a complete PDF", zf.Name)
		}
		sig, err := f.a.db.SignatureByCode(t.Context(), code)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(pdf); sig.PDFHash != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: fingerprint %s, recorded %s", zf.Name, hex.EncodeToString(sum[:]), sig.PDFHash)
		}
	}
	if strings.Contains(pdftest.Text(t, zipFile(t, zr, "Bagian-Organisasi/198609262015052001-Dr-Siti-Aminah-Lubis-M-Si.pdf")),
		"Dr. Siti Aminah Lubis, M.Si.") == false {
		t.Error("siti's certificate does not name her")
	}

	// One unit's: Bagian Hukum has only a revoked record.
	for unit, n := range map[string]int{"Bagian Organisasi": 2, "Bagian Hukum": 0} {
		body := wantDownload(t, f.admin.get(f.path("/export/certificates.zip?unit=")+url.QueryEscape(unit)), "application/zip", "sertifikat-")
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil || len(zr.File) != n {
			t.Errorf("ZIP of %s: %v, want %d files", unit, err, n)
		}
	}
	f.wantAudit(t, "export.certificates")
}

func zipFile(t *testing.T, zr *zip.Reader, name string) []byte {
	t.Helper()
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPersonalLinkSheet: a QR code printed on the sheet opens its owner's
// signing page.
func TestPersonalLinkSheet(t *testing.T) {
	f := newExportFixture(t)
	pdf := wantDownload(t, f.admin.get(f.path("/links.pdf?unit=")+url.QueryEscape(fitri.Unit)), "application/pdf", "tautan-")
	text := pdftest.Text(t, pdf)
	for _, want := range []string{fitri.Unit, fitri.fullName(), "NIP " + fitri.grouped(), eventTitle} {
		if !strings.Contains(text, want) {
			t.Errorf("QR sheet does not show %q:\n%s", want, text)
		}
	}
	link := pdftest.DecodeQR(t, pdftest.Crop(pdftest.Page(t, pdf, 1), 0, 0, 1.0/3, 0.32))
	if !strings.HasPrefix(link, f.e.URL+"/p/") {
		t.Fatalf("QR reads %q, want a personal link of the event", link)
	}
	wantPage(t, f.a.browser(t).get(link), http.StatusOK, "Apakah ini Anda?", fitri.fullName())

	// The whole event's sheet: its three small units share one page.
	text = pdftest.Text(t, wantDownload(t, f.admin.get(f.path("/links.pdf")), "application/pdf", "tautan-"))
	for _, p := range []person{siti, andre, fitri, injector} {
		if !strings.Contains(text, p.Unit) || !strings.Contains(text, p.grouped()) {
			t.Errorf("the event's QR sheet misses %s", p.Name)
		}
	}
	if n := pdftest.Pages(t, wantDownload(t, f.admin.get(f.path("/links.pdf")), "application/pdf", "tautan-")); n != 1 {
		t.Errorf("%d pages, want the three units on one", n)
	}
}

// TestPersonalLinkSheetPacksUnits: the QR sheet of a roster of many small
// units packs them onto shared pages, each under its heading, and every
// code on them reads its owner's personal link.
func TestPersonalLinkSheetPacksUnits(t *testing.T) {
	units := []string{"Bagian Hukum", "Bagian Umum", "Dinas Kesehatan", "Dinas Pendidikan", "Inspektorat"}
	var roster []person
	for i, u := range units {
		roster = append(roster, staff(len(roster), 1+i%3, u)...)
	}
	f := exportFixture{signingFixture: newSigningFixture(t, roster...)}
	f.admin = f.a.browser(t)
	f.admin.login(f.officer)

	owner := map[string]string{} // personal link → name, as the links CSV pairs them
	for _, r := range readCSV(t, wantDownload(t, f.admin.get(f.path("/links.csv")), "text/csv; charset=utf-8", "tautan-"))[1:] {
		owner[r[3]] = r[1]
	}
	if len(owner) != len(roster) {
		t.Fatalf("links.csv has %d links, want %d", len(owner), len(roster))
	}
	pdf := wantDownload(t, f.admin.get(f.path("/links.pdf")), "application/pdf", "tautan-")
	// Four units of one row each fill the first page; one unit per page
	// took five.
	pages := pdftest.Pages(t, pdf)
	if pages != 2 {
		t.Errorf("%d pages for %d people in %d units, want 2", pages, len(roster), len(units))
	}
	seen := map[string]bool{}
	for p := 1; p <= pages; p++ {
		text := pdftest.PageText(t, pdf, p)
		for _, u := range units {
			if strings.Contains(text, u+" (lanjutan)") {
				t.Errorf("page %d continues %s: a unit of at most three was split", p, u)
			}
		}
		for _, link := range pdftest.DecodeQRs(t, pdftest.Page(t, pdf, p)) {
			if _, ok := owner[link]; !ok || seen[link] {
				t.Errorf("page %d: a QR reads %q, not a participant's link or twice", p, link)
			}
			seen[link] = true
		}
	}
	if len(seen) != len(roster) {
		t.Fatalf("%d of %d QR codes read", len(seen), len(roster))
	}
	for link, name := range owner {
		wantPage(t, f.a.browser(t).get(link), http.StatusOK, "Apakah ini Anda?", name)
		break
	}
}

// TestFollowUpAndReissue: the follow-up list shows who has not signed per
// unit; reissuing a link makes the old one fail and the new one work; only
// those who manage participants see or change links.
func TestFollowUpAndReissue(t *testing.T) {
	f := newExportFixture(t)
	p := f.admin.get(f.path("/followup"))
	wantPage(t, p, http.StatusOK, "2 pegawai belum menandatangani.", fitri.fullName(), andre.fullName(), "Puskesmas Lubuk Pakam")
	wantAbsent(t, "the follow-up list", p.Body, siti.fullName(), "=cmd()")
	p = f.admin.get(f.path("/followup?unit=") + url.QueryEscape(fitri.Unit))
	wantPage(t, p, http.StatusOK, "1 pegawai belum menandatangani.", fitri.fullName())
	wantAbsent(t, "the follow-up list of one unit", p.Body, andre.fullName())
	if p := f.admin.get(f.path("/followup?category=PNS")); !strings.Contains(p.Body, andre.fullName()) || strings.Contains(p.Body, fitri.fullName()) {
		t.Errorf("category filter: PNS list shows fitri (PPPK) or misses andre")
	}

	old := find(t, `(?s)`+regexp.QuoteMeta(fitri.fullName())+`.*?href="([^"]+/p/[^"]+)">tautan pribadi`, p.Body)
	empID := find(t, `<tr id="p(\d+)">\s*<td class="mono nowrap">`+regexp.QuoteMeta(fitri.grouped()), p.Body)
	action := f.path("/links/" + empID + "/reissue")
	p = f.admin.submit(p, action, url.Values{"confirm": {"1"}})
	wantPage(t, p, http.StatusOK, "Tautan pribadi baru untuk "+fitri.fullName())
	fresh := find(t, `<span class="mono small" id="reissued-link">([^<]+)</span>`, p.Body)
	if fresh == old || !strings.HasPrefix(fresh, f.e.URL+"/p/") {
		t.Fatalf("new link %q, old %q", fresh, old)
	}
	wantPage(t, f.a.browser(t).get(old), http.StatusForbidden, "Tautan pribadi tidak valid")
	wantPage(t, f.a.browser(t).get(fresh), http.StatusOK, "Apakah ini Anda?", fitri.fullName())
	recs := readCSV(t, []byte(f.admin.get(f.path("/links.csv")).Body))
	if got := rowOf(t, recs, 0, fitri.grouped())[3]; got != fresh {
		t.Errorf("links.csv gives %q after the reissue, want %q", got, fresh)
	}
	f.wantAudit(t, "link.reissue")

	// A viewer sees the list without links and cannot change them.
	viewer := f.a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, f.regency.ID)
	vb := f.a.browser(t)
	vb.login(viewer)
	p = vb.get(f.path("/followup"))
	wantPage(t, p, http.StatusOK, fitri.fullName())
	wantAbsent(t, "the follow-up list to a viewer", p.Body, "/p/", "/reissue")
	if r := vb.get(f.path("/links.csv")); r.Status != http.StatusForbidden {
		t.Errorf("viewer links.csv: %d, want 403", r.Status)
	}
	r := vb.post(action, url.Values{"_csrf": {vb.csrf(p)}})
	wantPage(t, r, http.StatusForbidden)
	wantPage(t, f.a.browser(t).get(fresh), http.StatusOK, "Apakah ini Anda?")
	if r := vb.get(f.path("/export/recap.csv")); r.Status != http.StatusOK {
		t.Errorf("viewer recap: %d, want 200", r.Status)
	}

	// Another regency's officer finds nothing.
	other := f.a.mustOrg(t, "Pemerintah Kabupaten Karo", registry.OrgRegency, "12.06")
	ob := f.a.browser(t)
	ob.login(f.a.mustUser(t, "bkpsdm@karo.test", registry.RoleAdmin, other.ID))
	for _, path := range []string{"/followup", "/links.csv", "/links.pdf", "/export/recap.csv", "/export/signatures.xlsx",
		"/export/certificates.zip", "/berita-acara", "/participants", "/exports"} {
		r := ob.get(f.path(path))
		if r.Status != http.StatusNotFound {
			t.Errorf("%s to another regency: %d, want 404", path, r.Status)
		}
		wantAbsent(t, path+" to another regency", r.Body, fitri.Name, siti.Name, "=cmd()")
	}
	r = ob.post(action, url.Values{"_csrf": {ob.csrf(ob.get("/admin"))}})
	wantPage(t, r, http.StatusNotFound)
}

// TestParticipantList: an uploaded list restricts who may sign, the count
// shown before opening follows it, and clearing it restores the subtree.
func TestParticipantList(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	a.mustImport(t, token, regency.ID, rosterCSV(siti, andre, fitri, rina))
	e := a.mustEvent(t, token, regency.ID, eventTitle, nil)
	admin := a.browser(t)
	admin.login(officer)
	path := fmt.Sprintf("/admin/events/%d/participants", e.ID)
	eligible := `<strong id="eligible">%d</strong>`
	p := admin.get(path)
	wantPage(t, p, http.StatusOK, fmt.Sprintf(eligible, 4), "Tidak ada: semua pegawai")

	// NIPs as people type them; rina's NI PPPK without a category column;
	// one NIP nobody has.
	list := "nip;nama\n" + siti.NIP + ";Siti\n" + andre.grouped() + ";André\n'" + rina.NIP + ";Rina\n199901012020011999;Orang Lain\n"
	p = admin.upload(p, path+"/import", nil, "file", "peserta.csv", "text/csv", []byte(list))
	wantPage(t, p, http.StatusOK, "3 pegawai masuk daftar peserta.", "1 NIP tidak terdaftar", fmt.Sprintf(eligible, 3),
		"199901012020011999", "NIP tidak terdaftar pada data pegawai penyelenggara", "Ya: hanya 3 pegawai dalam daftar")
	var ev eventJSON
	a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", e.ID), token, nil).decode(t, &ev)
	if ev.Eligible == nil || *ev.Eligible != 3 {
		t.Errorf("API eligible %v, want 3", ev.Eligible)
	}

	a.mustOpen(t, token, e.ID)
	a.sign(t, e, map[string]any{"nip": fitri.NIP, "event_code": e.EventCode, "consent": true, "signature_strokes": strokesJSON()}).
		wantError(t, http.StatusForbidden, registry.ENOTELIGIBLE)
	ev2, err := a.db.Event(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	emp, err := a.db.EmployeeByNIP(t.Context(), "/", fitri.NIP)
	if err != nil {
		t.Fatal(err)
	}
	wantPage(t, a.browser(t).get(e.URL+"/p/"+a.svc.PersonalToken(ev2, emp.ID, 0)), http.StatusForbidden, "Tautan pribadi tidak valid")
	a.mustSign(t, e, siti)
	a.mustSign(t, e, rina)

	// A new list, as XLSX, replaces the old one; those who signed stay
	// signed.
	p = admin.upload(admin.get(path), path+"/import", nil, "file", "peserta.xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", rosterXLSX(t, andre))
	wantPage(t, p, http.StatusOK, "1 pegawai masuk daftar peserta.", fmt.Sprintf(eligible, 1))
	if n := (signingFixture{a: a, token: token}).signedCount(t, e); n != 2 {
		t.Errorf("%d signatures after a new list, want 2", n)
	}
	a.sign(t, e, map[string]any{"nip": siti.NIP, "event_code": e.EventCode, "consent": true, "signature_strokes": strokesJSON()})
	p = admin.submit(p, path+"/clear", nil)
	wantPage(t, p, http.StatusOK, fmt.Sprintf(eligible, 4), "Tidak ada: semua pegawai")

	// A file with no NIP on the roster changes nothing.
	p = admin.upload(p, path+"/import", nil, "file", "salah.csv", "text/csv", []byte("nip,nama\n199901012020011999,Orang Lain\n"))
	wantPage(t, p, http.StatusUnprocessableEntity, "Tidak satu pun NIP", fmt.Sprintf(eligible, 4))
	p = admin.upload(p, path+"/import", nil, "file", "salah.csv", "text/csv", []byte("id\n1\n"))
	wantPage(t, p, http.StatusUnprocessableEntity, "Kolom wajib tidak ditemukan")

	// A viewer sees the count but cannot upload; a closed event's list is
	// fixed.
	viewer := a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, regency.ID)
	vb := a.browser(t)
	vb.login(viewer)
	vp := vb.get(path)
	wantPage(t, vp, http.StatusOK, fmt.Sprintf(eligible, 4))
	wantAbsent(t, "the participants page to a viewer", vp.Body, `action="`+path+`/import"`)
	r := vb.postMultipart(path+"/import", url.Values{"_csrf": {vb.csrf(vp)}}, "file", "p.csv", "text/csv", []byte(list))
	wantPage(t, r, http.StatusForbidden)
	if r := a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", e.ID), token, nil); r.Status != http.StatusOK {
		t.Fatal(r.Status)
	}
	p = admin.postMultipart(path+"/import", url.Values{"_csrf": {admin.csrf(p)}}, "file", "p.csv", "text/csv", []byte(list))
	wantPage(t, p, http.StatusConflict, "sudah ditutup")
	if entries, err := a.db.Audit(t.Context(), "/", 100); err != nil || !hasAction(entries, "participants.upload") || !hasAction(entries, "participants.clear") {
		t.Errorf("audit trail without the list's changes (%v)", err)
	}
}

func hasAction(entries []registry.AuditEntry, action string) bool {
	for _, e := range entries {
		if e.Action == action {
			return true
		}
	}
	return false
}

// TestPledgeVersions: an admin creates the village-head pledge from its
// template; it is offered for events, signed, shown on verification, and
// can never change.
func TestPledgeVersions(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	a.mustImport(t, token, regency.ID, rosterCSV(siti))
	admin := a.browser(t)
	admin.login(officer)
	village := registry.VillageHeadPledge()

	p := admin.get("/admin/pledges")
	wantPage(t, p, http.StatusOK, registry.DefaultPledge().Title, registry.DefaultPledge().Hash)
	p = admin.get("/admin/pledges/new?template=kepala-desa")
	wantPage(t, p, http.StatusOK, `value="Ikrar Netralitas Kepala Desa"`, "Tidak ikut serta dan/atau terlibat dalam kampanye Pemilihan;",
		"Kepala Desa di lingkungan {{nama instansi}} berikrar:")
	// Typed with the points numbered, as pasted from a letter.
	var numbered []string
	for i, pt := range village.Points {
		numbered = append(numbered, fmt.Sprintf("%d. %s", i+1, pt))
	}
	form := url.Values{"title": {village.Title}, "opening": {village.Opening}, "points": {strings.Join(numbered, "\r\n") + "\r\n"},
		"closing": {village.Closing}}
	p = admin.submit(p, "/admin/pledges", form)
	wantPage(t, p, http.StatusOK, "Versi ikrar baru tersimpan", village.Title, village.Hash, "Menolak praktik politik uang.")
	all, err := a.db.Pledges(t.Context(), "/")
	if err != nil || len(all) != 2 {
		t.Fatalf("pledges: %d (%v)", len(all), err)
	}
	stored := all[1]
	if stored.Hash != village.Hash || len(stored.Points) != 5 || stored.Points[4] != "Menolak praktik politik uang." {
		t.Fatalf("stored pledge %+v, want the template's text", stored)
	}
	p = admin.submit(admin.get("/admin/pledges/new"), "/admin/pledges", form)
	wantPage(t, p, http.StatusConflict, "sudah ada")

	// An operator may not add versions.
	ob := a.browser(t)
	ob.login(a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, regency.ID))
	wantPage(t, ob.get("/admin/pledges/new"), http.StatusForbidden)
	op := ob.get("/admin/pledges")
	wantAbsent(t, "the pledges page to an operator", op.Body, `href="/admin/pledges/new"`)
	form.Set("title", "Ikrar Operator")
	form.Set("_csrf", ob.csrf(op))
	wantPage(t, ob.post("/admin/pledges", form), http.StatusForbidden)

	// The event form offers it; an event uses it; the signed text is it.
	wantPage(t, admin.get("/admin/events/new"), http.StatusOK, fmt.Sprintf(`<option value="%d">%s`, stored.ID, village.Title))
	e := a.mustEvent(t, token, regency.ID, "Deklarasi Netralitas Kepala Desa", map[string]any{"pledge_id": stored.ID})
	a.mustOpen(t, token, e.ID)
	signed := a.mustSign(t, e, siti)
	wantPage(t, a.browser(t).get("/v/"+signed.Certificate.Code), http.StatusOK, "Tidak ikut serta dan/atau terlibat dalam kampanye Pemilihan;",
		village.Hash[:16])
	sig, err := a.db.SignatureByCode(t.Context(), signed.Certificate.Code)
	if err != nil || sig.PledgeHash != village.Hash {
		t.Errorf("signature pledge hash %s (%v), want %s", sig.PledgeHash, err, village.Hash)
	}

	// There is no way to change it.
	csrf := admin.csrf(admin.get("/admin/pledges"))
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		for _, path := range []string{fmt.Sprintf("/admin/pledges/%d", stored.ID), fmt.Sprintf("/admin/pledges/%d/edit", stored.ID)} {
			req := admin.formRequest(path, url.Values{"_csrf": {csrf}, "title": {"Diubah"}, "points": {"Diubah"}})
			req.Method = m
			// 404 or 405; a DELETE carries no form, so CSRF refuses it
			// with 403 before routing.
			if r := admin.do(req); r.Status < 400 {
				t.Errorf("%s %s: %d, want no such route", m, path, r.Status)
			}
		}
	}
	again, err := a.db.Pledge(t.Context(), stored.ID)
	if err != nil || again.Hash != village.Hash || again.ComputeHash() != village.Hash || again.Title != village.Title {
		t.Errorf("pledge after the attempts: %+v (%v)", again, err)
	}
	if entries, err := a.db.Audit(t.Context(), "/", 100); err != nil || !hasAction(entries, "pledge.create") {
		t.Errorf("audit trail without pledge.create (%v)", err)
	}
}

// TestCertificatesZIPClientGone: a client that goes away mid-download ends
// the export instead of leaving it rendering or stuck.
func TestCertificatesZIPClientGone(t *testing.T) {
	f := newExportFixture(t)
	cookie := ""
	u, _ := url.Parse(f.a.URL)
	for _, c := range f.admin.c.Jar.Cookies(u) {
		if c.Name == "ikrar_session" {
			cookie = c.Name + "=" + c.Value
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	req := httptest.NewRequestWithContext(ctx, "GET", f.path("/export/certificates.zip"), nil)
	req.Header.Set("Cookie", cookie)
	w := &cancellingWriter{ResponseRecorder: httptest.NewRecorder(), cancel: cancel}
	done := make(chan any)
	go func() {
		defer func() { done <- recover() }()
		f.a.h.ServeHTTP(w, req)
	}()
	select {
	case r := <-done:
		if r != nil && r != http.ErrAbortHandler {
			t.Fatalf("handler panicked with %v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the ZIP export did not stop after its client went away")
	}
	if w.Code != http.StatusOK || w.writes == 0 {
		t.Errorf("status %d after %d writes", w.Code, w.writes)
	}
}

// cancellingWriter is a client that hangs up after the first bytes.
type cancellingWriter struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
	writes int
}

func (w *cancellingWriter) Write(p []byte) (int, error) {
	w.writes++
	w.cancel()
	return w.ResponseRecorder.Write(p)
}
