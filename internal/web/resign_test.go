package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
)

// resignNotice is what the signing page tells someone whose certificate
// was revoked.
const resignNotice = "Sertifikat Anda sebelumnya untuk acara ini telah dicabut pada"

// counts is what the officer sees about the event: the API's stats, the
// event page's "sudah", the follow-up list's count and the recap's row of
// andre's unit.
type counts struct{ signed, revoked, pending, unitSigned int }

func (f exportFixture) counts(t *testing.T) counts {
	t.Helper()
	var out struct {
		Signed  *int `json:"signed"`
		Revoked *int `json:"revoked"`
	}
	r := f.a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", f.e.ID), f.token, nil)
	r.decode(t, &out)
	if r.Status != http.StatusOK || out.Signed == nil || out.Revoked == nil {
		t.Fatalf("event stats: %d %s", r.Status, r.Body)
	}
	c := counts{signed: *out.Signed, revoked: *out.Revoked}
	page := f.admin.get(f.path(""))
	if n, _ := strconv.Atoi(find(t, `<strong>(\d+)</strong><span>sudah</span>`, page.Body)); n != c.signed {
		t.Errorf("the event page says %d signed, the API %d", n, c.signed)
	}
	c.pending, _ = strconv.Atoi(find(t, `(\d+) pegawai belum menandatangani\.`, f.admin.get(f.path("/followup")).Body))
	book, err := excelize.OpenReader(bytes.NewReader(wantDownload(t, f.admin.get(f.path("/export/recap.xlsx")),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "rekap-")))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("Rekap")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if i := slices.Index(row, andre.Unit); i >= 0 && len(row) > i+2 {
			c.unitSigned, _ = strconv.Atoi(row[i+2])
		}
	}
	return c
}

// revoke withdraws a certificate through the API.
func (f exportFixture) revoke(t *testing.T, code string) {
	t.Helper()
	r := f.a.api(t, "POST", "/api/v1/certificates/"+code+"/revoke", f.token, map[string]any{"reason": "Ditandatangani orang lain"})
	if r.Status != http.StatusOK {
		t.Fatalf("revoke %s: %d %s", code, r.Status, r.Body)
	}
}

