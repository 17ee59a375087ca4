package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// leafAnswer is what an outsider reads of a certificate to recompute its
// leaves.
type leafAnswer struct {
	Code        string    `json:"code"`
	EventID     int64     `json:"event_id"`
	SignedAt    time.Time `json:"signed_at"`
	Channel     string    `json:"channel"`
	PledgeHash  string    `json:"pledge_hash"`
	PledgeURL   string    `json:"pledge_url"`
	Identity    string    `json:"identity_hash"`
	Position    string    `json:"position"`
	Rank        string    `json:"rank"`
	Unit        string    `json:"unit"`
	Org         string    `json:"organization"`
	EventTitle  string    `json:"event_title"`
	EventPlace  string    `json:"event_place"`
	EventStarts time.Time `json:"event_starts"`
	EventOrg    string    `json:"event_org"`
	Status      string    `json:"status"`
	Log         struct {
		LeafIndex      int64  `json:"leaf_index"`
		LeafHash       string `json:"leaf_hash"`
		LeafPreimage   []byte `json:"leaf_preimage"`
		LeafVersion    int    `json:"leaf_version"`
		HolderPreimage []byte `json:"holder_preimage"`
		Issuance       *struct {
			Index    int64  `json:"index"`
			LeafHash string `json:"leaf_hash"`
			Preimage []byte `json:"preimage"`
		} `json:"issuance"`
	} `json:"log"`
}

// A new record's API answer holds everything to recompute its leaf from
// public data: the preimage hashes to the leaf, says what the answer
// says, the holder preimage hashes to its commitment, and the pledge URL
// serves the text whose SHA-256 is the pledge hash. Its issued PDF's
// issuance leaf records the downloaded bytes' SHA-256.
func TestLeafV2Recomputes(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 2, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Apel Netralitas 100% ASN", map[string]any{"place": "Aula Kantor Bupati"})
	a.mustOpen(t, token, e.ID)
	signed := a.mustSign(t, e, people[0])

	var c leafAnswer
	a.api(t, "GET", "/api/v1/certificates/"+signed.Certificate.Code, "", nil).decode(t, &c)
	if c.Status != "valid" || c.Log.LeafVersion != 2 {
		t.Fatalf("new record: status %q, leaf version %d", c.Status, c.Log.LeafVersion)
	}
	if h := tlog.RecordHash(c.Log.LeafPreimage); h.String() != c.Log.LeafHash {
		t.Fatalf("the preimage hashes to %s, the answer names leaf %s", h, c.Log.LeafHash)
	}
	leaf, err := translog.ParseEntry(c.Log.LeafPreimage)
	if err != nil {
		t.Fatal(err)
	}
	for field, ok := range map[string]bool{
		"code":         leaf.Code == c.Code,
		"event":        leaf.EventID == c.EventID && leaf.EventID == e.ID,
		"event-title":  leaf.EventTitle == c.EventTitle && c.EventTitle == "Apel Netralitas 100% ASN",
		"event-place":  leaf.EventPlace == c.EventPlace && c.EventPlace == "Aula Kantor Bupati",
		"event-starts": leaf.EventStarts.Equal(c.EventStarts) && !c.EventStarts.IsZero(),
		"event-org":    leaf.EventOrg == c.EventOrg && c.EventOrg == org.Name,
		"org":          leaf.Org == c.Org && c.Org != "",
		"signed":       leaf.SignedAt.Equal(c.SignedAt),
		"channel":      leaf.Channel == c.Channel,
		"pledge":       leaf.PledgeHash == c.PledgeHash,
		"identity":     leaf.IdentityHash == c.Identity,
		"holder":       translog.HolderHash(c.Log.HolderPreimage) == leaf.HolderHash,
	} {
		if !ok {
			t.Errorf("leaf field %s differs from the answer:\n%s", field, c.Log.LeafPreimage)
		}
	}
	position, rank, unit, err := translog.ParseHolderPreimage(c.Log.HolderPreimage)
	if err != nil || position != c.Position || rank != c.Rank || unit != c.Unit || unit != "Bagian Umum" {
		t.Errorf("holder preimage says %q %q %q (%v), the answer %q %q %q", position, rank, unit, err, c.Position, c.Rank, c.Unit)
	}

	if !strings.HasSuffix(c.PledgeURL, "/api/v1/pledges/"+c.PledgeHash) {
		t.Fatalf("pledge URL %q", c.PledgeURL)
	}
	r := a.do(t, "GET", "/api/v1/pledges/"+c.PledgeHash, "", "", nil)
	sum := sha256.Sum256(r.Body)
	if r.Status != http.StatusOK || hex.EncodeToString(sum[:]) != c.PledgeHash || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("pledge text: %d %s %q, SHA-256 %x, want %s", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"), sum, c.PledgeHash)
	}
	if !strings.Contains(string(r.Body), registry.InstitutionPlaceholder) {
		t.Error("the canonical text is served with the placeholder filled in")
	}
	a.do(t, "GET", "/api/v1/pledges/"+strings.Repeat("ab", 32), "", "", nil).wantError(t, http.StatusNotFound, registry.ENOTFOUND)
	a.do(t, "GET", "/api/v1/pledges/"+strings.ToUpper(c.PledgeHash), "", "", nil).wantError(t, http.StatusBadRequest, registry.EINVALID)
	a.do(t, "GET", "/api/v1/pledges/xyz", "", "", nil).wantError(t, http.StatusBadRequest, registry.EINVALID)

	// The first download issues the certificate and logs its fingerprint.
	pdf := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil)
	if pdf.Status != http.StatusOK {
		t.Fatalf("download: %d", pdf.Status)
	}
	a.api(t, "GET", "/api/v1/certificates/"+signed.Certificate.Code, "", nil).decode(t, &c)
	if c.Log.Issuance == nil {
		t.Fatal("no issuance leaf after the first download")
	}
	iss, err := translog.ParseEntry(c.Log.Issuance.Preimage)
	pdfSum := sha256.Sum256(pdf.Body)
	if err != nil || iss.Kind != translog.KindIssuance || iss.PDFHash != hex.EncodeToString(pdfSum[:]) ||
		iss.Record != translog.LeafHex(tlog.RecordHash(c.Log.LeafPreimage)) || iss.Hash().String() != c.Log.Issuance.LeafHash {
		t.Errorf("issuance leaf %+v (%v); downloaded PDF SHA-256 %x", iss, err, pdfSum)
	}
	if v := a.mustVerdict(t, signed.Certificate.Code); v.Status != "valid" || len(v.failed()) != 0 {
		t.Errorf("issued record: %q, failed %v", v.Status, v.failed())
	}
}

