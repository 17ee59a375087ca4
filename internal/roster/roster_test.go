package roster

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
)

const excelMsg = "NIP rusak oleh format angka Excel — simpan kolom NIP sebagai teks"

// emp is the part of an employee a roster sets.
type emp struct {
	Row                                          int
	NIP, Name, Front, Back, Position, Rank, Unit string
	Category                                     registry.Category
}

func employees(t *testing.T, res Result) []emp {
	t.Helper()
	if len(res.Rows) != len(res.Employees) {
		t.Fatalf("%d rows for %d employees", len(res.Rows), len(res.Employees))
	}
	var out []emp
	for i, e := range res.Employees {
		if !e.Active {
			t.Errorf("employee %q is not active", e.Name)
		}
		out = append(out, emp{res.Rows[i], e.NIP, e.Name, e.FrontTitle, e.BackTitle, e.Position, e.Rank, e.Unit, e.Category})
	}
	return out
}

func mustParseCSV(t *testing.T, s string) Result {
	t.Helper()
	res, err := ParseCSV(strings.NewReader(s))
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	return res
}

func TestParseCSV(t *testing.T) {
	const pns = registry.CategoryPNS
	tests := []struct {
		name     string
		in       string
		want     []emp
		rejected []Rejection
	}{
		{
			name: "SIASN export: BOM, semicolons, CRLF",
			in: "\ufeffnipBaru;nama;gelarDepan;gelarBelakang;jabatanNama;golRuangAkhir;unorNama\r\n" +
				"198609262015051001;Siti  Aminah;Dr.;S.H., M.Si.;Kepala Bagian Umum;IV/a;Bagian Umum\r\n" +
				"'199001012019032015; Dewi Lestari ;;S.Kom.;Pranata Komputer;III/b;Dinas Kominfo\r\n",
			want: []emp{
				{2, "198609262015051001", "Siti Aminah", "Dr.", "S.H., M.Si.", "Kepala Bagian Umum", "IV/a", "Bagian Umum", pns},
				{3, "199001012019032015", "Dewi Lestari", "", "S.Kom.", "Pranata Komputer", "III/b", "Dinas Kominfo", pns},
			},
		},
		{
			name: "tabs, empty cells kept in place",
			in: "nip\tnama\tgelar_depan\tgelar_belakang\tjabatan\n" +
				"19860926 201505 1 001\tSiti Aminah\t\tS.H.\tAnalis\n",
			want: []emp{{2, "198609262015051001", "Siti Aminah", "", "S.H.", "Analis", "", "", pns}},
		},
		{
			name: "commas, quoted fields with separators and quotes inside",
			in: "nip,name,back_title,position,unit\n" +
				`198609262015051001,"Aminah, Siti","S.H., M.Si.","Kepala ""Seksi""","Bagian Umum; Protokol"` + "\n",
			want: []emp{{2, "198609262015051001", "Aminah, Siti", "", "S.H., M.Si.", `Kepala "Seksi"`, "", "Bagian Umum; Protokol", pns}},
		},
		{
			name: "separators inside quoted headers do not count",
			in: "\"Lokasi, kota, provinsi, negara\";nip;nama\n" +
				"\"Umum, Medan, Sumut, ID\";198609262015051001;Siti\n",
			want: []emp{{2, "198609262015051001", "Siti", "", "", "", "", "", pns}},
		},
		{
			name: "alias headers in mixed case, unknown columns ignored, categories",
			in: "No;NIP_BARU;Nama Lengkap;NAMA;Gelar Depan;GELARBELAKANG;Jabatan;Pangkat;Unit Kerja;Jenis_Pegawai;Keterangan\n" +
				"1;198609262015051001;x;Siti Aminah;Dr.;M.Si.;Kepala;Pembina;Umum;pns;catatan\n" +
				"2;199001012023211001;x;Budi;;;Guru;IX;SMPN 1;P3K;\n" +
				"3;;x;Wati;;;Pramu Kantor;;Umum;honorer;\n" +
				"4;320101000000012345;x;Pak Kades;;;Kepala Desa;;Desa Suka Maju;Perangkat Desa;\n" +
				"5;R12345678901234567;x;Tono;;;Satpam;;Umum;NON_ASN;\n",
			want: []emp{
				{2, "198609262015051001", "Siti Aminah", "Dr.", "M.Si.", "Kepala", "Pembina", "Umum", pns},
				{3, "199001012023211001", "Budi", "", "", "Guru", "IX", "SMPN 1", registry.CategoryPPPK},
				{4, "", "Wati", "", "", "Pramu Kantor", "", "Umum", registry.CategoryNonASN},
				{5, "320101000000012345", "Pak Kades", "", "", "Kepala Desa", "", "Desa Suka Maju", registry.CategoryVillage},
				{6, "R12345678901234567", "Tono", "", "", "Satpam", "", "Umum", registry.CategoryNonASN},
			},
		},
		{
			name: "blank lines and empty Excel rows count as rows",
			in: "nip;nama\r\n" +
				"\r\n" +
				";\r\n" +
				"198609262015051001;Siti\r\n" +
				"   \r\n" +
				"\r\n" +
				"199001012019032015;Dewi\r\n",
			want: []emp{
				{4, "198609262015051001", "Siti", "", "", "", "", "", pns},
				{7, "199001012019032015", "Dewi", "", "", "", "", "", pns},
			},
		},
		{
			name: "a line break inside a cell is one row",
			in: "nip;nama;jabatan\n" +
				"198609262015051001;Siti;\"Kepala\nBagian\"\n" +
				"\n" +
				"199001012019032015;Dewi;Staf\n",
			want: []emp{
				{2, "198609262015051001", "Siti", "", "", "Kepala Bagian", "", "", pns},
				{4, "199001012019032015", "Dewi", "", "", "Staf", "", "", pns},
			},
		},
		{
			name: "blank lines before the header",
			in:   "\n\nnip,nama\n198609262015051001,Siti\n",
			want: []emp{{4, "198609262015051001", "Siti", "", "", "", "", "", pns}},
		},
		{
			name: "short rows",
			in:   "nip;nama;jabatan;unit\n198609262015051001;Siti\n",
			want: []emp{{2, "198609262015051001", "Siti", "", "", "", "", "", pns}},
		},
		{
			name: "non-ASCII names survive",
			in:   "nip;nama\n198609262015051001;André Ñúñez\n199001012019032015;Şükrü Çelik\n",
			want: []emp{
				{2, "198609262015051001", "André Ñúñez", "", "", "", "", "", pns},
				{3, "199001012019032015", "Şükrü Çelik", "", "", "", "", "", pns},
			},
		},
		{
			name: "Windows-1252",
			in:   "nip;nama\r\n198609262015051001;Andr\xe9 \xd1\xfa\xf1ez\r\n",
			want: []emp{{2, "198609262015051001", "André Ñúñez", "", "", "", "", "", pns}},
		},
		{
			name: "classic Mac line endings",
			in:   "nip;nama\r198609262015051001;Siti\r199001012019032015;Dewi\r",
			want: []emp{
				{2, "198609262015051001", "Siti", "", "", "", "", "", pns},
				{3, "199001012019032015", "Dewi", "", "", "", "", "", pns},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseCSV(strings.NewReader(tt.in))
			if tt.want == nil && tt.rejected == nil {
				if !registry.IsCode(err, registry.EBADROSTER) {
					t.Fatalf("ParseCSV = %+v, %v; want %s", res, err, registry.EBADROSTER)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCSV: %v", err)
			}
			if got := employees(t, res); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("employees:\n got %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(res.Rejected, tt.rejected) {
				t.Errorf("rejected:\n got %+v\nwant %+v", res.Rejected, tt.rejected)
			}
		})
	}
}

func TestParseCSVRejections(t *testing.T) {
	long := strings.Repeat("a", 201)
	in := "nip;nama;jabatan;kategori\n" + // row 1
		"198609262015051001;Siti;Kepala;PNS\n" + // 2 valid
		"1.98609E+17;Excel Ilmiah;;PNS\n" + // 3
		"1,98609E+17;Excel Koma;;PNS\n" + // 4
		"198609262015051000;Excel Nol;;PNS\n" + // 5
		"19860926 201505 1 001;Siti Lagi;;\n" + // 6 duplicate of row 2
		"199001012019032015;;;PNS\n" + // 7 missing name
		"199002012019032015;Dewi;;GURU\n" + // 8 unknown category
		"199003012019032015;" + long + ";;PNS\n" + // 9 name too long
		"199004012019032015;Rina;" + strings.Repeat("b", 301) + ";PNS\n" + // 10 position too long
		"198702292010011002;Kabisat;;PNS\n" + // 11 no 29 February 1987
		"198609262015131001;Bulan;;PNS\n" + // 12 month 13
		"198609261985051001;Terbalik;;PNS\n" + // 13 start before birth
		"198609262015053001;Kelamin;;PNS\n" + // 14 gender 3
		";Tanpa NIP;;PPPK\n" + // 15
		"\n" + // 16 blank
		" 1234 ;Pendek;;NON_ASN\n" + // 17
		";Wati;;NON_ASN\n" + // 18 valid
		";  wati ;;THL\n" + // 19 same person without NIP
		"199005012019032015;Nul\x00l;;PNS\n" + // 20 control character
		"199006012019032015;;;KONTRAK\n" // 21 two reasons
	res := mustParseCSV(t, in)
	want := []Rejection{
		{3, "1.98609E+17", excelMsg, nil},
		{4, "1,98609E+17", excelMsg, nil},
		{5, "198609262015051000", excelMsg, nil},
		{6, "19860926 201505 1 001", "NIP ganda dalam berkas, sama dengan baris 2", nil},
		{7, "199001012019032015", "Nama wajib diisi", nil},
		{8, "199002012019032015", `Kategori pegawai tidak dikenal: "GURU" (gunakan PNS, PPPK, NON_ASN atau VILLAGE)`, nil},
		{9, "199003012019032015", "Kolom nama terlalu panjang (maksimal 200 karakter)", nil},
		{10, "199004012019032015", "Kolom jabatan terlalu panjang (maksimal 300 karakter)", nil},
		{11, "198702292010011002", "Tanggal lahir pada NIP tidak valid", nil},
		{12, "198609262015131001", "Bulan pengangkatan CPNS pada NIP tidak valid", nil},
		{13, "198609261985051001", "Tanggal pengangkatan CPNS pada NIP harus setelah tanggal lahir", nil},
		{14, "198609262015053001", "Kode jenis kelamin pada NIP harus 1 atau 2", nil},
		{15, "", "NIP wajib diisi untuk pegawai PNS dan PPPK", nil},
		{17, "1234", "NIP harus 18 digit angka", nil},
		{19, "", "Pegawai tanpa NIP dengan nama dan unit kerja yang sama sudah ada pada baris 18", nil},
		{20, "199005012019032015", "Kolom nama berisi karakter kontrol yang tidak valid", nil},
		{21, "199006012019032015", `Nama wajib diisi; Kategori pegawai tidak dikenal: "KONTRAK" (gunakan PNS, PPPK, NON_ASN atau VILLAGE)`, nil},
	}
	// Each reason is also kept as a domain error, for pages to translate;
	// their messages are the reason. The comparison is of the rest.
	got := make([]Rejection, len(res.Rejected))
	for i, r := range res.Rejected {
		var msgs []string
		for _, p := range r.Problems {
			msgs = append(msgs, registry.ErrorMessage(p))
		}
		if strings.Join(msgs, "; ") != r.Reason {
			t.Errorf("row %d: problems %q, reason %q", r.Row, msgs, r.Reason)
		}
		r.Problems = nil
		got[i] = r
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejected:")
		for i := 0; i < max(len(got), len(want)); i++ {
			var g, w Rejection
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf(" got %+v\nwant %+v", g, w)
			}
		}
	}
	if got := fmt.Sprint(res.Rows); got != "[2 18]" {
		t.Errorf("employee rows = %s, want [2 18]", got)
	}
}