// signAgainOnPage signs on the confirm page p, which must tell the signer
// that the earlier certificate was revoked, and returns the new
// certificate's code.
func signAgainOnPage(t *testing.T, phone *browser, p page, slug string, revoked ...string) string {
	t.Helper()
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?", andre.fullName(), resignNotice, "pukul ")
	wantAbsent(t, "the signing page after a revocation", p.Body, append(revoked, andre.NIP, "Ditandatangani orang lain", "Salah orang")...)
	p = phone.submit(p, slug+"/sign", url.Values{"signature_strokes": {strokesJSON()}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat", andre.fullName())
	code, ok := strings.CutPrefix(p.URL.Path, "/c/")
	if !ok || slices.Contains(revoked, code) {
		t.Fatalf("signing again lands on %s, want a new certificate (revoked: %v)", p.URL, revoked)
	}
	return code
}

// TestResignAfterRevocation: andre's certificate was revoked (someone
// signed in his name). NIP and code, his personal link, a reissued link and
// the API each lead him to sign again, with a new certificate; the revoked
// ones stay revoked at their own addresses; every count says not signed
// while only a revoked record stands and signed once he signs again.
func TestResignAfterRevocation(t *testing.T) {
	f := newExportFixture(t)
	slug := strings.TrimPrefix(f.e.URL, f.a.URL)
	revoked := []string{f.codes[andre.NIP]}
	notSigned := counts{signed: 2, revoked: 1, pending: 2, unitSigned: 0}
	if c := f.counts(t); c != notSigned {
		t.Fatalf("after the revocation: %+v, want %+v", c, notSigned)
	}

	// NIP and event code: the signing page, not the revoked certificate.
	phone := f.a.browser(t)
	p := phone.submit(phone.get(slug), slug, url.Values{"nip": {andre.grouped()}, "code": {f.e.EventCode}})
	code := signAgainOnPage(t, phone, p, slug, revoked...)
	if c, want := f.counts(t), (counts{signed: 3, revoked: 1, pending: 1, unitSigned: 1}); c != want {
		t.Errorf("after signing again: %+v, want %+v", c, want)
	}
	fu := f.admin.get(f.path("/followup")).Body
	wantAbsent(t, "the follow-up list after signing again", fu, andre.fullName())
	wantPage(t, f.a.browser(t).get("/v/"+revoked[0]), http.StatusOK, bannerRevoked, "Salah orang")
	wantPage(t, f.a.browser(t).get("/v/"+code), http.StatusOK, bannerValid)
	// The officer on the revoked record is pointed to the new one.
	wantPage(t, f.admin.get("/admin/certificates/"+revoked[0]), http.StatusOK, "DICABUT",
		"Pegawai ini telah menandatangani kembali:", `href="/admin/certificates/`+code+`"`)
	p = f.admin.get("/admin/certificates/" + code)
	wantPage(t, p, http.StatusOK, "Cabut sertifikat", "dapat menandatangani lagi selama acara dibuka")
	wantAbsent(t, "the standing record's admin page", p.Body, "Pegawai ini telah menandatangani kembali:")
	// Identified again elsewhere: signed, no second record.
	other := f.a.browser(t)
	p = other.submit(other.get(slug), slug, url.Values{"nip": {andre.NIP}, "code": {f.e.EventCode}})
	wantPage(t, p, http.StatusOK, "Anda sudah menandatangani ikrar ini")
	wantAbsent(t, "the page of someone who signed again", p.Body, resignNotice)

	// His personal link, from the follow-up list while he has not signed.
	f.revoke(t, code)
	revoked = append(revoked, code)
	if c := f.counts(t); c != (counts{signed: 2, revoked: 2, pending: 2}) {
		t.Errorf("after the second revocation: %+v", c)
	}
	fu = f.admin.get(f.path("/followup")).Body
	link := find(t, `(?s)`+regexp.QuoteMeta(andre.fullName())+`.*?href="([^"]+/p/[^"]+)">tautan pribadi`, fu)
	phone = f.a.browser(t)
	code = signAgainOnPage(t, phone, phone.get(link), slug, revoked...)

	// A reissued link.
	f.revoke(t, code)
	revoked = append(revoked, code)
	fu = f.admin.get(f.path("/followup")).Body
	empID := find(t, `<tr id="p(\d+)">\s*<td class="mono[^"]*">`+regexp.QuoteMeta(andre.grouped()), fu)
	p = f.admin.submit(f.admin.get(f.path("/followup")), f.path("/links/"+empID+"/reissue"), url.Values{"confirm": {"1"}})
	fresh := find(t, `<span class="mono small" id="reissued-link">([^<]+)</span>`, p.Body)
	phone = f.a.browser(t)
	code = signAgainOnPage(t, phone, phone.get(fresh), slug, revoked...)
	if c, want := f.counts(t), (counts{signed: 3, revoked: 3, pending: 1, unitSigned: 1}); c != want {
		t.Errorf("after signing with a reissued link: %+v, want %+v", c, want)
	}

	// The API: 201 with a new certificate, then 200 already_signed.
	f.revoke(t, code)
	revoked = append(revoked, code)
	body := map[string]any{"nip": andre.NIP, "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())}
	r := f.a.sign(t, f.e, body)
	var out signJSON
	r.decode(t, &out)
	if r.Status != http.StatusCreated || out.AlreadySigned || out.Certificate.Code == "" || slices.Contains(revoked, out.Certificate.Code) {
		t.Fatalf("API signing after a revocation: %d %s, want 201 with a new certificate", r.Status, r.Body)
	}
	r = f.a.sign(t, f.e, body)
	if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(`"already_signed":true`)) || bytes.Contains(r.Body, []byte(out.Certificate.Code)) {
		t.Errorf("the API again: %d %s, want 200 already_signed without the certificate", r.Status, r.Body)
	}
	if c, want := f.counts(t), (counts{signed: 3, revoked: 4, pending: 1, unitSigned: 1}); c != want {
		t.Errorf("after signing through the API: %+v, want %+v", c, want)
	}

	// The signature list has every record of his, one of them standing.
	book, err := excelize.OpenReader(bytes.NewReader(wantDownload(t, f.admin.get(f.path("/export/signatures.xlsx")),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "tanda-tangan-")))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows("Tanda tangan")
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]int{}
	for _, row := range rows {
		if slices.Contains(row, andre.grouped()) {
			for _, cell := range row {
				if cell == "Sah" || cell == "Dicabut" {
					status[cell]++
				}
			}
		}
	}
	if status["Sah"] != 1 || status["Dicabut"] != 4 {
		t.Errorf("andre's rows in signatures.xlsx: %v, want 1 valid and 4 revoked", status)
	}
}

// TestConcurrentResigning: after a revocation, the same person on several
// phones at once signs again once: one 201 with a new certificate, the
// others told she already signed.
func TestConcurrentResigning(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	first := f.a.mustSign(t, f.e, siti).Certificate.Code
	if r := f.a.api(t, "POST", "/api/v1/certificates/"+first+"/revoke", f.token, map[string]any{"reason": "Ditandatangani orang lain"}); r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	const n = 8
	body, _ := json.Marshal(map[string]any{"nip": siti.NIP, "event_code": f.e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())})
	path := fmt.Sprintf("/api/v1/events/%d/signatures", f.e.ID)
	results := make([]response, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = f.a.send("POST", path, "", "application/json", body)
		})
	}
	close(start)
	wg.Wait()
	var created []string
	for i, r := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		var out signJSON
		r.decode(t, &out)
		switch {
		case r.Status == http.StatusCreated && !out.AlreadySigned:
			created = append(created, out.Certificate.Code)
		case r.Status == http.StatusOK && out.AlreadySigned:
		default:
			t.Errorf("concurrent re-signing answered %d %s", r.Status, r.Body)
		}
	}
	if len(created) != 1 || created[0] == first {
		t.Errorf("%d phones re-signing at once created %v, want one new certificate (revoked: %s)", n, created, first)
	}
	if got := f.signedCount(t, f.e); got != 1 {
		t.Errorf("event counts %d signed, want 1", got)
	}
}
