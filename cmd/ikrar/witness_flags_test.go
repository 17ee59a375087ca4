package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// TestServeWitnessFlags: a witness configuration that cannot work stops
// ikrar serve at start with a message naming the problem, rather than a
// registry that silently gathers no cosignatures.
func TestServeWitnessFlags(t *testing.T) {
	dir := t.TempDir()
	skey, _ := translog.GenerateCosignerKey("kab-b.test/witness")
	w, _ := translog.NewCosigner(skey)
	files := map[string]string{
		"one":      w.VerifierKey() + " http://127.0.0.1:1/log/witness\n",
		"no-url":   w.VerifierKey() + "\n",
		"log-key":  "kab-b.test/ikrar+f4d6afb1+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 http://127.0.0.1:1/log/witness\n",
		"for-bad":  "kab-b.test/ikrar kab-c.test/ikrar+f4d6afb1+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4\n",
		"for-line": "kab-b.test/ikrar\n",
	}
	for name, text := range files {
		writeFile(t, filepath.Join(dir, name), text)
	}
	f := func(name string) string { return filepath.Join(dir, name) }
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"quorum without witnesses", []string{"--witness-quorum", "1"}, "--witness-quorum needs --witnesses"},
		{"quorum above the witnesses", []string{"--witnesses", f("one"), "--witness-quorum", "2"}, "more than the 1 witnesses"},
		{"witness without a URL", []string{"--witnesses", f("no-url")}, "has no URL"},
		{"a log key as a witness key", []string{"--witnesses", f("log-key")}, "not a cosignature/v1 key"},
		{"missing witnesses file", []string{"--witnesses", f("nothing")}, "--witnesses"},
		{"witness-for key of another log", []string{"--witness-for", f("for-bad")}, "is not named"},
		{"witness-for line without a key", []string{"--witness-for", f("for-line")}, "ORIGIN VERIFIER-KEY"},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, tc.args...)
		code, out := runTrust(t, args...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("%s: exit %d, want 2 and %q:\n%s", tc.name, code, tc.want, out)
		}
	}
}
