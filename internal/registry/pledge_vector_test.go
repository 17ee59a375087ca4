package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

type pledgeVector struct {
	Description   string `json:"description"`
	CanonicalText string `json:"canonical_text"`
	SHA256        string `json:"sha256"`
}

// TestPledgeVector: the default pledge's canonical text (docs/FORMATS.md
// §2), byte for byte, and its SHA-256, which is what a leaf's pledge field
// and GET /api/v1/pledges/{hash} name.
func TestPledgeVector(t *testing.T) {
	b, err := os.ReadFile("testdata/pledge-default.json")
	if err != nil {
		t.Fatal(err)
	}
	var v pledgeVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	p := DefaultPledge()
	if got := p.CanonicalText(); got != v.CanonicalText {
		t.Errorf("canonical text of the default pledge:\n%q\nvector:\n%q", got, v.CanonicalText)
	}
	sum := sha256.Sum256([]byte(v.CanonicalText))
	if hex.EncodeToString(sum[:]) != v.SHA256 || p.Hash != v.SHA256 {
		t.Errorf("SHA-256 of the vector's text %x, default pledge's hash %s, vector %s", sum, p.Hash, v.SHA256)
	}
	if !strings.Contains(v.CanonicalText, InstitutionPlaceholder) {
		t.Error("the canonical text must keep the institution placeholder: it is filled in only for display")
	}
}