func TestParseCSVMixedEncoding(t *testing.T) {
	// A UTF-8 file with one row pasted from a Windows-1252 file: the valid
	// rows keep their letters, the broken row is refused, not guessed at.
	res := mustParseCSV(t, "nip;nama\n198609262015051001;Ñoño\n199001012019032015;Andr\xe9\n")
	if len(res.Employees) != 1 || res.Employees[0].Name != "Ñoño" {
		t.Errorf("employees = %+v", res.Employees)
	}
	want := []Rejection{{3, "199001012019032015", `Baris berisi karakter yang bukan UTF-8: simpan berkas sebagai "CSV UTF-8"`, nil}}
	got := slices.Clone(res.Rejected)
	for i := range got {
		got[i].Problems = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rejected = %+v, want %+v", res.Rejected, want)
	}
}

func TestParseCSVUTF16(t *testing.T) {
	// Excel's "Unicode Text" export: UTF-16LE with a BOM, tab-separated.
	in, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("nip\tnama\r\n198609262015051001\tAndré\r\n")
	if err != nil {
		t.Fatal(err)
	}
	res := mustParseCSV(t, in)
	if len(res.Employees) != 1 || res.Employees[0].Name != "André" || res.Employees[0].NIP != "198609262015051001" {
		t.Errorf("employees = %+v, rejected = %+v", res.Employees, res.Rejected)
	}
}

