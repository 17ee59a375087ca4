package nip

import (
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const excelMsg = "NIP rusak oleh format angka Excel — simpan kolom NIP sebagai teks"

func TestParse(t *testing.T) {
	const (
		pns     = registry.CategoryPNS
		pppk    = registry.CategoryPPPK
		nonASN  = registry.CategoryNonASN
		village = registry.CategoryVillage
	)
	tests := []struct {
		name string
		in   string
		cat  registry.Category
		want string // normalised result; empty when an error is expected
		msg  string // expected error message
	}{
		{"plain", "198609262015051001", pns, "198609262015051001", ""},
		{"grouped", "19860926 201505 1 001", pns, "198609262015051001", ""},
		{"grouped with no-break spaces", "19860926\u00a0201505\u00a01\u00a0001", pns, "198609262015051001", ""},
		{"excel text marker", "'198609262015051001", pns, "198609262015051001", ""},
		{"surrounding space", "  198609262015051001\t", pns, "198609262015051001", ""},
		{"female", "199001012019032015", pns, "199001012019032015", ""},
		{"empty category is PNS", "198609262015051001", "", "198609262015051001", ""},
		{"29 February, leap year", "198802292010011002", pns, "198802292010011002", ""},
		{"29 February, 2000 is a leap year", "200002292022011002", pns, "200002292022011002", ""},
		{"29 February, non-leap year", "198702292010011002", pns, "", "Tanggal lahir pada NIP tidak valid"},
		{"29 February, 1900 is not a leap year", "190002292010011002", pns, "", "Tanggal lahir pada NIP tidak valid"},
		{"31 April", "198604312010011002", pns, "", "Tanggal lahir pada NIP tidak valid"},
		{"birth month 13", "198613012010011002", pns, "", "Tanggal lahir pada NIP tidak valid"},
		{"birth day 00", "198601002010011002", pns, "", "Tanggal lahir pada NIP tidak valid"},
		{"birth year 0986", "098601012010011002", pns, "", "Tanggal lahir pada NIP tidak valid"},
		{"CPNS month 13", "198609262015131001", pns, "", "Bulan pengangkatan CPNS pada NIP tidak valid"},
		{"CPNS month 00", "198609262015001001", pns, "", "Bulan pengangkatan CPNS pada NIP tidak valid"},
		{"CPNS start before birth", "198609261985051001", pns, "", "Tanggal pengangkatan CPNS pada NIP harus setelah tanggal lahir"},
		{"CPNS start in the birth month", "198609261986091001", pns, "", "Tanggal pengangkatan CPNS pada NIP harus setelah tanggal lahir"},
		{"gender 3", "198609262015053001", pns, "", "Kode jenis kelamin pada NIP harus 1 atau 2"},
		{"gender 0", "198609262015050001", pns, "", "Kode jenis kelamin pada NIP harus 1 atau 2"},
		{"17 digits", "19860926201505100", pns, "", "NIP harus 18 digit angka"},
		{"19 digits", "1986092620150510011", pns, "", "NIP harus 18 digit angka"},
		{"letter", "19860926201505100A", pns, "", "NIP harus 18 digit angka"},
		{"hyphenated", "19860926-201505-1-001", pns, "", "NIP harus 18 digit angka"},
		{"empty", "  ", pns, "", "NIP wajib diisi"},

		// What Excel does to an NIP stored as a number.
		{"excel scientific", "1.98609E+17", pns, "", excelMsg},
		{"excel scientific, comma decimal", "1,98609E+17", pns, "", excelMsg},
		{"excel scientific, lower case", "1.98609262015051e+17", pns, "", excelMsg},
		{"excel scientific, no sign", "1.98609E17", nonASN, "", excelMsg},
		{"excel 15 digits kept", "198609262015051000", pns, "", excelMsg},
		{"excel 15 digits kept, grouped", "19860926 201505 1 000", pns, "", excelMsg},
		{"excel 15 digits kept, PPPK", "199001012023011000", pppk, "", excelMsg},
		{"excel 15 digits kept, non-ASN", "123456789012345000", nonASN, "", excelMsg},
		{"excel thousands separators", "198.609.262.015.051.000", pns, "", excelMsg},
		{"excel decimal part", "198609262015051000,00", pns, "", excelMsg},
		{"excel decimal part, dot", "198609262015051000.0", village, "", excelMsg},
		{"short number with a dot is just wrong", "1986.0926", pns, "", "NIP harus 18 digit angka"},

		// NI PPPK: birth date, year of appointment, code, gender, sequence.
		{"PPPK", "199001012023211001", pppk, "199001012023211001", ""},
		{"PPPK code 99", "199001012023992001", pppk, "199001012023992001", ""},
		{"PPPK with a PNS-structured number", "198609262015051001", pppk, "198609262015051001", ""},
		{"PPPK structure is not a PNS NIP", "199001012023211001", pns, "", "Bulan pengangkatan CPNS pada NIP tidak valid"},
		{"PPPK appointed in birth year", "199001011990211001", pppk, "", "Tahun pengangkatan PPPK pada NIP harus setelah tahun lahir"},
		{"PPPK bad birth date", "199002302023211001", pppk, "", "Tanggal lahir pada NIP tidak valid"},
		{"PPPK gender 3", "199001012023213001", pppk, "", "Kode jenis kelamin pada NIP harus 1 atau 2"},

		// Non-ASN and village staff: any 18 digits, or a registry ID.
		{"non-ASN any digits", "000000000000000001", nonASN, "000000000000000001", ""},
		{"village any digits", "320101000000012345", village, "320101000000012345", ""},
		{"non-ASN registry ID", "R12345678901234567", nonASN, "R12345678901234567", ""},
		{"village registry ID, lower case", "r12345678901234567", village, "R12345678901234567", ""},
		{"non-ASN short", "12345", nonASN, "", "NIP harus 18 digit angka"},
		{"registry ID for a PNS", "R12345678901234567", pns, "", "Nomor registri hanya untuk pegawai non-ASN; pegawai PNS dan PPPK wajib memakai NIP"},
		{"registry ID too short", "R1234567890123456", nonASN, "", "NIP harus 18 digit angka"},
		{"unknown category", "198609262015051001", "GURU", "", "Kategori pegawai tidak dikenal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, tt.cat)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Parse(%q, %s) error: %v", tt.in, tt.cat, err)
				}
				if got != tt.want {
					t.Fatalf("Parse(%q, %s) = %q, want %q", tt.in, tt.cat, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse(%q, %s) = %q, want error %q", tt.in, tt.cat, got, tt.msg)
			}
			if got != "" {
				t.Errorf("Parse(%q, %s) returned %q with its error", tt.in, tt.cat, got)
			}
			if code := registry.ErrorCode(err); code != registry.EINVALID {
				t.Errorf("error code = %q, want %q", code, registry.EINVALID)
			}
			if msg := registry.ErrorMessage(err); msg != tt.msg {
				t.Errorf("message = %q, want %q", msg, tt.msg)
			}
		})
	}
}

