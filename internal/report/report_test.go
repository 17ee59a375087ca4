package report_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/report"
)

// t0 is Wednesday 23 October 2024, 09:00 WIB.
var t0 = time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC)

func header() report.EventHeader {
	return report.EventHeader{
		Event: registry.Event{ID: 7, Title: "Deklarasi Netralitas ASN Kabupaten Deli Serdang", Place: "Aula Cendana Kantor Bupati",
			Mode: registry.ModeInPerson, StartsAt: t0, Status: registry.StatusClosed,
			OfficialName: "Drs. H. Ahmad Fauzi, M.Si.", OfficialPosition: "Sekretaris Daerah"},
		Org: registry.Organization{Name: "Pemerintah Kabupaten Deli Serdang", TimeZone: "Asia/Jakarta"},
	}
}

var units = []report.UnitCount{
	{Unit: "Badan Kepegawaian dan Pengembangan SDM", Eligible: 3, Signed: 2},
	{Unit: "Dinas Pendidikan", Eligible: 120, Signed: 97},
	{Unit: "Sekretariat Daerah", Eligible: 8, Signed: 8},
}

func TestUnits(t *testing.T) {
	signed := &registry.Signature{Code: "A"}
	revoked := &registry.Signature{Code: "B", Revocation: &registry.Revocation{ID: 1}}
	parts := []registry.Participant{
		{Employee: registry.Employee{Unit: "Dinas Pendidikan"}, Signature: signed},
		{Employee: registry.Employee{Unit: "Bappeda"}},
		{Employee: registry.Employee{Unit: "Dinas Pendidikan"}, Signature: revoked},
		{Employee: registry.Employee{Unit: " "}, Signature: signed},
	}
	got := report.Units(parts)
	want := []report.UnitCount{{report.NoUnit, 1, 1}, {"Bappeda", 1, 0}, {"Dinas Pendidikan", 2, 1}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Units = %v, want %v", got, want)
	}
	if tot := report.Total(got); tot.Eligible != 4 || tot.Signed != 2 || tot.Pending() != 2 || tot.Percent() != "50" {
		t.Errorf("Total = %+v, %s%%", tot, tot.Percent())
	}
	for _, tc := range []struct {
		part, total int
		want        string
	}{{2, 3, "66,7"}, {97, 120, "80,8"}, {0, 0, "0"}, {8, 8, "100"}} {
		if got := report.Percent(tc.part, tc.total); got != tc.want {
			t.Errorf("Percent(%d, %d) = %q, want %q", tc.part, tc.total, got, tc.want)
		}
	}
}