func TestParseCSVBadFile(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"no NIP column", "nomor;nama\n1;Siti\n",
			`Kolom wajib tidak ditemukan pada baris judul (baris 1): "NIP" (nama kolom yang diterima: nip, nipBaru, nip_baru).`},
		{"no name column", "\ufeffnip;jabatan\n198609262015051001;Kepala\n",
			`Kolom wajib tidak ditemukan pada baris judul (baris 1): "nama" (nama kolom yang diterima: name, nama).`},
		{"neither", "a,b\n",
			`Kolom wajib tidak ditemukan pada baris judul (baris 1): "NIP" (nama kolom yang diterima: nip, nipBaru, nip_baru); "nama" (nama kolom yang diterima: name, nama).`},
		{"empty", "", "Berkas kosong: baris judul dengan kolom NIP dan nama tidak ditemukan."},
		{"only blank lines", "\r\n;;\r\n", "Berkas kosong: baris judul dengan kolom NIP dan nama tidak ditemukan."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tt.in))
			if !registry.IsCode(err, registry.EBADROSTER) {
				t.Fatalf("err = %v, want %s", err, registry.EBADROSTER)
			}
			if got := registry.ErrorMessage(err); got != tt.msg {
				t.Errorf("message = %q\nwant %q", got, tt.msg)
			}
		})
	}
}

func TestParseCSVTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("nip;nama\n")
	for range MaxRows {
		b.WriteString("1;a\n")
	}
	res := mustParseCSV(t, b.String())
	if len(res.Rejected) != MaxRows {
		t.Fatalf("%d rejected, want %d", len(res.Rejected), MaxRows)
	}
	b.WriteString("1;a\n")
	_, err := ParseCSV(strings.NewReader(b.String()))
	if !registry.IsCode(err, registry.EBADROSTER) || registry.ErrorMessage(err) != "Berkas terlalu besar: maksimal 200.000 baris." {
		t.Fatalf("err = %v", err)
	}
}

// mustXLSX builds a workbook whose first sheet holds rows; a cell is set
// with SetCellValue, so numbers become number cells as in Excel.
func mustXLSX(t *testing.T, rows [][]any, styled map[string]int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	// A second sheet first in the file list would be wrong; the roster is
	// the first sheet, a later one is ignored.
	if _, err := f.NewSheet("Catatan"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Catatan", "A1", "nip"); err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for cell, numFmt := range styled {
		style, err := f.NewStyle(&excelize.Style{NumFmt: numFmt})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", cell, cell, style); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseXLSX(t *testing.T) {
	data := mustXLSX(t, [][]any{
		{"NIP Baru", "Nama", "Gelar_Depan", "Gelar_Belakang", "Jabatan", "Golongan", "Unit Kerja", "Kategori", "Keterangan"},
		{"198609262015051001", "Siti  Aminah", "Dr.", "S.H., M.Si.", "Kepala Bagian", "IV/a", "Bagian Umum", "PNS", "x"},
		{int64(198609262015051002), "Angka Bulat"},
		{198609262015051003.0, "Angka Pecahan"},
		{int64(198609262015051004), "Format Nol"},
		{"1.98609E+17", "Teks Ilmiah"},
		{},
		{nil, "Wati", nil, nil, "Pramu Kantor", nil, "Umum", "NON_ASN"},
		{"199001012023211001", "André Ñúñez", nil, nil, nil, nil, nil, "PPPK"},
		{"198609262015051001", "Ganda"},
	}, map[string]int{"A5": 1}) // number format "0", how HR "fixes" the E+17 display
	res, err := ParseXLSX(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ParseXLSX: %v", err)
	}
	want := []emp{
		{2, "198609262015051001", "Siti Aminah", "Dr.", "S.H., M.Si.", "Kepala Bagian", "IV/a", "Bagian Umum", registry.CategoryPNS},
		{8, "", "Wati", "", "", "Pramu Kantor", "", "Umum", registry.CategoryNonASN},
		{9, "199001012023211001", "André Ñúñez", "", "", "", "", "", registry.CategoryPPPK},
	}
	if got := employees(t, res); !reflect.DeepEqual(got, want) {
		t.Errorf("employees:\n got %+v\nwant %+v", got, want)
	}
	if len(res.Rejected) != 5 {
		t.Fatalf("rejected = %+v, want 5", res.Rejected)
	}
	for i, row := range []int{3, 4, 5, 6} {
		r := res.Rejected[i]
		if r.Row != row || r.Reason != excelMsg {
			t.Errorf("rejected[%d] = %+v, want row %d with the Excel message", i, r, row)
		}
		if _, err := nip.Parse(r.NIP, registry.CategoryPNS); err == nil {
			t.Errorf("rejected[%d] NIP %q parses", i, r.NIP)
		}
	}
	if r := res.Rejected[4]; r.Row != 10 || r.Reason != "NIP ganda dalam berkas, sama dengan baris 2" {
		t.Errorf("rejected[4] = %+v", r)
	}
}

func TestParseXLSXBadFile(t *testing.T) {
	data := mustXLSX(t, [][]any{{"NIP"}, {"198609262015051001"}}, nil)
	if _, err := ParseXLSX(bytes.NewReader(data)); !registry.IsCode(err, registry.EBADROSTER) ||
		!strings.Contains(registry.ErrorMessage(err), `"nama"`) {
		t.Errorf("missing name column: err = %v", err)
	}
	if _, err := ParseXLSX(strings.NewReader("PK\x03\x04 not really a zip")); !registry.IsCode(err, registry.EBADROSTER) {
		t.Errorf("broken zip: err = %v", err)
	}
}

func TestParse(t *testing.T) {
	xlsx := mustXLSX(t, [][]any{{"nip", "nama"}, {"198609262015051001", "Siti"}}, nil)
	csv := "nip;nama\n198609262015051001;Siti\n"
	tests := []struct {
		name, contentType, filename string
		data                        []byte
		code                        string
	}{
		{"xlsx by type", xlsxType, "roster", xlsx, ""},
		{"xlsx sent as vnd.ms-excel with a .csv name", "application/vnd.ms-excel", "pegawai.csv", xlsx, ""},
		{"xlsx without a type", "", "", xlsx, ""},
		{"csv", "text/csv; charset=utf-8", "pegawai.csv", []byte(csv), ""},
		{"csv sent as vnd.ms-excel", "application/vnd.ms-excel", "pegawai.csv", []byte(csv), ""},
		{"csv without a type", "application/octet-stream", "", []byte(csv), ""},
		{"csv named .xlsx", "", "pegawai.xlsx", []byte(csv), registry.EBADROSTER},
		{"xls", "application/vnd.ms-excel", "pegawai.xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), registry.EBADROSTER},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parse(bytes.NewReader(tt.data), tt.contentType, tt.filename)
			if tt.code != "" {
				if !registry.IsCode(err, tt.code) {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(res.Employees) != 1 || res.Employees[0].NIP != "198609262015051001" {
				t.Errorf("employees = %+v, rejected = %+v", res.Employees, res.Rejected)
			}
		})
	}
}

func TestSafeCell(t *testing.T) {
	tests := map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+62 812":                  "'+62 812",
		"-1+1":                     "'-1+1",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"Siti Aminah":              "Siti Aminah",
		"198609262015051001":       "198609262015051001",
		"a=b":                      "a=b",
		"":                         "",
	}
	for in, want := range tests {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
