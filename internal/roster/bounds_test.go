package roster

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/roster/rostertest"
)

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The bomb is a real workbook: excelize reads its header.
func TestXLSXBombIsAWorkbook(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(rostertest.XLSXBomb(2 << 20)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) != 1 || strings.Join(rows[0], ",") != "nip,nama" {
		t.Fatalf("rows %q (%v)", rows, err)
	}
}

// A workbook that unpacks past the limits is refused from its zip
// directory, before anything is unpacked: a 1 GB bomb (about 1 MB of file)
// costs little more than reading the file.
func TestXLSXBombRefused(t *testing.T) {
	for _, tc := range []struct {
		name     string
		unpacked int64
	}{
		{"past the total", 1 << 30},
		{"within the total, packed too tight", 128 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bomb := rostertest.XLSXBomb(tc.unpacked)
			var err error
			n := allocated(func() { _, err = Parse(bytes.NewReader(bomb), "", "pegawai.xlsx") })
			if !registry.IsCode(err, registry.ETOOLARGE) {
				t.Fatalf("a %d-byte bomb of %d MB: %v", len(bomb), tc.unpacked>>20, err)
			}
			if limit := uint64(8*len(bomb)) + 4<<20; n > limit {
				t.Errorf("refusing a %d-byte bomb allocated %d bytes, more than %d", len(bomb), n, limit)
			}
		})
	}
}

// A sheet whose last row is row 1,048,576 — empty, like the million rows
// before it — is read up to the row limit, not to its end.
func TestXLSXEmptyRowsStop(t *testing.T) {
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>nip</t></is></c><c r="B1" t="inlineStr"><is><t>nama</t></is></c></row>` +
		`<row r="1048576"><c r="A1048576"/></row>` +
		`</sheetData></worksheet>`
	_, err := ParseXLSX(bytes.NewReader(rostertest.XLSXSheet(sheet)))
	if !registry.IsCode(err, registry.EBADROSTER) || !strings.Contains(registry.ErrorMessage(err), "200.000 baris") {
		t.Fatalf("err = %v", err)
	}
}

// Cells per row, bytes per cell and rows before the header are bounded in
// CSV files as in workbooks.
func TestCSVBounds(t *testing.T) {
	for _, tc := range []struct {
		name, csv, want string
	}{
		{"too many columns", "nip;nama" + strings.Repeat(";x", maxCells) + "\n", "terlalu banyak kolom"},
		{"a huge cell", string(rostertest.CSVRows(1, maxCellBytes+1)), "terlalu panjang"},
		{"an unterminated quote", "nip;nama\n1;\"" + strings.Repeat("a", maxCellBytes+1) + "\n", "terlalu panjang"},
		{"no header in the first rows", strings.Repeat("x\n", maxHeaderRow+1), "tidak ditemukan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tc.csv))
			if !registry.IsCode(err, registry.EBADROSTER) || !strings.Contains(registry.ErrorMessage(err), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := ParseCSV(bytes.NewReader(rostertest.CSVRows(3, maxCellBytes))); err != nil {
		t.Errorf("cells of exactly %d bytes: %v", maxCellBytes, err)
	}
}

// A file over MaxFileBytes is refused as too large, having read no more
// than one byte past the limit.
func TestFileTooLarge(t *testing.T) {
	r := &countingReader{limit: MaxFileBytes + 10<<20}
	_, err := Parse(r, "text/csv", "pegawai.csv")
	if !registry.IsCode(err, registry.ETOOLARGE) {
		t.Fatalf("err = %v", err)
	}
	if r.n > MaxFileBytes+1 {
		t.Errorf("read %d bytes of an oversized file", r.n)
	}
}

// countingReader yields limit bytes of a valid CSV line, counting them.
type countingReader struct{ n, limit int }

func (r *countingReader) Read(p []byte) (int, error) {
	if r.n >= r.limit {
		return 0, nil
	}
	p = p[:min(len(p), r.limit-r.n)]
	for i := range p {
		p[i] = "nip;nama\n"[(r.n+i)%9]
	}
	r.n += len(p)
	return len(p), nil
}