func TestValidateAndValidatePPPK(t *testing.T) {
	tests := []struct {
		nip       string
		pns, pppk bool
	}{
		{"198609262015051001", true, true},
		{"199001012023211001", false, true},
		{"198609262015053001", false, false},
		{"198609262015051000", false, false},
		{"19860926 201505 1 001", false, false}, // validation takes normalised input
	}
	for _, tt := range tests {
		if got := Validate(tt.nip) == nil; got != tt.pns {
			t.Errorf("Validate(%q) ok = %v, want %v", tt.nip, got, tt.pns)
		}
		if got := ValidatePPPK(tt.nip) == nil; got != tt.pppk {
			t.Errorf("ValidatePPPK(%q) ok = %v, want %v", tt.nip, got, tt.pppk)
		}
	}
}

func TestBirthDate(t *testing.T) {
	tests := []struct {
		nip  string
		want time.Time
		ok   bool
	}{
		{"198609262015051001", time.Date(1986, 9, 26, 0, 0, 0, 0, time.UTC), true},
		{"198802292010011002", time.Date(1988, 2, 29, 0, 0, 0, 0, time.UTC), true},
		{"198702292010011002", time.Time{}, false},
		{"R12345678901234567", time.Time{}, false},
		{"1986092620150510", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := BirthDate(tt.nip)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("BirthDate(%q) = %v, %v; want %v, %v", tt.nip, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFormatAndMask(t *testing.T) {
	tests := []struct{ in, format, mask string }{
		{"198609262015051001", "19860926 201505 1 001", "1986**** ****** * 001"},
		{"199001012023211042", "19900101 202321 1 042", "1990**** ****** * 042"},
		{"R12345678901234567", "R12345678901234567", "R12************567"},
		{"12345", "12345", "*****"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.format {
			t.Errorf("Format(%q) = %q, want %q", tt.in, got, tt.format)
		}
		if got := Mask(tt.in); got != tt.mask {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.mask)
		}
	}
}

func TestRegistryID(t *testing.T) {
	id := RegistryID(7, "Siti Aminah", "Bagian Umum")
	if !IsRegistryID(id) {
		t.Fatalf("RegistryID = %q, not a registry ID", id)
	}
	if got, err := Parse(id, registry.CategoryNonASN); err != nil || got != id {
		t.Fatalf("Parse(%q, NON_ASN) = %q, %v", id, got, err)
	}
	same := []struct{ name, unit string }{
		{"Siti Aminah", "Bagian Umum"},
		{"  SITI   aminah ", "bagian\tumum"},
		{"siti aminah", "BAGIAN UMUM"},
	}
	for _, s := range same {
		if got := RegistryID(7, s.name, s.unit); got != id {
			t.Errorf("RegistryID(7, %q, %q) = %q, want %q", s.name, s.unit, got, id)
		}
	}
	// "é" composed and decomposed is the same name.
	if a, b := RegistryID(7, "Andr\u00e9", "Umum"), RegistryID(7, "Andre\u0301", "Umum"); a != b {
		t.Errorf("composed and decomposed names give %q and %q", a, b)
	}
	different := []struct {
		org        int64
		name, unit string
	}{
		{8, "Siti Aminah", "Bagian Umum"},
		{7, "Siti Aminah", "Bagian Keuangan"},
		{7, "Siti Aminah S", "Bagian Umum"},
		{7, "Siti", "Aminah Bagian Umum"}, // the separator between fields counts
	}
	for _, d := range different {
		if got := RegistryID(d.org, d.name, d.unit); got == id {
			t.Errorf("RegistryID(%d, %q, %q) collides with %q", d.org, d.name, d.unit, id)
		}
	}
}

func TestIsRegistryID(t *testing.T) {
	tests := map[string]bool{
		"R12345678901234567":  true,
		"R1234567890123456":   false,
		"R123456789012345678": false,
		"r12345678901234567":  false, // Normalize upper-cases; stored IDs are upper case
		"198609262015051001":  false,
		"R1234567890123456X":  false,
		"":                    false,
	}
	for in, want := range tests {
		if got := IsRegistryID(in); got != want {
			t.Errorf("IsRegistryID(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"198609262015051001", "19860926 201505 1 001", "'198609262015051001",
		"199001012023211001", "R12345678901234567", "1.98609E+17", "1,98609E+17",
		"198609262015051000", "198.609.262.015.051.000", "", "E", "1e", "r",
	}
	for _, s := range seeds {
		for _, c := range registry.Categories {
			f.Add(s, string(c))
		}
	}
	f.Fuzz(func(t *testing.T, s, cat string) {
		c := registry.Category(cat)
		got, err := Parse(s, c)
		if err != nil {
			if registry.ErrorCode(err) != registry.EINVALID {
				t.Fatalf("Parse(%q, %q) error without EINVALID: %v", s, cat, err)
			}
			return
		}
		if again, err := Parse(Format(got), c); err != nil || again != got {
			t.Fatalf("Parse(Format(%q)) = %q, %v", got, again, err)
		}
		if again, err := Parse(got, c); err != nil || again != got {
			t.Fatalf("Parse(%q) is not idempotent: %q, %v", got, again, err)
		}
		m := Mask(got)
		switch {
		case IsRegistryID(got):
			if len(m) != Len || m[:3] != got[:3] || m[3:15] != strings.Repeat("*", 12) {
				t.Fatalf("Mask(%q) = %q", got, m)
			}
		case len(got) == Len:
			digits := strings.ReplaceAll(m, " ", "")
			if len(digits) != Len || digits[4:15] != strings.Repeat("*", 11) {
				t.Fatalf("Mask(%q) = %q reveals digits 5-15", got, m)
			}
		default:
			t.Fatalf("Parse(%q, %q) = %q: neither an 18-digit number nor a registry ID", s, cat, got)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{"198609262015051001", "19860926 201505 1 001", "1.98609E+17", "199001012023211001"}
	for i := 0; b.Loop(); i++ {
		Parse(inputs[i%len(inputs)], registry.CategoryPPPK)
	}
}

// New lays the parts out as Format prints them, and the result validates
// and gives its birth date back.
func TestNew(t *testing.T) {
	birth := time.Date(1986, 9, 26, 0, 0, 0, 0, time.UTC)
	n := New(birth, time.Date(2015, 5, 1, 0, 0, 0, 0, time.UTC), 1, 1)
	if got := Format(n); got != "19860926 201505 1 001" {
		t.Fatalf("New = %s", got)
	}
	if err := Validate(n); err != nil {
		t.Fatal(err)
	}
	if b, ok := BirthDate(n); !ok || !b.Equal(birth) {
		t.Fatalf("BirthDate = %v, %v", b, ok)
	}
}
