package nip_test

import (
	"testing"

	"github.com/ikrar-id/ikrar/internal/nip"
)

func TestOfficial(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"  ", "", true},
		{"19740505.200108.1.005", "197405052001081005", true},
		{"19740505 200108 1 005", "197405052001081005", true},
		{"1974050520010810", "", false},      // too short
		{"197413052001081005", "", false},    // born in month 13
		{"R12345678901234567", "", false},    // a registry ID is no official's
		{"19740505-200108-1-00X", "", false}, // not digits
	} {
		got, err := nip.Official(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Official(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
