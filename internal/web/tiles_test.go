package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// tileLog is a registry whose log has more than one full tile: version 2
// records signed through the API (one revoked, one issued, one issued and
// then erased) and version 1 records stored directly, as logged before
// version 2.
func tileLog(t *testing.T) (*testApp, map[string]string) {
	t.Helper()
	ctx := context.Background()
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 262, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Apel Ikrar Netralitas", nil)
	a.mustOpen(t, token, e.ID)
	codes := map[string]string{}
	for i, role := range []string{"revoked", "issued", "erased"} {
		signed := a.mustSign(t, e, people[i])
		codes[role] = signed.Certificate.Code
		if role != "revoked" {
			if r := a.do(t, "GET", signed.Certificate.PDFURL, "", "", nil); r.Status != http.StatusOK {
				t.Fatalf("download %s: %d", role, r.Status)
			}
		}
	}
	if r := a.api(t, "POST", "/api/v1/certificates/"+codes["revoked"]+"/revoke", token, map[string]any{"reason": "Salah orang"}); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	super := a.mustToken(t, a.mustSuperadmin(t))
	if r := a.api(t, "POST", "/api/v1/certificates/"+codes["erased"]+"/erase", super, map[string]any{"reason": "Permintaan pemilik data"}); r.Status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.Status, r.Body)
	}
	var nips []string
	for _, p := range people[3:] {
		nips = append(nips, p.NIP)
	}
	ids, err := a.db.EmployeeIDsByNIP(ctx, org.Path, nips)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range people[3:] {
		s := &registry.Signature{EventID: e.ID, EmployeeID: ids[p.NIP], Code: fmt.Sprintf("T%011d", i), NIP: p.NIP,
			Name: p.Name, Unit: p.Unit, OrgName: org.Name, Category: "PNS", PledgeHash: registry.DefaultPledge().Hash,
			Ink: registry.Ink{Kind: registry.InkTyped, Typed: p.Name}, Consent: true,
			SignedAt: t0.Add(time.Duration(i) * time.Second), Channel: registry.ChannelOperator,
			IdentitySalt: []byte("0123456789abcdef"), LeafIndex: -1}
		if err := a.db.InsertSignature(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return a, codes
}

// tileFetcher reads the registry's tiles over HTTP.
func tileFetcher(a *testApp) translog.TileFetcher {
	return func(path string) ([]byte, error) {
		r, err := a.send("GET", "/log/"+path, "", "", nil)
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusOK {
			return nil, fmt.Errorf("GET /log/%s: %d %s", path, r.Status, r.Body)
		}
		return r.Body, nil
	}
}

// A client that knows only the signed checkpoint gets every leaf's entry
// from the bundles, proves each included through the tiles alone (the
// go command's tlog.TileHashReader checks every tile against the root),
// and sees each entry hash to its leaf.
func TestTilesProveEveryEntry(t *testing.T) {
	a, codes := tileLog(t)
	signCheckpoint(t, a)
	r := a.do(t, "GET", "/log/checkpoint", "", "", nil)
	if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("checkpoint: %d %q", r.Status, r.Header.Get("Cache-Control"))
	}
	cp, err := translog.OpenCheckpoint(r.Body, a.keys.Verifiers())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size <= translog.TileWidth || cp.Size%translog.TileWidth == 0 {
		t.Fatalf("the test needs a full tile and a partial one; the log has %d leaves", cp.Size)
	}
	tree := tlog.Tree{N: cp.Size, Hash: cp.Root}
	reader := &translog.TileReader{Fetch: tileFetcher(a)}
	hr := tlog.TileHashReader(tree, reader)
	kinds := map[string]int{}
	var erasedIssuance []byte
	err = translog.WalkEntries(reader, tree, 0, func(i int64, b []byte) error {
		e, err := translog.ParseEntry(b)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		kinds[fmt.Sprintf("v%d %s", e.Version(), e.Kind)]++
		if e.Kind == translog.KindIssuance && e.Code == codes["erased"] {
			erasedIssuance = b
		}
		proof, err := tlog.ProveRecord(cp.Size, i, hr)
		if err != nil {
			return err
		}
		return tlog.CheckRecord(proof, cp.Size, cp.Root, i, tlog.RecordHash(b))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"v2 signature": 3, "v2 revocation": 1, "v2 issuance": 2, "v1 signature": 259}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("entries by kind %v, want %v", kinds, want)
	}
	// The erased record's issuance entry is its exact preimage (a bundle
	// cannot change once published) and holds no personal data.
	if erasedIssuance == nil {
		t.Fatal("no issuance entry for the erased record")
	}
	for _, p := range staff(0, 3, "Bagian Umum") {
		for _, v := range []string{p.NIP, p.Name} {
			if bytes.Contains(erasedIssuance, []byte(v)) {
				t.Fatalf("the erased record's issuance entry holds %q", v)
			}
		}
	}

	full := a.do(t, "GET", "/log/tile/0/000", "", "", nil)
	bundle := a.do(t, "GET", "/log/tile/entries/000", "", "", nil)
	for _, r := range []response{full, bundle} {
		if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || r.Header.Get("Content-Type") != "application/octet-stream" {
			t.Fatalf("full tile: %d %q %q", r.Status, r.Header.Get("Cache-Control"), r.Header.Get("Content-Type"))
		}
	}
	partial := a.do(t, "GET", fmt.Sprintf("/log/tile/0/001.p/%d", cp.Size-translog.TileWidth), "", "", nil)
	if partial.Status != http.StatusOK || strings.Contains(partial.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("partial tile: %d %q", partial.Status, partial.Header.Get("Cache-Control"))
	}
}