// A record made before leaf version 2 keeps its version 1 leaf and stays
// valid; the page shows its event as the event row has it.
func TestLeafV1RecordStillVerifies(t *testing.T) {
	a, _, codes := verdictFixture(t)
	ctx := context.Background()
	sig, err := a.db.SignatureByCode(ctx, codes[0])
	if err != nil {
		t.Fatal(err)
	}
	emps, _, err := a.db.Employees(ctx, registry.EmployeeFilter{Scope: "/", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var free registry.Employee
	for _, em := range emps {
		if _, err := a.db.SignatureFor(ctx, sig.EventID, em.ID); registry.IsCode(err, registry.ENOTFOUND) {
			free = em
		}
	}
	old := &registry.Signature{LeafVersion: 1, EventID: sig.EventID, EmployeeID: free.ID, Code: "V1ABCDEFGH23", NIP: free.NIP,
		Name: free.FullName(), Position: free.Position, Rank: free.Rank, Unit: free.Unit, OrgName: sig.OrgName, Category: free.Category,
		PledgeHash: sig.PledgeHash, Ink: registry.Ink{Kind: registry.InkTyped, Typed: free.FullName()}, Consent: true,
		SignedAt: a.clock.Now().UTC().Truncate(time.Millisecond), Channel: registry.ChannelEventCode, IdentitySalt: []byte("0123456789abcdef")}
	if err := a.db.InsertSignature(ctx, old); err != nil {
		t.Fatal(err)
	}
	var c leafAnswer
	a.api(t, "GET", "/api/v1/certificates/"+old.Code, "", nil).decode(t, &c)
	if c.Log.LeafVersion != 1 || !strings.HasPrefix(string(c.Log.LeafPreimage), "ikrar-leaf/v1\n") || len(c.Log.HolderPreimage) != 0 {
		t.Fatalf("a version 1 record answers leaf version %d:\n%s", c.Log.LeafVersion, c.Log.LeafPreimage)
	}
	if tlog.RecordHash(c.Log.LeafPreimage).String() != c.Log.LeafHash {
		t.Error("the version 1 preimage does not hash to its leaf")
	}
	if v := a.mustVerdict(t, old.Code); v.Status != "valid" || len(v.failed()) != 0 {
		t.Errorf("version 1 record: status %q, failed %v", v.Status, v.failed())
	}
	p := a.browser(t).get("/v/" + old.Code)
	wantPage(t, p, http.StatusOK, bannerValid)
}
