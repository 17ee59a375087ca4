package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/xuri/excelize/v2"

	"github.com/ikrar-id/ikrar/internal/registry"
)

var (
	siti = person{NIP: "198609262015052001", Front: "Dr.", Name: "Siti Aminah Lubis", Back: "M.Si.",
		Position: "Analis Kebijakan Ahli Muda", Rank: "Pembina (IV/a)", Unit: "Bagian Organisasi", Category: "PNS"}
	andre = person{NIP: "199001152019031002", Name: "André Siregar", Back: "S.H.",
		Position: "Analis Hukum", Rank: "Penata Muda (III/a)", Unit: "Bagian Hukum", Category: "PNS"}
	fitri = person{NIP: "199203042020122001", Name: "Fitri Handayani", Back: "S.Kep., Ns.",
		Position: "Perawat Ahli Pertama", Rank: "Penata Muda (III/a)", Unit: "Puskesmas Lubuk Pakam", Category: "PPPK"}
)

const eventTitle = "Deklarasi Netralitas ASN Pilkada Serentak 2024"

// TestFormsFlow runs a declaration the way people do in their browsers: an
// officer sets it up, signers sign on their phones, anyone verifies.
func TestFormsFlow(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	admin := a.browser(t)
	admin.login(officer)

	// An agency under the regency, then its roster.
	p := admin.get("/admin/orgs/new")
	p = admin.submit(p, "/admin/orgs", url.Values{"name": {"Sekretariat Daerah"}, "kind": {"agency"},
		"parent_id": {strconv.FormatInt(regency.ID, 10)}, "timezone": {"Asia/Jakarta"}})
	wantPage(t, p, http.StatusOK, "Sekretariat Daerah", "Belum ada pegawai.")
	orgPath := p.URL.Path
	if !strings.HasPrefix(orgPath, "/admin/orgs/") {
		t.Fatalf("after creating an organization the officer is at %s", p.URL)
	}
	p = admin.upload(p, orgPath+"/import", nil, "file", "pegawai.csv", "text/csv", []byte(rosterCSV(siti, andre)))
	wantPage(t, p, http.StatusOK, "2 pegawai baru, 0 diperbarui")
	p = admin.get(orgPath)
	wantPage(t, p, http.StatusOK, "Daftar pegawai (2)", siti.fullName(), siti.grouped(), "André Siregar, S.H.")

	// The event: created as a draft, then opened.
	p = admin.get("/admin/events/new")
	p = admin.upload(p, "/admin/events", url.Values{"organization_id": {strconv.FormatInt(regency.ID, 10)},
		"title": {eventTitle}, "mode": {"in_person"}, "place": {"Aula Cendana Kantor Bupati"},
		"starts_at": {"2024-10-23T09:00"}, "pledge_id": {"1"},
		"official_name": {"Drs. H. Ahmad Fauzi, M.Si."}, "official_position": {"Sekretaris Daerah"}}, "", "", "", nil)
	wantPage(t, p, http.StatusOK, eventTitle, "Draf", "Rabu, 23 Oktober 2024", "pukul 09.00 WIB")
	eventPath := p.URL.Path
	p = admin.submit(p, eventPath+"/status", nil)
	wantPage(t, p, http.StatusOK, "Dibuka", "Tutup acara")
	if p.URL.Path != eventPath {
		t.Fatalf("opening the event lands on %s", p.URL)
	}
	code := find(t, `<p class="event-code">([0-9A-Z]{6})</p>`, p.Body)
	link := find(t, `<p class="mono small">([^<]+)</p>`, p.Body)
	if !strings.HasPrefix(link, a.URL+"/e/") {
		t.Fatalf("public link %q is not under %s/e/", link, a.URL)
	}
	if got := decodeQR(t, admin.get(eventPath+"/qr.png")); got != link {
		t.Errorf("the event QR code opens %q, want %q", got, link)
	}

	// A signer on their phone: NIP as printed, the code as heard.
	phone := a.browser(t)
	p = phone.get(link)
	wantPage(t, p, http.StatusOK, eventTitle, "Masukkan NIP dan kode acara")
	slug := strings.TrimPrefix(link, a.URL)
	p = phone.submit(p, slug, url.Values{"nip": {siti.grouped()}, "code": {strings.ToLower(code)}})
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?", siti.fullName(), siti.Unit, siti.Position, siti.masked())
	wantAbsent(t, "the confirm page", p.Body, siti.NIP, siti.grouped())
	p = phone.submit(p, slug+"/sign", url.Values{"signature_strokes": {strokesCompact(false)}, "consent": {"1"}})
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat", siti.fullName(), eventTitle, "Rabu, 23 Oktober 2024")
	certCode, ok := strings.CutPrefix(p.URL.Path, "/c/")
	if !ok || registry.NormalizeCode(certCode, registry.CertificateCodeLen) != certCode {
		t.Fatalf("after signing the signer is at %s, not a certificate page", p.URL)
	}
	certURL := p.URL.String()
	pdfLink := find(t, `href="([^"]*/sertifikat\.pdf[^"]*)"`, p.Body)
	pdf := phone.get(pdfLink)
	wantPDF(t, pdf)

	// Anyone verifies: VALID, masked, and the PDF's fingerprint matches.
	public := a.browser(t)
	p = public.get("/v?code=" + strings.ToLower(registry.GroupCode(certCode)))
	if p.URL.Path != "/v/"+certCode {
		t.Fatalf("typing the grouped code leads to %s", p.URL)
	}
	sum := sha256.Sum256([]byte(pdf.Body))
	wantPage(t, p, http.StatusOK, bannerValid, siti.masked(), "Dr. S*** A*** L***, M.Si.", eventTitle, hex.EncodeToString(sum[:]))
	wantAbsent(t, "the public verification page", p.Body, siti.NIP, siti.grouped(), "Siti", "Aminah", "Lubis", bannerRevoked)

	// Identifying again on the same phone says so and opens the same
	// certificate; no second record.
	p = phone.get(link)
	p = phone.submit(p, slug, url.Values{"nip": {siti.NIP}, "code": {code}})
	if p.URL.Path != "/c/"+certCode {
		t.Fatalf("the signing phone opens %s, want the certificate %s", p.URL, certURL)
	}
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat")
	p = admin.get(eventPath)
	wantPage(t, p, http.StatusOK, "<strong>1</strong><span>sudah</span>", "<strong>2</strong><span>peserta</span>",
		`href="/admin/certificates/`+certCode+`"`)

	// Typed-name fallback, after first forgetting the consent box.
	phone2 := a.browser(t)
	p = phone2.get(link)
	p = phone2.submit(p, slug, url.Values{"nip": {andre.NIP}, "code": {code}})
	wantPage(t, p, http.StatusOK, "Apakah ini Anda?", "André Siregar, S.H.", andre.Unit)
	typed := url.Values{"use_typed": {"1"}, "typed_name": {"André Siregar"}, "signature_strokes": {""}}
	noConsent := phone2.submit(p, slug+"/sign", typed)
	wantPage(t, noConsent, http.StatusUnprocessableEntity, "Apakah ini Anda?", "Centang pernyataan persetujuan")
	typed.Set("consent", "1")
	p = phone2.submit(noConsent, slug+"/sign", typed)
	wantPage(t, p, http.StatusOK, "Ikrar Anda tercatat", "André Siregar, S.H.")
	if !strings.HasPrefix(p.URL.Path, "/c/") || strings.Contains(p.URL.Path, certCode) {
		t.Fatalf("typed signing lands on %s", p.URL)
	}
	wantPDF(t, phone2.get(find(t, `href="([^"]*/sertifikat\.pdf[^"]*)"`, p.Body)))

	p = admin.get(eventPath)
	wantPage(t, p, http.StatusOK, "<strong>2</strong><span>sudah</span>")

	// The officer revokes the first certificate; the public page says so.
	p = admin.get("/admin/certificates/" + certCode)
	wantPage(t, p, http.StatusOK, siti.fullName(), siti.grouped(), "Cabut sertifikat")
	p = admin.submit(p, "/admin/certificates/"+certCode+"/revoke", url.Values{"reason": {"Ditandatangani oleh orang lain"}})
	wantPage(t, p, http.StatusOK, "DICABUT", "Ditandatangani oleh orang lain")
	p = public.get("/v/" + certCode)
	wantPage(t, p, http.StatusOK, bannerRevoked, "Ditandatangani oleh orang lain")
	wantAbsent(t, "the verification page of a revoked certificate", p.Body, bannerValid, siti.NIP, "Aminah")
	// The holder's own page says so too; without its key it does not open.
	wantPage(t, phone.get(certURL), http.StatusOK, "DICABUT", "Ditandatangani oleh orang lain")
	wantPage(t, public.get("/c/"+certCode+"?k=AAAAAAAAAAAAAAAA"), http.StatusNotFound)
	p = public.get("/v/ZZZZZZZZZZZZ")
	wantPage(t, p, http.StatusNotFound, "<strong>TIDAK DITEMUKAN</strong><span>")
	p = public.get("/v?code=bukan-kode")
	wantPage(t, p, http.StatusOK, "Kode sertifikat terdiri dari 12 huruf dan angka")
	p = admin.get(eventPath)
	wantPage(t, p, http.StatusOK, "<strong>1</strong><span>sudah</span>", "dicabut")
}