func TestRecapPDF(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteRecapPDF(&buf, report.Recap{EventHeader: header(), Units: units, Generated: t0.Add(5 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, buf.Bytes())
	for _, want := range []string{
		"REKAPITULASI PENANDATANGANAN IKRAR NETRALITAS ASN",
		"Deklarasi Netralitas ASN Kabupaten Deli Serdang",
		"Rabu, 23 Oktober 2024 pukul 09.00 WIB · Aula Cendana Kantor Bupati",
		"Status acara: Ditutup",
		"131 107 24 81,7% Peserta Sudah menandatangani Belum Persentase",
		"1 Badan Kepegawaian dan Pengembangan SDM 3 2 1 66,7",
		"2 Dinas Pendidikan 120 97 23 80,8",
		"3 Sekretariat Daerah 8 8 0 100",
		"3 Sekretariat Daerah 8 8 0 100 131 107 24 81,7", "Jumlah",
		"Halaman 1 dari 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("recap does not show %q:\n%s", want, text)
		}
	}
	var again bytes.Buffer
	if err := report.WriteRecapPDF(&again, report.Recap{EventHeader: header(), Units: units, Generated: t0.Add(5 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("the same recap rendered twice differs")
	}
}

func TestBeritaAcaraPDF(t *testing.T) {
	// Sixty units push the table over pages; its header repeats.
	many := append([]report.UnitCount(nil), units...)
	for i := range 60 {
		many = append(many, report.UnitCount{Unit: fmt.Sprintf("UPT Puskesmas Kecamatan Nomor %02d dengan nama yang cukup panjang untuk dua baris di tabel", i),
			Eligible: 10, Signed: i % 11})
	}
	loc := registry.LoadLocation("Asia/Jakarta")
	b := report.BeritaAcara{
		EventHeader: header(), Pledge: registry.DefaultPledge(), Number: "800/1234/BKPSDM/2024",
		Place: "Aula Cendana Kantor Bupati", Date: t0.In(loc), Units: many, Generated: t0.Add(6 * time.Hour),
		Officials: []report.Official{
			{Name: "Drs. H. Ahmad Fauzi, M.Si.", Position: "Sekretaris Daerah"},
			{Name: "Dr. André Siregar, S.H.", Position: "Kepala BKPSDM"},
			{Name: "Rina Marpaung, S.Sos.", Position: "Ketua Bawaslu Kabupaten"},
		},
	}
	var buf bytes.Buffer
	if err := report.WriteBeritaAcaraPDF(&buf, b); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	text := pdftest.Text(t, pdf)
	tot := report.Total(many)
	for _, want := range []string{
		"BERITA ACARA DEKLARASI NETRALITAS APARATUR SIPIL NEGARA",
		"Nomor: 800/1234/BKPSDM/2024",
		"Pada hari ini Rabu, tanggal 23 Oktober 2024, bertempat di Aula Cendana Kantor Bupati, telah dilaksanakan Deklarasi Netralitas Aparatur Sipil Negara “Deklarasi Netralitas ASN Kabupaten Deli Serdang” yang diselenggarakan oleh Pemerintah Kabupaten Deli Serdang.",
		"Aparatur Sipil Negara di lingkungan Pemerintah Kabupaten Deli Serdang berikrar:",
		"Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
		fmt.Sprintf("Dari %d pegawai yang wajib menandatangani ikrar, %d pegawai (%s%%) telah menandatangani dan %d pegawai belum",
			tot.Eligible, tot.Signed, tot.Percent(), tot.Pending()),
		"2 Dinas Pendidikan 120 97 23 80,8",
		fmt.Sprintf("%d %d %d %s", tot.Eligible, tot.Signed, tot.Pending(), tot.Percent()),
		"1. Drs. H. Ahmad Fauzi, M.Si. — Sekretaris Daerah",
		"2. Dr. André Siregar, S.H. — Kepala BKPSDM",
		"Demikian Berita Acara ini dibuat dengan sebenarnya",
		"Aula Cendana Kantor Bupati, 23 Oktober 2024",
		"Ketua Bawaslu Kabupaten",
		"Rina Marpaung, S.Sos.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Berita Acara does not show %q:\n%s", want, text)
		}
	}
	if n := pdftest.Pages(t, pdf); n < 3 {
		t.Errorf("%d pages, want the table to run over at least 3", n)
	}
	if c := strings.Count(text, "No Unit kerja Peserta Sudah Belum %"); c < 2 {
		t.Errorf("the table header appears %d times, want it repeated on every page", c)
	}

	// Online, without officials entered: the event's official signs.
	b.Event.Mode, b.Place, b.Officials, b.Units = registry.ModeOnline, "", nil, units
	buf.Reset()
	if err := report.WriteBeritaAcaraPDF(&buf, b); err != nil {
		t.Fatal(err)
	}
	text = pdftest.Text(t, buf.Bytes())
	for _, want := range []string{"tanggal 23 Oktober 2024, secara daring, telah dilaksanakan", "Deli Serdang secara daring.", "Sekretaris Daerah Drs. H. Ahmad Fauzi, M.Si."} {
		if !strings.Contains(text, want) {
			t.Errorf("online Berita Acara does not show %q:\n%s", want, text)
		}
	}
}

func TestQRSheetPDF(t *testing.T) {
	var cards []report.QRCard
	for i := range 14 {
		cards = append(cards, report.QRCard{Unit: "Dinas Pendidikan", Name: fmt.Sprintf("Pegawai %02d", i),
			NIP: fmt.Sprintf("1986092620150510%02d", i), URL: fmt.Sprintf("https://ikrar.example.id/e/slug/p/%d.0.tokentoken", i)})
	}
	cards = append(cards, report.QRCard{Unit: "", Name: "Ucok Parlindungan Harahap", NIP: "R12345678901234567",
		URL: "https://ikrar.example.id/e/slug/p/x.0.t"})
	var buf bytes.Buffer
	if err := report.WriteQRSheetPDF(&buf, report.QRSheet{EventHeader: header(), Cards: cards, Generated: t0}); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	// Twelve cards on the first page, the unit's last two on the second
	// under a repeated heading, and the card without a unit below them.
	if n := pdftest.Pages(t, pdf); n != 2 {
		t.Errorf("%d pages, want 2", n)
	}
	text := pdftest.Text(t, pdf)
	for _, want := range []string{"Dinas Pendidikan 14 orang", "Pegawai 00 Pegawai 01 Pegawai 02 NIP 19860926 201505 1 000",
		"Dinas Pendidikan (lanjutan) kartu 13–14 dari 14", report.NoUnit + " 1 orang", "No. registri R12345678901234567"} {
		if !strings.Contains(text, want) {
			t.Errorf("QR sheet does not show %q:\n%s", want, text)
		}
	}
	// The first card's QR, cut out of the page as a person would cut it.
	img := pdftest.Page(t, pdf, 1)
	if got := pdftest.DecodeQR(t, pdftest.Crop(img, 0, 0, 1.0/3, 0.32)); got != cards[0].URL {
		t.Errorf("first QR reads %q, want %q", got, cards[0].URL)
	}
}

func TestTables(t *testing.T) {
	cols := []report.Column{{"No", 5}, {"Nama", 30}, {"Jumlah", 8}}
	rows := [][]any{{1, "=cmd()", 3}, {2, "André Siregar", 4}, {3, "@SUM(A1)", 0}}

	write := func(w report.TableWriter, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := w.Row(r...); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	want := [][]string{{"No", "Nama", "Jumlah"}, {"1", "'=cmd()", "3"}, {"2", "André Siregar", "4"}, {"3", "'@SUM(A1)", "0"}}
	for _, sep := range []rune{report.Semicolon, report.Comma} {
		buf.Reset()
		write(report.NewCSV(&buf, sep, cols))
		body, ok := bytes.CutPrefix(buf.Bytes(), []byte("\ufeff"))
		if !ok {
			t.Fatal("CSV has no UTF-8 byte-order mark")
		}
		if first, _, _ := bytes.Cut(body, []byte("\n")); string(first) != "No"+string(sep)+"Nama"+string(sep)+"Jumlah" {
			t.Errorf("CSV header %q, want the titles separated by %q", first, sep)
		}
		r := csv.NewReader(bytes.NewReader(body))
		r.Comma = sep
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(recs) != fmt.Sprint(want) {
			t.Errorf("CSV with %q = %q, want %q", sep, recs, want)
		}
	}
	if _, err := report.NewCSV(&buf, '\t', cols); err == nil {
		t.Error("NewCSV takes a tab; want only ';' or ','")
	}

	buf.Reset()
	write(report.NewXLSX(&buf, "Daftar", cols))
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows("Daftar")
	if err != nil {
		t.Fatal(err)
	}
	want[1][1], want[3][1] = "=cmd()", "@SUM(A1)" // text cells, never formulas
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("XLSX rows = %q, want %q", got, want)
	}
	if formula, _ := f.GetCellFormula("Daftar", "B2"); formula != "" {
		t.Errorf("B2 holds formula %q", formula)
	}
	if typ, _ := f.GetCellType("Daftar", "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 type %v, want a number", typ)
	}
}

