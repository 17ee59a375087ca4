package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// verdictJSON is a certificate's API answer with its verdict.
type verdictJSON struct {
	Status  string `json:"status"`
	Verdict struct {
		Status string `json:"status"`
		Checks []struct {
			Name   string `json:"name"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		} `json:"checks"`
	} `json:"verdict"`
}

// failed is the names of the checks that failed.
func (v verdictJSON) failed() []string {
	var names []string
	for _, c := range v.Verdict.Checks {
		if !c.OK {
			names = append(names, c.Name)
		}
	}
	return names
}

func (a *testApp) mustVerdict(t *testing.T, code string) verdictJSON {
	t.Helper()
	var v verdictJSON
	r := a.api(t, "GET", "/api/v1/certificates/"+code, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("certificate %s: status %d, %s", code, r.Status, r.Body)
	}
	r.decode(t, &v)
	if v.Status != v.Verdict.Status {
		t.Fatalf("certificate %s: status %q, verdict %q", code, v.Status, v.Verdict.Status)
	}
	return v
}

// The server's verdict banners. The page also carries the words of the
// browser's own check (static/js/verify.js), so a test looks for a banner
// by its markup, and for its reason right after it.
const (
	bannerValid   = "<strong>SAH</strong>"
	bannerInvalid = "<strong>TIDAK SAH</strong><span>"
	bannerRevoked = "<strong>DICABUT</strong><span>"
)

// verdictFixture signs three records of one event; the third person is
// imported but has not signed.
func verdictFixture(t *testing.T, opts ...func(*web.Options)) (*testApp, string, []string) {
	t.Helper()
	a := newTestApp(t, opts...)
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, 4, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	a.mustOpen(t, token, e.ID)
	var codes []string
	for _, p := range people[:3] {
		codes = append(codes, a.mustSign(t, e, p).Certificate.Code)
	}
	return a, token, codes
}

// A genuine record is valid, every check ok, and its page says SAH; opened
// from its QR, the QR's claim is checked too.
func TestVerdictGenuine(t *testing.T) {
	a, _, codes := verdictFixture(t)
	v := a.mustVerdict(t, codes[0])
	if v.Status != "valid" || len(v.failed()) != 0 {
		t.Fatalf("genuine record: status %q, failed %v", v.Status, v.failed())
	}
	var names []string
	for _, c := range v.Verdict.Checks {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, " "); got != "checkpoint_signature record leaf inclusion pledge revocation_list" {
		t.Errorf("checks %q", got)
	}
	p := a.browser(t).get("/v/" + codes[0])
	wantPage(t, p, http.StatusOK, bannerValid)
	wantAbsent(t, "a genuine record's page", p.Body, bannerInvalid)

	// The QR's URL is upper case; typed in lower case it works as well.
	qr := a.qrOf(t, codes[0])
	path := qrPath(t, qr)
	if !strings.HasPrefix(path, "/V/"+codes[0]+"/") || path != strings.ToUpper(path) {
		t.Fatalf("QR %q: want an upper-case /V/<code>/<claim> URL", qr)
	}
	for _, path := range []string{path, strings.ToLower(path), "/v/" + strings.ToLower(codes[0]) + path[len("/V/")+len(codes[0]):]} {
		p = a.browser(t).get(path)
		wantPage(t, p, http.StatusOK, bannerValid, "claim")
		wantAbsent(t, "a genuine QR's page", p.Body, bannerInvalid)
	}

	// A claim signed for another record, or not signed at all, is no
	// proof of this one.
	other := qrPath(t, a.qrOf(t, codes[1]))
	for name, forged := range map[string]string{
		"another record's claim": "/V/" + codes[0] + other[len("/V/")+len(codes[1]):],
		"a forged signature":     path[:len(path)-20] + strings.Repeat("A", 20),
		"a malformed claim":      path + "A",
	} {
		p = a.browser(t).get(forged)
		wantPage(t, p, http.StatusOK, bannerInvalid, "Klaim bertanda tangan pada kode QR tidak sah")
		if strings.Contains(p.Body, bannerValid) {
			t.Errorf("%s: the page says SAH", name)
		}
	}
}

// qrPath is the path of a QR's URL, which the test server serves.
func qrPath(t *testing.T, qr string) string {
	t.Helper()
	_, rest, ok := strings.Cut(qr, "://")
	i := strings.Index(rest, "/")
	if !ok || i < 0 {
		t.Fatalf("QR text %q is not a URL", qr)
	}
	return rest[i:]
}

// qrOf is the QR text of a record, rebuilt from its row as the PDF has it.
func (a *testApp) qrOf(t *testing.T, code string) string {
	t.Helper()
	sig, err := a.db.SignatureByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	c := translog.Claim{Code: sig.Code, EventID: sig.EventID, PledgeHash: sig.PledgeHash, IdentityHash: sig.IdentityHash,
		SignedAt: time.UnixMilli(sig.SignedAt.UnixMilli()).UTC()}
	token := sig.ClaimToken
	if token == "" {
		t.Fatal("the record has no claim token")
	}
	if !translog.IsClaimV2Token(token) {
		return translog.FormatQR(a.URL, c, token)
	}
	host, err := translog.ClaimHost(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := translog.ClaimFromToken(host, c.Code, token)
	if err != nil {
		t.Fatal(err)
	}
	return translog.FormatQRV2("http", v2)
}

// A record edited in the database after it was logged is not valid: the
// page's banner names the log entry it differs from, the API's leaf check
// fails.
func TestVerdictTamperedRecord(t *testing.T) {
	for _, tc := range []struct{ name, set, failed string }{
		{"signing time", "signed_at = signed_at + 60000", "leaf"},
		{"code", "code = 'TAMP3RED7ABC'", "leaf"},
		{"channel", "channel = CASE channel WHEN 'kiosk' THEN 'operator' ELSE 'kiosk' END", "leaf"},
		// No stored pledge text has the new hash either.
		{"pledge hash", "pledge_hash = '" + strings.Repeat("ab", 32) + "'", "leaf pledge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _, codes := verdictFixture(t)
			a.exec(t, "UPDATE signatures SET "+tc.set+" WHERE code = ?", codes[1])
			code := codes[1]
			if tc.name == "code" {
				code = "TAMP3RED7ABC"
			}
			v := a.mustVerdict(t, code)
			if v.Status != "invalid" || strings.Join(v.failed(), " ") != tc.failed {
				t.Errorf("edited %s: status %q, failed %v; want invalid, [%s]", tc.name, v.Status, v.failed(), tc.failed)
			}
			p := a.browser(t).get("/v/" + code)
			wantPage(t, p, http.StatusOK, bannerInvalid+"Catatan ini tidak cocok dengan entri log-nya.")
			if strings.Contains(p.Body, bannerValid) {
				t.Errorf("edited %s: the page says SAH", tc.name)
			}
			// The other records are untouched.
			if v := a.mustVerdict(t, codes[0]); v.Status != "valid" {
				t.Errorf("an untouched record is %q, failed %v", v.Status, v.failed())
			}
		})
	}
}

// A record the log never had is "not in the log", whether its row claims
// no leaf, a leaf beyond the log, or was inserted out of band.
func TestVerdictNotInLog(t *testing.T) {
	// A leaf beyond the log is one no checkpoint will cover: every look-up
	// of it waits the whole bound.
	a, _, codes := verdictFixture(t, briefCheckpointWait)
	a.exec(t, "UPDATE signatures SET leaf_index = -1 WHERE code = ?", codes[0])
	a.exec(t, "UPDATE signatures SET leaf_index = 9999 WHERE code = ?", codes[1])
	const inserted = "1NSERTED7ABC"
	a.exec(t, `INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name, category,
		pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index)
		SELECT s.event_id, e.id, ?, e.nip, s.name, s.position, s.rank, s.unit, s.org_name, s.category,
		s.pledge_hash, s.ink_kind, s.ink, s.consent, s.signed_at, s.channel, s.client_ip, s.user_agent, s.identity_salt, s.identity_hash, -1
		FROM signatures s, employees e WHERE s.code = ? AND e.id NOT IN (SELECT employee_id FROM signatures) LIMIT 1`, inserted, codes[2])
	for _, code := range []string{codes[0], codes[1], inserted} {
		v := a.mustVerdict(t, code)
		if v.Status != "invalid" || len(v.failed()) == 0 || v.failed()[0] != "record" {
			t.Errorf("%s: status %q, failed %v; want invalid, record first", code, v.Status, v.failed())
		}
		p := a.browser(t).get("/v/" + code)
		wantPage(t, p, http.StatusOK, bannerInvalid+"Catatan ini tidak ada di log transparansi.")
		if strings.Contains(p.Body, bannerValid) {
			t.Errorf("%s: the page says SAH", code)
		}
	}
}

// A revoked record stays revoked, its revocation leaf checked; a
// revocation row edited after it was logged is named.
func TestVerdictRevoked(t *testing.T) {
	a, token, codes := verdictFixture(t)
	r := a.api(t, "POST", "/api/v1/certificates/"+codes[0]+"/revoke", token, map[string]any{"reason": "Ditandatangani oleh orang lain"})
	if r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	v := a.mustVerdict(t, codes[0])
	var names []string
	for _, c := range v.Verdict.Checks {
		names = append(names, c.Name)
	}
	if v.Status != "revoked" || len(v.failed()) != 0 || !slices.Contains(names, "revocation") || !slices.Contains(names, "revocation_list") {
		t.Fatalf("revoked record: status %q, checks %+v", v.Status, v.Verdict.Checks)
	}

	p := a.browser(t).get("/v/" + codes[0])
	wantPage(t, p, http.StatusOK, bannerRevoked)
	wantAbsent(t, "a revoked record's page", p.Body, bannerValid, bannerInvalid)

	a.exec(t, "UPDATE revocations SET reason = 'Alasan lain' WHERE signature_id = (SELECT id FROM signatures WHERE code = ?)", codes[0])
	v = a.mustVerdict(t, codes[0])
	if v.Status != "revoked" || strings.Join(v.failed(), " ") != "revocation" {
		t.Errorf("edited revocation: status %q, failed %v; want revoked, [revocation]", v.Status, v.failed())
	}
	p = a.browser(t).get("/v/" + codes[0])
	wantPage(t, p, http.StatusOK, bannerRevoked, bannerInvalid+"Pencabutan ini tidak cocok dengan entri log-nya.")

	// Its revocation row deleted behind the registry's back: the record
	// says valid, the list the registry signed says revoked, and the page
	// believes neither.
	a.exec(t, `DELETE FROM revocations`)
	v = a.mustVerdict(t, codes[0])
	if v.Status != "invalid" || strings.Join(v.failed(), " ") != "revocation_list" {
		t.Fatalf("un-revoked record: status %q, checks %+v", v.Status, v.Verdict.Checks)
	}
	wantPage(t, a.browser(t).get("/v/"+codes[0]), http.StatusOK, bannerInvalid+"Catatan ini bertentangan dengan daftar pencabutan")
}