// Nothing beyond the latest signed checkpoint is served, and paths that
// are not canonical tlog-tiles paths are not found, as JSON errors.
func TestTilesBeyondTheCheckpoint(t *testing.T) {
	a := newTestApp(t)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 3, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Apel Ikrar Netralitas", nil)
	a.mustOpen(t, token, e.ID)
	a.mustSign(t, e, people[0])
	a.mustSign(t, e, people[1])
	if cp := signCheckpoint(t, a); cp.Size != 2 {
		t.Fatalf("checkpoint of %d leaves, want 2", cp.Size)
	}
	// A third leaf is appended, but no checkpoint signs it yet.
	a.stopCheckpointer()
	if err := appendUnsigned(t, a, org, e, people[2]); err != nil {
		t.Fatal(err)
	}
	for path, status := range map[string]int{
		"/log/tile/0/000.p/2":                                http.StatusOK,
		"/log/tile/entries/000.p/2":                          http.StatusOK,
		"/log/tile/0/000.p/1":                                http.StatusOK,
		"/log/tile/0/000.p/3":                                http.StatusNotFound, // logged, not signed
		"/log/tile/entries/000.p/3":                          http.StatusNotFound,
		"/log/tile/0/000":                                    http.StatusNotFound,
		"/log/tile/entries/000":                              http.StatusNotFound,
		"/log/tile/1/000.p/1":                                http.StatusNotFound,
		"/log/tile/0/001.p/1":                                http.StatusNotFound,
		"/log/tile/0/000.p/0":                                http.StatusNotFound,
		"/log/tile/0/000.p/02":                               http.StatusNotFound,
		"/log/tile/0/0.p/2":                                  http.StatusNotFound,
		"/log/tile/0/x000/000.p/2":                           http.StatusNotFound,
		"/log/tile/00/000.p/2":                               http.StatusNotFound,
		"/log/tile/64/000":                                   http.StatusNotFound,
		"/log/tile/0/x999/x999/x999/x999/x999/x999/x999/000": http.StatusNotFound,
		"/log/tile/garbage":                                  http.StatusNotFound,
	} {
		r := a.do(t, "GET", path, "", "", nil)
		if r.Status != status {
			t.Fatalf("GET %s: %d, want %d: %s", path, r.Status, status, r.Body)
		}
		if status == http.StatusNotFound {
			r.wantError(t, http.StatusNotFound, registry.ENOTFOUND)
		}
	}
}

// appendUnsigned signs for p while the checkpointer is not asked to sign:
// the record is logged, no checkpoint covers it.
func appendUnsigned(t *testing.T, a *testApp, org registry.Organization, e eventJSON, p person) error {
	t.Helper()
	ids, err := a.db.EmployeeIDsByNIP(context.Background(), org.Path, []string{p.NIP})
	if err != nil {
		return err
	}
	s := &registry.Signature{EventID: e.ID, EmployeeID: ids[p.NIP], Code: "UNSIGNED0001", NIP: p.NIP, Name: p.Name,
		OrgName: "Dinas", Category: "PNS", PledgeHash: registry.DefaultPledge().Hash,
		Ink: registry.Ink{Kind: registry.InkTyped, Typed: p.Name}, Consent: true, SignedAt: t0,
		Channel: registry.ChannelOperator, IdentitySalt: []byte("0123456789abcdef"), LeafIndex: -1}
	return a.db.InsertSignature(context.Background(), s)
}

// An insider who edits a row after its bundle was published does not get
// the edit served: the bundle no longer hashes to the signed tiles, so the
// server refuses it (and logs it), and a bundle it served before stays
// what it was.
func TestTilesRefuseEditedRows(t *testing.T) {
	a, codes := tileLog(t)
	cp := signCheckpoint(t, a)
	before := a.do(t, "GET", "/log/tile/entries/000", "", "", nil)
	if before.Status != http.StatusOK {
		t.Fatalf("bundle: %d", before.Status)
	}
	a.sqliteOnly(t)
	db, err := sql.Open("sqlite", a.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE signatures SET channel = 'kiosk' WHERE code = ? OR code = 'T00000000255'`, codes["issued"]); err != nil {
		t.Fatal(err)
	}
	if again := a.do(t, "GET", "/log/tile/entries/000", "", "", nil); !bytes.Equal(again.Body, before.Body) {
		t.Fatal("a published full bundle changed after a row was edited")
	}
	// The partial bundle was not served before: the edited row in it
	// is refused, with a stable code, rather than published.
	a.expectErrors.Store(3) // the bundle, the failed request, its log line
	r := a.do(t, "GET", fmt.Sprintf("/log/tile/entries/001.p/%d", cp.Size-translog.TileWidth), "", "", nil)
	r.wantError(t, http.StatusInternalServerError, registry.EINTERNAL)
	if a.expectErrors.Load() != 0 {
		t.Fatal("the server did not log the refused bundle")
	}
	if r := a.do(t, "GET", fmt.Sprintf("/log/tile/0/001.p/%d", cp.Size-translog.TileWidth), "", "", nil); r.Status != http.StatusOK {
		t.Fatalf("the hash tile, which no row edit changes: %d", r.Status)
	}
}

// signCheckpoint has the registry sign a checkpoint of its whole log.
func signCheckpoint(t *testing.T, a *testApp) translog.Checkpoint {
	t.Helper()
	a.waitCheckpointed(t)
	r := a.do(t, "GET", "/api/v1/log/checkpoint", "", "", nil)
	cp, err := translog.OpenCheckpoint(r.Body, a.keys.Verifiers())
	if err != nil {
		t.Fatalf("checkpoint %d %s: %v", r.Status, r.Body, err)
	}
	return cp
}
