// Package roster reads the employee lists HR already keeps — CSV exported
// from Excel on Indonesian desktops, XLSX workbooks, SIASN exports — into
// validated employees, and reports every row it refuses with the row number
// the spreadsheet shows, so HR can fix the file and import it again.
package roster

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// MaxRows is the most data rows a roster may have.
const MaxRows = 200_000

// Bounds on what a roster file may make the server hold, whoever sent it:
// the file itself, the rows before the header, the cells of a row and the
// bytes of a cell (Excel's own limit is 32,767 characters).
const (
	MaxFileBytes = 48 << 20
	maxHeaderRow = 100
	maxCells     = 1024
	maxCellBytes = 32 << 10
)

// Longest values accepted, in characters.
const (
	maxName  = 200
	maxField = 300
)

// Rejection is a row that was not imported and why: Reason in
// Indonesian for the API and the log, Problems (when the parser found them)
// as domain errors a page translates by their formats.
type Rejection struct {
	Row      int     `json:"row"`
	NIP      string  `json:"nip"`
	Reason   string  `json:"reason"`
	Problems []error `json:"-"`
}

// Result is a parsed roster: the valid employees with the spreadsheet row
// each came from (Rows[i] is the row of Employees[i]), and the refused rows.
// Employees without an NIP (non-ASN and village staff only) have an empty
// NIP; the service assigns them a registry ID.
type Result struct {
	Employees []registry.Employee
	Rows      []int
	Rejected  []Rejection
}

