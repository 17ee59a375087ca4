package i18n_test

import (
	"fmt"
	"testing"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestErrorQuotedInError: a domain error quoted in another message reads
// as its own message in Indonesian and is said again from its own format
// in English; neither language shows its code or needs the Indonesian text
// recognised.
func TestErrorQuotedInError(t *testing.T) {
	_, nipErr := nip.Parse("12345", "")
	if nipErr == nil {
		t.Fatal("a five-digit NIP parsed")
	}
	e := registry.Errorf(registry.EINVALID, "NIP pejabat pada baris %d: %s", 2, fmt.Errorf("official: %w", nipErr))
	if want := "NIP pejabat pada baris 2: " + registry.ErrorMessage(nipErr); e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	if got := i18n.Indonesian.Sprintf(e.Format, e.Args...); got != e.Message {
		t.Errorf("in Indonesian %q, want %q", got, e.Message)
	}
	if got, want := i18n.English.Sprintf(e.Format, e.Args...), "Official's NIP on row 2: "+i18n.English.T(registry.ErrorMessage(nipErr)); got != want {
		t.Errorf("in English %q, want %q", got, want)
	}
}

// TestWholeMessageFirst: an error whose message, formatted, is itself a
// catalog text is said with that text's English, which may differ from
// its format's word by word ("Users" is the English of the label).
func TestWholeMessageFirst(t *testing.T) {
	for _, c := range []struct{ what, en string }{
		{"Pengguna", "User not found."},
		{"Saksi", "Witness not found."},
		{"Checkpoint", "Checkpoint not found."}, // from the format
	} {
		e := registry.Wrapf(fmt.Errorf("no rows"), registry.ENOTFOUND, "%s tidak ditemukan.", c.what)
		if got := i18n.English.Say(e.Format, e.Args...); got != c.en {
			t.Errorf("%s: %q, want %q", c.what, got, c.en)
		}
		if got := i18n.Indonesian.Say(e.Format, e.Args...); got != e.Message {
			t.Errorf("%s in Indonesian: %q, want %q", c.what, got, e.Message)
		}
	}
}
