package roster

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster/rostertest"
)

// checkResult holds for any input: a parse fails with a domain error (never
// an internal one), or returns employees that each came from a row and
// carry a name and a category.
func checkResult(t *testing.T, res Result, err error) {
	t.Helper()
	if err != nil {
		if code := registry.ErrorCode(err); code != registry.EBADROSTER && code != registry.ETOOLARGE {
			t.Fatalf("error %q: %v", code, err)
		}
		return
	}
	if len(res.Rows) != len(res.Employees) {
		t.Fatalf("%d rows for %d employees", len(res.Rows), len(res.Employees))
	}
	for i, e := range res.Employees {
		if e.Name == "" || e.Category == "" || res.Rows[i] < 1 {
			t.Fatalf("employee %+v from row %d", e, res.Rows[i])
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("nip\tnama\n198609262015051001\tSiti\n"))
	for _, seed := range [][]byte{
		[]byte("nip,nama,gelar_depan,gelar_belakang,jabatan,golongan,unit_kerja,kategori\n198609262015051001,Siti Aminah,Dr.,M.Si.,Kepala,IV/a,Bagian Umum,PNS\n"),
		[]byte("\ufeffnipBaru;nama;unorNama\n1.98609E+17;Angka;Umum\n;;\n198609262015051002;\"Nama\nDua Baris\";Umum\n"),
		[]byte("nip;nama;kategori\n;Honorer Tanpa NIP;NON_ASN\n;Honorer Tanpa NIP;NON_ASN\n"),
		[]byte("nip,nama\r198609262015051001,Mac\r"),
		[]byte("nama\n\"tak tertutup\n"),
		utf16,
		{0xff, 0xfe, 0x00},
		rostertest.CSVRows(3, 40),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseCSV(bytes.NewReader(data))
		checkResult(t, res, err)
	})
}

func FuzzParseXLSX(f *testing.F) {
	book := excelize.NewFile()
	for cell, v := range map[string]any{"A1": "nip", "B1": "nama", "C1": "kategori", "A2": "198609262015051001", "B2": "Siti",
		"A3": int64(198609262015051002), "B3": "Angka", "C3": "PPPK", "B4": "Tanpa NIP", "C4": "NON_ASN"} {
		book.SetCellValue("Sheet1", cell, v)
	}
	var buf bytes.Buffer
	if _, err := book.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	book.Close()
	for _, seed := range [][]byte{
		buf.Bytes(),
		rostertest.XLSXBomb(2 << 20),
		rostertest.XLSXSheet(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="inlineStr"><is><t>nip</t></is></c><c r="XFD1" t="inlineStr"><is><t>nama</t></is></c></row>` +
			`<row r="3"><c r="A3" t="s"><v>7</v></c></row></sheetData></worksheet>`),
		[]byte("PK\x03\x04"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseXLSX(bytes.NewReader(data))
		checkResult(t, res, err)
	})
}