// TestAPIFlow runs a declaration through the JSON API.
func TestAPIFlow(t *testing.T) {
	a := newTestApp(t)
	super := a.mustToken(t, a.mustSuperadmin(t))

	// A regency (superadmin) and its agencies.
	r := a.api(t, "POST", "/api/v1/organizations", super, map[string]any{"name": "Pemerintah Kabupaten Deli Serdang",
		"kind": "regency", "region_code": "12.07", "timezone": "Asia/Jakarta"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create regency: %d %s", r.Status, r.Body)
	}
	var regency orgJSON
	r.decode(t, &regency)
	if regency.ID == 0 || regency.Kind != "regency" || regency.TimeZone != "Asia/Jakarta" {
		t.Fatalf("created regency: %+v", regency)
	}
	officer := a.mustUser(t, "bkpsdm@deliserdang.test", registry.RoleAdmin, regency.ID)
	token := a.mustToken(t, officer)
	r = a.api(t, "POST", "/api/v1/organizations", token, map[string]any{"name": "Dinas Kesehatan", "kind": "agency", "parent_id": regency.ID})
	if r.Status != http.StatusCreated {
		t.Fatalf("create agency: %d %s", r.Status, r.Body)
	}
	var health orgJSON
	r.decode(t, &health)
	if health.ParentID != regency.ID {
		t.Fatalf("agency parent %d, want %d", health.ParentID, regency.ID)
	}
	// Only a superadmin creates a top-level organization.
	a.api(t, "POST", "/api/v1/organizations", token, map[string]any{"name": "Pemerintah Kota Medan", "kind": "city"}).
		wantError(t, http.StatusForbidden, "forbidden")

	// Rosters: CSV for the regency, XLSX for the agency.
	r = a.do(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/import", regency.ID), token, csvType, []byte(rosterCSV(siti, andre)))
	if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(`"rejected":[]`)) {
		t.Fatalf("CSV import: %d %s", r.Status, r.Body)
	}
	var imp importJSON
	r.decode(t, &imp)
	if imp.Imported != 2 || imp.Updated != 0 {
		t.Fatalf("CSV import: %+v", imp)
	}
	r = a.do(t, "POST", fmt.Sprintf("/api/v1/organizations/%d/employees/import", health.ID), token,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", rosterXLSX(t, fitri))
	r.decode(t, &imp)
	if r.Status != http.StatusOK || imp.Imported != 1 || len(imp.Rejected) != 0 {
		t.Fatalf("XLSX import: %d %s", r.Status, r.Body)
	}

	e := a.mustEvent(t, token, regency.ID, eventTitle, nil)
	if e.Status != "draft" || len(e.EventCode) != registry.EventCodeLen || !strings.HasPrefix(e.URL, a.URL+"/e/") {
		t.Fatalf("created event: %+v", e)
	}
	drawn := map[string]any{"nip": siti.NIP, "event_code": e.EventCode, "consent": true,
		"signature_png": base64.StdEncoding.EncodeToString(signaturePNG(t))}
	a.sign(t, e, drawn).wantError(t, http.StatusConflict, "signing_not_open")
	a.mustOpen(t, token, e.ID)

	// Three ways to sign: a PNG, strokes, a typed name.
	r = a.sign(t, e, drawn)
	if r.Status != http.StatusCreated {
		t.Fatalf("sign with PNG: %d %s", r.Status, r.Body)
	}
	var first signJSON
	r.decode(t, &first)
	c := first.Certificate
	if first.AlreadySigned || c.Code == "" || c.Serial == "" || c.VerifyURL != a.URL+"/v/"+c.Code || !strings.HasPrefix(c.PDFURL, a.URL+"/c/"+c.Code+"/") {
		t.Fatalf("signing answer: %s", r.Body)
	}
	strokes := a.mustSign(t, e, andre)
	r = a.sign(t, e, map[string]any{"nip": fitri.grouped(), "event_code": e.EventCode, "consent": true, "typed_name": "Fitri Handayani"})
	if r.Status != http.StatusCreated {
		t.Fatalf("sign with typed name: %d %s", r.Status, r.Body)
	}
	var typed signJSON
	r.decode(t, &typed)
	if codes := map[string]bool{c.Code: true, strokes.Certificate.Code: true, typed.Certificate.Code: true}; len(codes) != 3 {
		t.Fatalf("three signers share certificate codes: %v", codes)
	}

	// The same person again, whatever they send, makes no second record;
	// NIP and code are not enough to be handed the certificate.
	r = a.sign(t, e, map[string]any{"nip": siti.grouped(), "event_code": e.EventCode, "consent": true, "signature_strokes": json.RawMessage(strokesJSON())})
	var again signJSON
	r.decode(t, &again)
	if r.Status != http.StatusOK || !again.AlreadySigned || again.Certificate.Code != "" || again.Certificate.PDFURL != "" {
		t.Fatalf("signing again: %d %s, want 200, already signed, no certificate", r.Status, r.Body)
	}
	r = a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", e.ID), token, nil)
	var stats eventJSON
	r.decode(t, &stats)
	if r.Status != http.StatusOK || stats.Signed == nil || *stats.Signed != 3 || stats.Eligible == nil || *stats.Eligible != 3 {
		t.Fatalf("event after three signings: %d %s", r.Status, r.Body)
	}

	// Public lookup: valid and masked.
	r = a.api(t, "GET", "/api/v1/certificates/"+c.Code, "", nil)
	var cert certJSON
	r.decode(t, &cert)
	if r.Status != http.StatusOK || cert.Status != "valid" || cert.NIP != siti.masked() || cert.Name != "Dr. S*** A*** L***, M.Si." ||
		cert.Event != eventTitle || cert.Revocation != nil {
		t.Fatalf("certificate: %d %s", r.Status, r.Body)
	}
	wantAbsent(t, "the public certificate JSON", string(r.Body), siti.NIP, siti.grouped(), "Aminah")
	a.api(t, "GET", "/api/v1/certificates/ZZZZZZZZZZZZ", "", nil).wantError(t, http.StatusNotFound, "not_found")

	pdf := a.do(t, "GET", c.PDFURL, "", "", nil)
	wantPDF(t, page{Status: pdf.Status, Header: pdf.Header, Body: string(pdf.Body)})
	// The download link is not derivable from the public code.
	if r := a.do(t, "GET", "/c/"+c.Code+"/sertifikat.pdf", "", "", nil); r.Status != http.StatusNotFound {
		t.Errorf("PDF without its key: status %d, want 404", r.Status)
	}

	// Revocation needs a token and a reason, and shows everywhere.
	revoke := "/api/v1/certificates/" + c.Code + "/revoke"
	a.api(t, "POST", revoke, "", map[string]any{"reason": "Salah orang"}).wantError(t, http.StatusUnauthorized, "unauthorized")
	a.api(t, "POST", revoke, token, map[string]any{"reason": ""}).wantError(t, http.StatusBadRequest, "invalid_input")
	r = a.api(t, "POST", revoke, token, map[string]any{"reason": "Ditandatangani oleh orang lain"})
	if r.Status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	a.api(t, "POST", revoke, token, map[string]any{"reason": "Dicabut dua kali"}).wantError(t, http.StatusConflict, "conflict")
	r = a.api(t, "GET", "/api/v1/certificates/"+c.Code, "", nil)
	cert = certJSON{}
	r.decode(t, &cert)
	if cert.Status != "revoked" || cert.Revocation == nil || cert.Revocation.Reason != "Ditandatangani oleh orang lain" || !cert.Revocation.RevokedAt.Equal(t0) {
		t.Fatalf("revoked certificate: %s", r.Body)
	}
	p := a.browser(t).get("/v/" + c.Code)
	wantPage(t, p, http.StatusOK, bannerRevoked, "Ditandatangani oleh orang lain")

	// Closing ends signing; who signed still gets their certificate.
	if r := a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", e.ID), token, nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"status":"closed"`) {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	// Reopening a closed event needs a reason; closing a draft makes no sense.
	reopen := fmt.Sprintf("/api/v1/events/%d/open", e.ID)
	a.api(t, "POST", reopen, token, nil).wantError(t, http.StatusBadRequest, "invalid_input")
	draft := a.mustEvent(t, token, regency.ID, "Acara Draf", nil)
	a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", draft.ID), token, nil).wantError(t, http.StatusConflict, "conflict")
	a.api(t, "GET", "/api/v1/tidak-ada", token, nil).wantError(t, http.StatusNotFound, "not_found")
	a.sign(t, e, map[string]any{"nip": "197001012000011001", "event_code": e.EventCode, "consent": true, "typed_name": "Siapa Saja"}).
		wantError(t, http.StatusForbidden, "not_eligible")
	r = a.sign(t, e, map[string]any{"nip": andre.NIP, "event_code": e.EventCode, "consent": true, "typed_name": "André Siregar"})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"already_signed":true`) || strings.Contains(string(r.Body), strokes.Certificate.Code) {
		t.Fatalf("signer of a closed event asking again: %d %s, want already signed without the certificate", r.Status, r.Body)
	}
	r = a.api(t, "POST", reopen, token, map[string]any{"reason": "Peserta dinas luar menyusul"})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"status":"open"`) {
		t.Fatalf("reopen with a reason: %d %s", r.Status, r.Body)
	}
}

func TestAPIAuthentication(t *testing.T) {
	a := newTestApp(t)
	regency := a.mustOrg(t, "Pemerintah Kabupaten Deli Serdang", registry.OrgRegency, "12.07")
	body := map[string]any{"name": "Dinas Pendidikan", "kind": "agency", "parent_id": regency.ID}
	for _, auth := range []string{"", "Bearer ", "Bearer ikr_tidak-ada", "Basic YWRtaW46YWRtaW4=", "ikr_tanpa-bearer"} {
		b, _ := json.Marshal(body)
		req, err := http.NewRequest("POST", a.URL+"/api/v1/organizations", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || err != nil || out.Error.Code != "unauthorized" || out.Error.Message == "" {
			t.Errorf("Authorization %q: status %d, error %+v (%v); want 401 unauthorized", auth, resp.StatusCode, out.Error, err)
		}
	}
	if n, err := a.db.Organizations(t.Context(), "/"); err != nil || len(n) != 1 {
		t.Errorf("organizations after refused calls: %d (%v), want 1", len(n), err)
	}
}

func wantPDF(t *testing.T, p page) {
	t.Helper()
	if p.Status != http.StatusOK {
		t.Fatalf("PDF download: status %d: %.300s", p.Status, p.Body)
	}
	if ct := p.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("PDF content type %q", ct)
	}
	if !strings.HasPrefix(p.Body, "%PDF-") || !strings.Contains(p.Body[len(p.Body)-1024:], "%%EOF") {
		t.Errorf("download is not a complete PDF: %.40q", p.Body)
	}
}

func decodeQR(t *testing.T, p page) string {
	t.Helper()
	if p.Status != http.StatusOK || p.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR image: status %d, type %s", p.Status, p.Header.Get("Content-Type"))
	}
	img, err := png.Decode(strings.NewReader(p.Body))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

func rosterXLSX(t *testing.T, ps ...person) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	header := []any{}
	for _, h := range strings.Split(rosterHeader, ",") {
		header = append(header, h)
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		row := []any{p.NIP, p.Name, p.Front, p.Back, p.Position, p.Rank, p.Unit, p.Category}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &row); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
