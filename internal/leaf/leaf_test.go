package leaf

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// vector is what this package needs of a leaf vector in
// internal/translog/testdata (docs/FORMATS.md §4): its inputs and the
// exact preimage they must give.
type vector struct {
	Fields struct {
		Code        string `json:"code"`
		Event       int64  `json:"event"`
		EventTitle  string `json:"event-title"`
		EventPlace  string `json:"event-place"`
		EventStarts string `json:"event-starts"`
		EventOrg    string `json:"event-org"`
		Pledge      string `json:"pledge"`
		Org         string `json:"org"`
		Channel     string `json:"channel"`
		Scan        string `json:"scan"`
		Signed      string `json:"signed"`
		Revoked     string `json:"revoked"`
		PDF         string `json:"pdf"`
		Issued      string `json:"issued"`
		Purpose     string `json:"purpose"`
		Uploaded    string `json:"uploaded"`
	} `json:"fields"`
	ReasonText string `json:"reason_text"`
	Preimage   string `json:"preimage"`
}

func mustVector(t *testing.T, name string) vector {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "translog", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

// vectorSalt is the identity salt of the vectors' record.
var vectorSalt = []byte{0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}

// vectorRecord is the record of leaf-v2-signature.json, identity and
// holder hashes not yet set.
func vectorRecord(t *testing.T) registry.Signature {
	f := mustVector(t, "leaf-v2-signature.json").Fields
	return registry.Signature{LeafVersion: 2, Code: f.Code, EventID: f.Event, EventTitle: f.EventTitle, EventPlace: f.EventPlace,
		EventStarts: mustTime(t, f.EventStarts), EventOrg: f.EventOrg, PledgeHash: f.Pledge, OrgName: f.Org,
		Channel: registry.Channel(f.Channel), SignedAt: mustTime(t, f.Signed), IdentitySalt: vectorSalt,
		NIP: "198609262015051001", Name: "Dr. Siti Rahmawati, S.E., M.Si.",
		Position: "Analis Kebijakan Ahli Muda", Rank: "Penata (III/c)", Unit: "Bidang Perencanaan"}
}

// TestRecordLeavesMatchVectors: a version 2 record, its paper twin, its
// revocation, its issuance and an event document give the vectors' exact
// preimages, with the identity and holder hashes computed from the
// record's salt and snapshot.
func TestRecordLeavesMatchVectors(t *testing.T) {
	s := vectorRecord(t)
	r := mustVector(t, "leaf-v2-revocation.json")
	i := mustVector(t, "leaf-v2-issuance.json").Fields
	p := s
	p.Channel, p.ScanHash = registry.ChannelPaper, mustVector(t, "leaf-v2-paper.json").Fields.Scan
	d := mustVector(t, "leaf-v2-document.json").Fields
	for name, got := range map[string]translog.Entry{
		"leaf-v2-paper.json":      Signature(p),
		"leaf-v2-signature.json":  Signature(s),
		"leaf-v2-revocation.json": Revocation(s, registry.Revocation{Reason: r.ReasonText, RevokedAt: mustTime(t, r.Fields.Revoked), LeafVersion: 2}),
		"leaf-v2-issuance.json":   Issuance(s, i.PDF, mustTime(t, i.Issued)),
		"leaf-v2-document.json": Document(registry.EventDocument{EventID: d.Event, Purpose: registry.DocumentPurpose(d.Purpose),
			SHA256: d.PDF, UploadedAt: mustTime(t, d.Uploaded)}),
	} {
		if want := mustVector(t, name).Preimage; string(got.Encode()) != want {
			t.Errorf("%s: the record gives\n%s\nwant\n%s", name, got.Encode(), want)
		}
	}
	if id, holder := PersonalDataOK(s); id {
		t.Errorf("a record without its identity hash set reports identity ok=%v holder ok=%v", id, holder)
	}
	s.IdentityHash, s.HolderHash = Identity(s), Holder(s)
	if id, holder := PersonalDataOK(s); !id || !holder {
		t.Error("a record matching its commitments reported edited")
	}
	s.Unit = "Bidang Lain"
	if _, holder := PersonalDataOK(s); holder {
		t.Error("an edited unit went unnoticed by the holder commitment")
	}
}

// A new record's claim binds its signature leaf, and the stored token is
// enough, with the record, to rebuild the QR that verifies.
func TestSignClaim(t *testing.T) {
	const origin = "ikrar.example.go.id/ikrar"
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "signer-1.key"), []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := translog.LoadKeyring(dir, origin)
	if err != nil {
		t.Fatal(err)
	}
	s := registry.Signature{
		EventID: 12, Code: "K7M4QX2P9ABC", NIP: "199001012015031001", Name: "Andi Wijaya", PledgeHash: strings.Repeat("ab", 32),
		SignedAt: time.Date(2024, 10, 23, 2, 0, 0, 123_456_789, time.UTC), Channel: registry.ChannelPersonalLink,
		IdentitySalt: []byte("0123456789abcdef"),
	}
	token, err := SignClaim(k, "ikrar.example.go.id", s)
	if err != nil {
		t.Fatal(err)
	}
	if !translog.IsClaimV2Token(token) || len(token) != translog.ClaimV2Len {
		t.Fatalf("token %q is not a v2 claim", token)
	}
	c, err := translog.ClaimFromToken("ikrar.example.go.id", s.Code, token)
	if err != nil {
		t.Fatal(err)
	}
	s.IdentityHash = Identity(s)
	if !c.MatchesLeaf(s.Code, s.SignedAt, Signature(s).Hash()) {
		t.Error("the claim does not name the record's leaf")
	}
	p, err := translog.ParseQRV2(translog.FormatQRV2("https", c))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := translog.VerifyClaimV2(p, k.VerifierKeys()); err != nil {
		t.Error(err)
	}
	s.Channel = registry.ChannelKiosk // another leaf
	if c.MatchesLeaf(s.Code, s.SignedAt, Signature(s).Hash()) {
		t.Error("the claim matches a record whose leaf differs")
	}
}

// TestSeal: sealing a new record sets the commitments its leaf holds and
// gives the vector's leaf.
func TestSeal(t *testing.T) {
	s := vectorRecord(t)
	e := Seal(&s)
	if want := mustVector(t, "leaf-v2-signature.json").Preimage; string(e.Encode()) != want {
		t.Errorf("sealed record gives\n%s\nwant\n%s", e.Encode(), want)
	}
	if s.IdentityHash != e.IdentityHash || s.HolderHash != e.HolderHash || s.HolderHash == "" {
		t.Errorf("record commitments %q %q, leaf's %q %q", s.IdentityHash, s.HolderHash, e.IdentityHash, e.HolderHash)
	}
	if id, holder := PersonalDataOK(s); !id || !holder {
		t.Error("a sealed record does not match its own commitments")
	}
}