// TestTableTimes: a time is a real Excel date in the event's zone, which
// sorts as time does (as text "23/10" would sort before "30/09"), and
// Indonesian words in CSV.
func TestTableTimes(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	later := time.Date(2024, 10, 23, 1, 30, 15, 0, time.UTC).In(loc) // 09.30 WITA
	earlier := time.Date(2024, 9, 30, 9, 5, 0, 0, time.UTC).In(loc)  // 17.05 WITA
	cols := []report.Column{{"Waktu", 22}}

	var buf bytes.Buffer
	w, err := report.NewXLSX(&buf, "Waktu", cols)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{later, earlier} {
		if err := w.Row(report.Time{At: at, Zone: "WITA"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var serials []float64
	for i, want := range []struct {
		shown string
		wall  time.Time
	}{
		{"23/10/2024 09:30 WITA", time.Date(2024, 10, 23, 9, 30, 15, 0, time.UTC)},
		{"30/09/2024 17:05 WITA", time.Date(2024, 9, 30, 17, 5, 0, 0, time.UTC)},
	} {
		cell := fmt.Sprintf("A%d", i+2)
		if got, _ := f.GetCellValue("Waktu", cell); got != want.shown {
			t.Errorf("%s displays %q, want %q", cell, got, want.shown)
		}
		raw, _ := f.GetCellValue("Waktu", cell, excelize.Options{RawCellValue: true})
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			t.Fatalf("%s holds %q, not a date Excel can sort", cell, raw)
		}
		if at, _ := excelize.ExcelDateToTime(n, false); at.Sub(want.wall).Abs() > time.Second {
			t.Errorf("%s = %v, want the wall clock %v", cell, at, want.wall)
		}
		serials = append(serials, n)
	}
	if serials[1] >= serials[0] {
		t.Errorf("30 September (%v) does not sort before 23 October (%v)", serials[1], serials[0])
	}

	buf.Reset()
	w, err = report.NewCSV(&buf, report.Semicolon, cols)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row(report.Time{At: later, Zone: "WITA"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.HasSuffix(got, "\nRabu, 23 Oktober 2024 pukul 09.30 WITA\n") {
		t.Errorf("CSV = %q, want the time in Indonesian words", got)
	}
}

// TestQRSheetPacksUnits: small units share pages, each under its heading,
// and a unit that fits on a page is not split across two; every card's QR
// reads its own link.
func TestQRSheetPacksUnits(t *testing.T) {
	sizes := map[string]int{"Bagian Hukum": 1, "Bagian Organisasi": 2, "Bagian Umum": 3, "Dinas Kesehatan": 2,
		"Dinas Pendidikan": 9, "Inspektorat": 1}
	var cards []report.QRCard
	for unit, n := range sizes {
		for i := range n {
			k := len(cards)
			cards = append(cards, report.QRCard{Unit: unit, Name: fmt.Sprintf("%s %d", unit, i+1), NIP: nipOf(k),
				URL: fmt.Sprintf("https://ikrar.deliserdangkab.go.id/e/BwJ-XEnPkY1kW2JDZhRudg/p/%d.0.Zm9vYmFyYmF6cXV4", k)})
		}
	}
	var buf bytes.Buffer
	if err := report.WriteQRSheetPDF(&buf, report.QRSheet{EventHeader: header(), Cards: cards, Generated: t0}); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	// Page 1: Bagian Hukum, Bagian Organisasi, Bagian Umum, Dinas Kesehatan
	// (a row each); Dinas Pendidikan's three rows do not fit below them
	// but do on page 2, with Inspektorat. One page per unit took six.
	pages := pdftest.Pages(t, pdf)
	if pages != 2 {
		t.Fatalf("%d pages for 18 cards in 6 units, want 2", pages)
	}
	want := map[string]bool{}
	for _, c := range cards {
		want[c.URL] = true
	}
	for p := 1; p <= pages; p++ {
		text := pdftest.PageText(t, pdf, p)
		for unit, n := range sizes {
			onFirst := unit < "Dinas Pendidikan"
			if here := strings.Contains(text, fmt.Sprintf("%s %d orang", unit, n)); here != (onFirst == (p == 1)) {
				t.Errorf("page %d shows the heading of %s: %v, want %v:\n%s", p, unit, here, !here, text)
			}
		}
		for _, url := range pdftest.DecodeQRs(t, pdftest.Page(t, pdf, p)) {
			if !want[url] {
				t.Errorf("page %d: QR reads %q, not a card's link or read twice", p, url)
			}
			delete(want, url)
		}
	}
	if len(want) > 0 {
		t.Errorf("%d cards' QR codes do not read: %v", len(want), want)
	}
}

// nipOf is a distinct, well-formed NIP for each k < 100.
func nipOf(k int) string { return fmt.Sprintf("1986092620150510%02d", k) }