// Parse reads a roster upload, choosing the format by its content: a zip
// archive is an XLSX workbook whatever the browser called it (browsers on
// Windows send application/vnd.ms-excel for CSV files), anything else is
// read as CSV unless the content type or file name says XLSX.
func Parse(r io.Reader, contentType, filename string) (Result, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(4)
	switch {
	case bytes.Equal(magic, []byte("PK\x03\x04")):
		return ParseXLSX(br)
	case bytes.Equal(magic, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return Result{}, registry.Errorf(registry.EBADROSTER,
			"Format Excel 97-2003 (.xls) tidak didukung. Simpan berkas sebagai Excel Workbook (.xlsx) atau CSV.")
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == xlsxType || strings.EqualFold(filepath.Ext(filename), ".xlsx") {
		return ParseXLSX(br)
	}
	return ParseCSV(br)
}

// readFile reads a whole roster file, refusing one over MaxFileBytes.
func readFile(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read roster: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, registry.Errorf(registry.ETOOLARGE, "Berkas terlalu besar (maksimal %d MB).", MaxFileBytes>>20)
	}
	return data, nil
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// SafeCell neutralises a value written into a CSV export so that a
// spreadsheet does not run it as a formula (CSV injection): a value starting
// with = + - @, a tab or a carriage return gets a leading apostrophe, which
// Excel shows as a text marker and nip.Normalize drops on the way back in.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// field is a roster column ikrar knows.
type field int

const (
	fieldNIP field = iota
	fieldName
	fieldFrontTitle
	fieldBackTitle
	fieldPosition
	fieldRank
	fieldUnit
	fieldCategory
	numFields
)

// columns lists, for each field, its name in messages and the headers that
// name it, as HR and SIASN write them.
var columns = [numFields]struct {
	label   string
	headers []string
}{
	fieldNIP:        {"NIP", []string{"nip", "nipBaru", "nip_baru"}},
	fieldName:       {"nama", []string{"name", "nama"}},
	fieldFrontTitle: {"gelar depan", []string{"front_title", "gelar_depan", "gelarDepan"}},
	fieldBackTitle:  {"gelar belakang", []string{"back_title", "gelar_belakang", "gelarBelakang"}},
	fieldPosition:   {"jabatan", []string{"position", "jabatan", "jabatanNama"}},
	fieldRank:       {"golongan", []string{"rank", "golongan", "pangkat", "golRuangAkhir"}},
	fieldUnit:       {"unit kerja", []string{"unit", "unit_kerja", "unorNama"}},
	fieldCategory:   {"kategori", []string{"category", "kategori", "jenis_pegawai"}},
}

// headerFields maps a header key (see headerKey) to its field.
var headerFields = func() map[string]field {
	m := make(map[string]field)
	for f, c := range columns {
		for _, h := range c.headers {
			m[headerKey(h)] = field(f)
		}
	}
	return m
}()

// headerKey folds the ways one header is written — "nipBaru", "NIP_BARU",
// "Nip Baru", "unit-kerja" — to one key.
func headerKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' || r == '\ufeff' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// parser turns spreadsheet rows into a Result; the CSV and XLSX readers
// feed it rows with their spreadsheet numbers.
type parser struct {
	headerRow int            // 0 until the header is read
	cols      [numFields]int // cell index of each field, -1 when absent
	byNIP     map[string]int // row of each NIP seen
	byPerson  map[string]int // row of each employee without an NIP, by name and unit
	res       Result
}

func newParser() *parser {
	return &parser{byNIP: make(map[string]int), byPerson: make(map[string]int)}
}

// add takes spreadsheet row n. Empty rows — including the ";;;;" rows Excel
// writes for blank lines — are skipped; the first non-empty row is the
// header.
func (p *parser) add(n int, cells []string) error {
	// Counted before blank rows are skipped: a sheet of a million empty
	// rows is refused after MaxRows, not walked to its end.
	if n-max(p.headerRow, maxHeaderRow) > MaxRows {
		return registry.Errorf(registry.EBADROSTER, "Berkas terlalu besar: maksimal 200.000 baris.")
	}
	if len(cells) > maxCells {
		return registry.Errorf(registry.EBADROSTER, "Baris %d berisi terlalu banyak kolom (maksimal %d).", n, maxCells)
	}
	for _, c := range cells {
		if len(c) > maxCellBytes {
			return registry.Errorf(registry.EBADROSTER, "Sel pada baris %d terlalu panjang (maksimal 32 KB).", n)
		}
	}
	if blank(cells) {
		return nil
	}
	if p.headerRow == 0 {
		if n > maxHeaderRow {
			return registry.Errorf(registry.EBADROSTER, "Baris judul dengan kolom NIP dan nama tidak ditemukan pada %d baris pertama.", maxHeaderRow)
		}
		return p.header(n, cells)
	}
	if n-p.headerRow > MaxRows {
		return registry.Errorf(registry.EBADROSTER, "Berkas terlalu besar: maksimal 200.000 baris.")
	}
	p.row(n, cells)
	return nil
}

func (p *parser) header(n int, cells []string) error {
	p.headerRow = n
	for i := range p.cols {
		p.cols[i] = -1
	}
	for i, c := range cells {
		// The first of two columns for one field wins, as a reader's eye does.
		if f, ok := headerFields[headerKey(c)]; ok && p.cols[f] < 0 {
			p.cols[f] = i
		}
	}
	var missing []string
	for _, f := range []field{fieldNIP, fieldName} {
		if p.cols[f] < 0 {
			missing = append(missing, fmt.Sprintf("%q (nama kolom yang diterima: %s)",
				columns[f].label, strings.Join(columns[f].headers, ", ")))
		}
	}
	if len(missing) > 0 {
		return registry.Errorf(registry.EBADROSTER, "Kolom wajib tidak ditemukan pada baris judul (baris %d): %s.",
			n, strings.Join(missing, "; "))
	}
	return nil
}

func (p *parser) row(n int, cells []string) {
	var vals [numFields]string
	for f, i := range p.cols {
		if i >= 0 && i < len(cells) {
			vals[f] = cells[i]
		}
	}
	rawNIP := strings.TrimSpace(vals[fieldNIP])
	reject := func(reasons ...error) {
		texts := make([]string, len(reasons))
		for i, r := range reasons {
			texts[i] = registry.ErrorMessage(r)
		}
		p.res.Rejected = append(p.res.Rejected, Rejection{Row: n, NIP: strings.ToValidUTF8(rawNIP, "\uFFFD"),
			Reason: strings.Join(texts, "; "), Problems: reasons})
	}
	for _, v := range vals {
		if !utf8.ValidString(v) {
			reject(registry.Errorf(registry.EBADROSTER, "Baris berisi karakter yang bukan UTF-8: simpan berkas sebagai \"CSV UTF-8\""))
			return
		}
	}

	var reasons []error
	for f := fieldName; f < numFields; f++ {
		// Line breaks inside a cell (Alt+Enter) and runs of spaces would
		// otherwise end up on certificates.
		vals[f] = strings.Join(strings.Fields(vals[f]), " ")
		limit := maxField
		if f == fieldName {
			limit = maxName
		}
		if utf8.RuneCountInString(vals[f]) > limit {
			reasons = append(reasons, registry.Errorf(registry.EBADROSTER, "Kolom %s terlalu panjang (maksimal %d karakter)", columns[f].label, limit))
		} else if strings.IndexFunc(vals[f], unicode.IsControl) >= 0 {
			reasons = append(reasons, registry.Errorf(registry.EBADROSTER, "Kolom %s berisi karakter kontrol yang tidak valid", columns[f].label))
		}
	}
	if vals[fieldName] == "" {
		reasons = append(reasons, registry.Errorf(registry.EBADROSTER, "Nama wajib diisi"))
	}
	cat, ok := registry.ParseCategory(vals[fieldCategory])
	if !ok {
		reasons = append(reasons, registry.Errorf(registry.EBADROSTER, "Kategori pegawai tidak dikenal: %q (gunakan PNS, PPPK, NON_ASN atau VILLAGE)",
			vals[fieldCategory]))
	}

	var id string
	switch {
	case !ok:
		// Which NIP structure applies depends on the category.
	case rawNIP == "" && (cat == registry.CategoryNonASN || cat == registry.CategoryVillage):
		if vals[fieldName] != "" {
			// The service derives these employees' registry IDs from name
			// and unit; two such rows would become one employee.
			key := nip.RegistryID(0, vals[fieldName], vals[fieldUnit])
			if first, dup := p.byPerson[key]; dup {
				reasons = append(reasons, registry.Errorf(registry.EBADROSTER, "Pegawai tanpa NIP dengan nama dan unit kerja yang sama sudah ada pada baris %d", first))
			} else {
				p.byPerson[key] = n
			}
		}
	case rawNIP == "":
		reasons = append(reasons, registry.Errorf(registry.EBADROSTER, "NIP wajib diisi untuk pegawai PNS dan PPPK"))
	default:
		var err error
		if id, err = nip.Parse(rawNIP, cat); err != nil {
			reasons = append(reasons, err)
		} else if first, dup := p.byNIP[id]; dup {
			reasons = append(reasons, registry.Errorf(registry.EBADROSTER, "NIP ganda dalam berkas, sama dengan baris %d", first))
		} else {
			p.byNIP[id] = n
		}
	}
	if len(reasons) > 0 {
		reject(reasons...)
		return
	}
	p.res.Employees = append(p.res.Employees, registry.Employee{
		NIP:        id,
		Name:       vals[fieldName],
		FrontTitle: vals[fieldFrontTitle],
		BackTitle:  vals[fieldBackTitle],
		Position:   vals[fieldPosition],
		Rank:       vals[fieldRank],
		Unit:       vals[fieldUnit],
		Category:   cat,
		Active:     true,
	})
	p.res.Rows = append(p.res.Rows, n)
}

// result returns what was parsed, or an error if the file had no header.
func (p *parser) result() (Result, error) {
	if p.headerRow == 0 {
		return Result{}, registry.Errorf(registry.EBADROSTER, "Berkas kosong: baris judul dengan kolom NIP dan nama tidak ditemukan.")
	}
	return p.res, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// TemplateHeaders are the headers of the empty roster template officers
// download from the import page, one per field in the order HR fills
// them; Parse reads every one of them.
func TemplateHeaders() []string {
	return []string{"nip", "nama", "gelar_depan", "gelar_belakang", "jabatan", "golongan", "unit_kerja", "kategori"}
}
