package nip

import (
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

func TestTyped(t *testing.T) {
	tests := []struct {
		name, in, want, msg string
	}{
		{"plain", "197405052001081005", "197405052001081005", ""},
		{"grouped with spaces", "19740505 200108 1 005", "197405052001081005", ""},
		{"dots as printed", "19740505.200108.1.005", "197405052001081005", ""},
		{"dashes as printed", "19740505-200108-1-005", "197405052001081005", ""},
		{"mixed separators", " 19740505 - 200108 . 1 005 ", "197405052001081005", ""},
		{"registry ID", "R12345678901234567", "R12345678901234567", ""},
		{"registry ID in lower case", "r1234 5678 9012 34567", "R12345678901234567", ""},
		{"one digit short", "19740505 200108 1 05", "", msgTypedShort},
		{"one digit too many", "19740505 200108 1 0055", "", msgTypedLong},
		{"letter O for zero", "19740505 2OO108 1 005", "", msgTypedChars},
		{"registry ID too short", "R1234567890", "", msgTypedRegistry},
		{"empty", "   ", "", msgEmpty},
		{"excel scientific", "1,97405E+17", "", msgExcel},
		{"excel thousands", "197.405.052.001.081.000", "", msgExcel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Typed(tt.in)
			if tt.msg == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Typed(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if !registry.IsCode(err, registry.EINVALID) || registry.ErrorMessage(err) != tt.msg {
				t.Fatalf("Typed(%q) = %q, %v; want EINVALID %q", tt.in, got, err, tt.msg)
			}
		})
	}
}
