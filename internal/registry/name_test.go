package registry_test

import (
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestNameMatches: a signer's own name matches however they write it; any
// other name does not.
func TestNameMatches(t *testing.T) {
	siti := registry.Employee{FrontTitle: "Dr.", Name: "Siti Aminah Lubis", BackTitle: "M.Si."}
	fauzi := registry.Employee{FrontTitle: "Drs. H.", Name: "Ahmad Fauzi", BackTitle: "M.Si."}
	andre := registry.Employee{Name: "André Siregar", BackTitle: "S.H."}
	// A roster that put the titles in the name column.
	titled := registry.Employee{Name: "Hj. Nur Aisyah, S.Pd."}
	for _, tc := range []struct {
		emp   registry.Employee
		typed string
		want  bool
	}{
		{siti, "Siti Aminah Lubis", true},
		{siti, "siti aminah lubis", true},
		{siti, "  SITI   Aminah  Lubis ", true},
		{siti, "Dr. Siti Aminah Lubis, M.Si.", true},
		{siti, "dr siti aminah lubis msi", true},
		{siti, "Siti Aminah Lubis, S.H.", true}, // back titles after a comma are not the name
		{fauzi, "Ahmad Fauzi", true},
		{fauzi, "H. Ahmad Fauzi", true},
		{fauzi, "Drs. H. Ahmad Fauzi, M.Si.", true},
		{andre, "Andre Siregar", true},
		{andre, "ANDRÉ SIREGAR, S.H.", true},
		{andre, "Andre\u0301 Siregar", true}, // decomposed accent
		{titled, "Nur Aisyah", true},
		{titled, "Hj. Nur Aisyah, S.Pd.", true},

		{siti, "Sri Wahyuni", false},
		{siti, "Budi Santoso", false},
		{siti, "Siti Aminah", false},
		{siti, "Siti Aminah Lubis Wahyuni", false},
		{siti, "Dr.", false},
		{siti, "", false},
		{andre, "Siregar André", false},
		{fauzi, "Ahmad", false},
	} {
		if got := tc.emp.NameMatches(tc.typed); got != tc.want {
			t.Errorf("%q typed for %q: match %v, want %v", tc.typed, tc.emp.FullName(), got, tc.want)
		}
	}
}
