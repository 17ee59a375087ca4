package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCatalogEntries(t *testing.T) {
	for _, m := range slices.Concat(pageTextSets, messageSets) {
		for id, en := range m {
			if strings.TrimSpace(id) == "" || strings.TrimSpace(en) == "" {
				t.Errorf("empty entry %q: %q", id, en)
			}
			if got, want := verbs(en), verbs(id); !slices.Equal(got, want) {
				t.Errorf("%q: English has verbs %q, want %q in that order:\n%q", id, got, want, en)
			}
			if strings.Contains(id, "%[") || strings.Contains(en, "%[") {
				t.Errorf("%q: explicit argument indexes would reorder the arguments of one language only", id)
			}
			// Both languages put the same marks around a text that is
			// joined to others, such as "Saya," + name + ", telah …".
			for _, edge := range []func(string) bool{
				func(s string) bool { return strings.HasPrefix(s, " ") || strings.HasPrefix(s, ",") },
				func(s string) bool { return strings.HasSuffix(s, " ") },
			} {
				if edge(id) != edge(en) {
					t.Errorf("%q and %q start or end differently", id, en)
				}
			}
		}
	}
	seen := map[string]string{}
	for _, m := range slices.Concat(pageTextSets, messageSets) {
		for id, en := range m {
			if other, ok := seen[id]; ok && other != en {
				t.Errorf("%q has two translations: %q and %q", id, en, other)
			}
			seen[id] = en
		}
	}
}

