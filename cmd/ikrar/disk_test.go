package main

import (
	"strings"
	"testing"
)

// TestServePDFReserveFlag: a PDF reserve that would let certificates take
// the room /readyz keeps for signings stops ikrar serve at start.
func TestServePDFReserveFlag(t *testing.T) {
	for _, args := range [][]string{
		{"--min-free-mb", "512", "--pdf-reserve-mb", "256"},
		{"--min-free-mb", "512", "--pdf-reserve-mb", "512"},
		{"--pdf-reserve-mb", "-1"},
	} {
		code, out := runTrust(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...)...)
		if code != 2 || !strings.Contains(out, "--pdf-reserve-mb") {
			t.Errorf("serve %v: exit %d, want 2 and a message naming --pdf-reserve-mb:\n%s", args, code, out)
		}
	}
}
