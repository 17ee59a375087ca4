package translog

import (
	"strings"
	"testing"
)

func TestClaimKey(t *testing.T) {
	dir := t.TempDir()
	k := mustKeyring(t, dir)
	c := sampleClaim()
	oldToken, err := k.SignClaim(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Rotate(DefaultKeyLifetime); err != nil {
		t.Fatal(err)
	}
	newToken, err := k.SignClaim(c)
	if err != nil {
		t.Fatal(err)
	}
	keys := k.VerifierKeys()
	for i, token := range []string{oldToken, newToken} {
		got, err := ClaimKey(c, token, keys)
		if err != nil || got != keys[i] {
			t.Errorf("token %d: ClaimKey = %q, %v; want key %q", i, got, err, keys[i])
		}
	}
	if _, err := ClaimKey(c, newToken, keys[:1]); err == nil {
		t.Error("a token of the new key verified with the old key alone")
	}
	c.EventID++
	if _, err := ClaimKey(c, oldToken, keys); err == nil {
		t.Error("an edited claim verified")
	}
	id := KeyID(keys[0])
	if hash, ok := strings.CutPrefix(id, testOrigin+"+"); !ok || len(hash) != 8 || !strings.HasPrefix(keys[0], id+"+") {
		t.Errorf("KeyID(%q) = %q, want the name and the 8-digit key hash", keys[0], id)
	}
}