func TestT(t *testing.T) {
	tests := []struct {
		lang     Lang
		in, want string
	}{
		{English, "Masuk", "Sign in"},
		{Indonesian, "Masuk", "Masuk"},
		{English, "", ""},
		{English, "Budi Santoso", "Budi Santoso"},
		{English, "Deklarasi Netralitas ASN Kabupaten Deli Serdang", "Deklarasi Netralitas ASN Kabupaten Deli Serdang"},
		{English, "Acara tidak ditemukan.", "Event not found."},
		// A message formatted from a catalog format is not recognised
		// from its text: it is said from its format (TestSay).
		{English, "Kolom nama terlalu panjang (maksimal 200 karakter)", "Kolom nama terlalu panjang (maksimal 200 karakter)"},
		{English, "Sertifikat Kepala Desa", "Sertifikat Kepala Desa"},
	}
	for _, tt := range tests {
		if got := tt.lang.T(tt.in); got != tt.want {
			t.Errorf("%s.T(%q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

// TestSay: a message kept as its format and arguments, such as an audit
// entry's detail, is said in English from its catalog format, with the
// arguments that are catalog texts translated too.
func TestSay(t *testing.T) {
	tests := []struct {
		format string
		args   []any
		id, en string
	}{
		{"Kolom %s terlalu panjang (maksimal %d karakter)", []any{"nama", 200},
			"Kolom nama terlalu panjang (maksimal 200 karakter)", "Column name is too long (at most 200 characters)"},
		{"tanpa waktu goresan; waktu goresan %d catatan dihapus", []any{int64(3)},
			"tanpa waktu goresan; waktu goresan 3 catatan dihapus", "without stroke timing; the stroke timing of 3 records erased"},
		{"%d baru, %d diperbarui, %d ditolak", []any{int64(1), int64(2), int64(0)}, "1 baru, 2 diperbarui, 0 ditolak", "1 new, 2 updated, 0 refused"},
		{"%s; organisasi: %s", []any{"operator → admin", "Dinas Pendidikan"},
			"operator → admin; organisasi: Dinas Pendidikan", "operator → admin; organization: Dinas Pendidikan"},
		{"dengan waktu goresan", nil, "dengan waktu goresan", "with stroke timing"},
	}
	for _, tt := range tests {
		if got := Indonesian.Say(tt.format, tt.args...); got != tt.id {
			t.Errorf("Indonesian.Say(%q, %v) = %q, want %q", tt.format, tt.args, got, tt.id)
		}
		if got := English.Say(tt.format, tt.args...); got != tt.en {
			t.Errorf("English.Say(%q, %v) = %q, want %q", tt.format, tt.args, got, tt.en)
		}
	}
}

func TestSprintf(t *testing.T) {
	tests := []struct {
		lang   Lang
		format string
		args   []any
		want   string
	}{
		{Indonesian, "Kata sandi minimal %d karakter.", []any{12}, "Kata sandi minimal 12 karakter."},
		{English, "Kata sandi minimal %d karakter.", []any{12}, "A password has at least 12 characters."},
		{English, "%s tidak ditemukan.", []any{"Pegawai"}, "Employee not found."},
		{English, "Tanda tangan pejabat: %s", []any{"Tanda tangan kosong"}, "Official's signature: The signature is empty"},
		{English, "Sertifikat %s", []any{M("Kode %s", "X")}, "Certificate Kode X"},
		{English, "%s", []any{"NIP harus 18 digit angka"}, "The NIP must be 18 digits"},
		{English, "Format yang tidak ada di katalog: %d", []any{3}, "Format yang tidak ada di katalog: 3"},
	}
	for _, tt := range tests {
		if got := tt.lang.Sprintf(tt.format, tt.args...); got != tt.want {
			t.Errorf("%s.Sprintf(%q, %v) = %q, want %q", tt.lang, tt.format, tt.args, got, tt.want)
		}
	}
	if got := M("Sertifikat %s", "K7M4").String(); got != "Sertifikat K7M4" {
		t.Errorf("Message.String() = %q", got)
	}
}

func TestDatesAndNumbers(t *testing.T) {
	wib := time.FixedZone("+07", 7*3600)
	at := time.Date(2024, 10, 23, 9, 5, 0, 0, wib)
	tests := []struct {
		name   string
		got    func(Lang) string
		id, en string
	}{
		{"date", func(l Lang) string { return l.Date(at) }, "Rabu, 23 Oktober 2024", "Wednesday, 23 October 2024"},
		{"time", func(l Lang) string { return l.Time(at, "WIB") }, "pukul 09.05 WIB", "09:05 WIB"},
		{"datetime", func(l Lang) string { return l.DateTime(at, "WIB") }, "Rabu, 23 Oktober 2024 pukul 09.05 WIB", "Wednesday, 23 October 2024, 09:05 WIB"},
		{"time without zone", func(l Lang) string { return l.Time(at, "") }, "pukul 09.05", "09:05"},
		{"small", func(l Lang) string { return l.Int(999) }, "999", "999"},
		{"thousands", func(l Lang) string { return l.Int(1234) }, "1.234", "1,234"},
		{"millions", func(l Lang) string { return l.Int(4300000) }, "4.300.000", "4,300,000"},
		{"negative", func(l Lang) string { return l.Int(-1234567) }, "-1.234.567", "-1,234,567"},
		{"zero", func(l Lang) string { return l.Int(0) }, "0", "0"},
		{"decimal", func(l Lang) string { return l.Decimal(12.5) }, "12,5", "12.5"},
		{"rounded", func(l Lang) string { return l.Decimal(66.666) }, "66,7", "66.7"},
		{"whole", func(l Lang) string { return l.Decimal(100) }, "100", "100"},
	}
	for _, tt := range tests {
		if got := tt.got(Indonesian); got != tt.id {
			t.Errorf("%s in Indonesian: %q, want %q", tt.name, got, tt.id)
		}
		if got := tt.got(English); got != tt.en {
			t.Errorf("%s in English: %q, want %q", tt.name, got, tt.en)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"en", English, true},
		{"EN", English, true},
		{"en-GB", English, true},
		{" id ", Indonesian, true},
		{"id-ID", Indonesian, true},
		{"in", Indonesian, true},
		{"", "", false},
		{"fr", "", false},
		{"english", "", false},
	}
	for _, tt := range tests {
		if got, ok := Parse(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"en-US,en;q=0.9", English, true},
		{"id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", Indonesian, true},
		{"fr-FR,fr;q=0.9,en;q=0.5,id;q=0.4", English, true},
		{"en;q=0.2, id", Indonesian, true},
		{"fr, de", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := FromAcceptLanguage(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("FromAcceptLanguage(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// verbRE matches a fmt verb; %% is literal text.
var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]*)?[a-zA-Z%]`)

// verbs returns the fmt verbs of format in order, without %%.
func verbs(format string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(format, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}
