package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// logoPNG is a w×h emblem-like colour PNG.
func logoPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if (x-w/2)*(x-w/2)+(y-h/2)*(y-h/2) < w*w/4 {
				img.SetNRGBA(x, y, color.NRGBA{R: 180, G: 20, B: 20, A: 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a small PNG whose header claims 60000×60000 pixels: decoded,
// it would take some 14 GB.
func pngBomb(t *testing.T) []byte {
	p := logoPNG(t, 64, 64)
	binary.BigEndian.PutUint32(p[16:], 60000)
	binary.BigEndian.PutUint32(p[20:], 60000)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

func (a *testApp) storedLogo(t *testing.T, org registry.Organization) []byte {
	t.Helper()
	logo, _, err := a.db.OrgLogo(context.Background(), org.Path)
	if err != nil {
		t.Fatal(err)
	}
	return logo
}

// TestOrgLogoUpload: an organization's admin uploads its letterhead logo
// through the organization page; what is not a bounded PNG is refused with
// a message saying why, and nobody else can change it.
func TestOrgLogoUpload(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	other := a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	otherAdmin := a.mustUser(t, "admin@medan.test", registry.RoleAdmin, other.ID)
	viewer := a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, regency.ID)
	operator := a.mustUser(t, "operator@deliserdang.test", registry.RoleOperator, regency.ID)
	orgPath := fmt.Sprintf("/admin/orgs/%d", regency.ID)
	action := orgPath + "/logo"

	admin := a.browser(t)
	admin.login(officer)
	page := admin.get(orgPath)
	wantPage(t, page, http.StatusOK, "Logo kop surat", `action="`+action+`"`)

	// Without the form's CSRF token nothing is read.
	p := admin.postMultipart(action, url.Values{}, "logo", "logo.png", "image/png", logoPNG(t, 200, 200))
	if p.Status != http.StatusForbidden || a.storedLogo(t, regency) != nil {
		t.Fatalf("upload without CSRF token: status %d, logo stored %v", p.Status, a.storedLogo(t, regency) != nil)
	}

	for _, tc := range []struct {
		name, filename, ctype string
		content               []byte
		msg                   string
	}{
		{"too large", "logo.png", "image/png", append(logoPNG(t, 64, 64), make([]byte, 600<<10)...), "Berkas logo terlalu besar: paling besar 512 KB."},
		{"not an image", "logo.png", "image/png", []byte("MZ\x90\x00 this is no picture"), "Berkas ini bukan gambar PNG."},
		{"svg", "logo.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "Logo SVG tidak diterima karena dapat memuat skrip."},
		{"decompression bomb", "logo.png", "image/png", pngBomb(t), "Ukuran logo terlalu besar: paling besar 2000 × 2000 piksel."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := admin.upload(admin.get(orgPath), action, nil, "logo", tc.filename, tc.ctype, tc.content)
			wantPage(t, p, http.StatusUnprocessableEntity, tc.msg, `aria-invalid="true"`)
			if a.storedLogo(t, regency) != nil {
				t.Error("a refused logo was stored")
			}
		})
	}

	p = admin.upload(admin.get(orgPath), action, nil, "logo", "lambang.png", "image/png", logoPNG(t, 900, 1000))
	wantPage(t, p, http.StatusOK, "Logo disimpan.", `src="`+orgPath+`/logo.png"`)
	if p.URL.Path != orgPath {
		t.Errorf("after the upload the admin is at %s, want the organization page", p.URL.Path)
	}
	stored := a.storedLogo(t, regency)
	cfg, err := png.DecodeConfig(bytes.NewReader(stored))
	if err != nil || max(cfg.Width, cfg.Height) > 480 {
		t.Errorf("stored logo: %dx%d, %v; want a PNG scaled to at most 480 px", cfg.Width, cfg.Height, err)
	}
	img := admin.get(orgPath + "/logo.png")
	if img.Status != http.StatusOK || img.Header.Get("Content-Type") != "image/png" || img.Body != string(stored) {
		t.Errorf("logo.png: status %d, type %q; want the stored PNG", img.Status, img.Header.Get("Content-Type"))
	}

	// Another tenant's admin: the organization does not exist for them.
	stranger := a.browser(t)
	stranger.login(otherAdmin)
	if p := stranger.get(orgPath); p.Status != http.StatusNotFound {
		t.Errorf("another tenant's admin sees the organization: %d", p.Status)
	}
	home := stranger.get("/admin")
	p = stranger.postMultipart(action, url.Values{"_csrf": {stranger.csrf(home)}}, "logo", "x.png", "image/png", logoPNG(t, 100, 100))
	if p.Status != http.StatusNotFound {
		t.Errorf("another tenant's admin uploading: status %d, want 404", p.Status)
	}
	if p := stranger.get(orgPath + "/logo.png"); p.Status != http.StatusNotFound {
		t.Errorf("another tenant's admin reads the logo: %d", p.Status)
	}

	// A viewer and an operator may not change it, and are not offered to.
	for _, u := range []registry.User{viewer, operator} {
		b := a.browser(t)
		b.login(u)
		page := b.get(orgPath)
		wantPage(t, page, http.StatusOK)
		wantAbsent(t, "org page for "+u.Role.Label(), page.Body, "Logo kop surat")
		p := b.postMultipart(action, url.Values{"_csrf": {b.csrf(page)}}, "logo", "x.png", "image/png", logoPNG(t, 100, 100))
		if p.Status != http.StatusForbidden {
			t.Errorf("%s uploading: status %d, want 403", u.Role.Label(), p.Status)
		}
	}
	if !bytes.Equal(a.storedLogo(t, regency), stored) {
		t.Error("the logo was changed by someone who may not")
	}

	p = admin.submit(admin.get(orgPath), orgPath+"/logo/remove", nil)
	wantPage(t, p, http.StatusOK, "Logo dihapus.")
	if a.storedLogo(t, regency) != nil {
		t.Error("the logo is still stored after its removal")
	}
}

// TestOfficialDocuments: with a logo uploaded and the official's NIP
// entered, a new certificate, the Berita Acara and the recap carry the
// letterhead, and the certificate the NIP, a statement in place of the
// missing official signature, and where to report a violation.
func TestOfficialDocuments(t *testing.T) {
	a := newTestApp(t)
	regency, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	bkd := &registry.Organization{Name: "Badan Kepegawaian dan Pengembangan SDM", Kind: registry.OrgAgency, ParentID: regency.ID, TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(context.Background(), system, bkd); err != nil {
		t.Fatal(err)
	}
	a.mustImport(t, token, bkd.ID, rosterCSV(siti))
	admin := a.browser(t)
	admin.login(officer)
	// The regency's emblem; the office has none of its own and prints it.
	regencyPath := fmt.Sprintf("/admin/orgs/%d", regency.ID)
	wantPage(t, admin.upload(admin.get(regencyPath), regencyPath+"/logo", nil, "logo", "lambang.png", "image/png", logoPNG(t, 300, 360)),
		http.StatusOK, "Logo disimpan.")

	r := a.api(t, "POST", "/api/v1/events", token, map[string]any{"organization_id": bkd.ID, "title": eventTitle, "place": "Aula",
		"mode": "in_person", "starts_at": "2024-10-23T09:00:00+07:00", "official_name": "Drs. H. Ahmad Fauzi, M.Si.",
		"official_position": "Kepala Badan", "official_nip": "196805121990031004x"})
	r.wantError(t, http.StatusBadRequest, registry.EINVALID)
	if !strings.Contains(string(r.Body), "NIP pejabat") {
		t.Errorf("a wrong official NIP is refused without saying which field: %s", r.Body)
	}
	e := a.mustEvent(t, token, bkd.ID, eventTitle, map[string]any{"official_position": "Kepala Badan", "official_nip": "19680512.199003.1.004"})
	var got struct {
		OfficialNIP string `json:"official_nip"`
	}
	a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", e.ID), token, nil).decode(t, &got)
	if got.OfficialNIP != "196805121990031004" {
		t.Errorf("event official_nip = %q, want the 18 digits", got.OfficialNIP)
	}
	a.mustOpen(t, token, e.ID)
	s := a.mustSign(t, e, siti)
	pdf := mustDownload(t, a, s)

	text := pdftest.PageText(t, pdf, 1)
	top, _, _ := strings.Cut(text, "SERTIFIKAT IKRAR NETRALITAS ASN")
	top = strings.Join(strings.Fields(top), " ")
	for _, w := range []string{"PEMERINTAH KABUPATEN DELI SERDANG", "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM"} {
		if !strings.Contains(top, w) {
			t.Errorf("certificate letterhead lacks %q; above the title: %q", w, top)
		}
	}
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) {
		t.Error("the certificate carries no logo image")
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range []string{"NIP 19680512 199003 1 004", certificate.NoOfficialSignature, certificate.ComplaintNote(),
		"Periksa keaslian sertifikat ini dengan memindai kode QR di sebelah kiri"} {
		if !strings.Contains(flat, w) {
			t.Errorf("certificate lacks %q:\n%s", w, text)
		}
	}

	evPath := fmt.Sprintf("/admin/events/%d", e.ID)
	q := url.Values{"date": {"2024-10-23"}, "place": {"Aula"}, "name": {"Drs. H. Ahmad Fauzi, M.Si."}, "position": {"Kepala Badan"}}
	ba := wantDownload(t, admin.get(evPath+"/berita-acara.pdf?"+q.Encode()), "application/pdf", "berita-acara-")
	baText := pdftest.PageText(t, ba, 1)
	top, _, _ = strings.Cut(baText, "BERITA ACARA DEKLARASI")
	if !strings.Contains(strings.Join(strings.Fields(top), " "), "PEMERINTAH KABUPATEN DELI SERDANG BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM") ||
		!bytes.Contains(ba, []byte("/Subtype /Image")) {
		t.Errorf("Berita Acara has no letterhead; above its title: %q", top)
	}
	if !strings.Contains(pdftest.Text(t, ba), "NIP 19680512 199003 1 004") {
		t.Error("Berita Acara does not print the official's NIP")
	}
	// The form prefills the event's official with their NIP, and every
	// other official present has a NIP field of their own, typed as printed.
	form := admin.get(evPath + "/berita-acara")
	wantPage(t, form, http.StatusOK, `id="nip-0" name="nip" maxlength="40" autocomplete="off" value="19680512 199003 1 004"`, `id="nip-1" name="nip"`)
	q = url.Values{"date": {"2024-10-23"}, "place": {"Aula"}, "name": {"Drs. H. Ahmad Fauzi, M.Si.", "Dra. Hj. Nurhayati"},
		"position": {"Kepala Badan", "Sekretaris Daerah"}, "nip": {"", "19700315-199503-2-002"}}
	ba = wantDownload(t, admin.get(evPath+"/berita-acara.pdf?"+q.Encode()), "application/pdf", "berita-acara-")
	if text := pdftest.Text(t, ba); !strings.Contains(text, "NIP 19700315 199503 2 002") || strings.Contains(text, "NIP 19680512 199003 1 004") {
		t.Errorf("Berita Acara with the second official's NIP, the first's cleared: %s", text)
	}
	q.Set("nip", "R-123")
	wantPage(t, admin.get(evPath+"/berita-acara.pdf?"+q.Encode()), http.StatusBadRequest, "NIP pejabat pada baris 1")
	recap := wantDownload(t, admin.get(evPath+"/export/recap.pdf"), "application/pdf", "rekap-")
	top, _, _ = strings.Cut(pdftest.PageText(t, recap, 1), "REKAPITULASI")
	if !strings.Contains(strings.Join(strings.Fields(top), " "), "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM") || !bytes.Contains(recap, []byte("/Subtype /Image")) {
		t.Errorf("recap has no letterhead; above its title: %q", top)
	}

	// A certificate once issued does not change when the logo does.
	regencyPage := admin.get(regencyPath)
	wantPage(t, admin.submit(regencyPage, regencyPath+"/logo/remove", nil), http.StatusOK, "Logo dihapus.")
	if again := mustDownload(t, a, s); !bytes.Equal(again, pdf) {
		t.Error("the issued certificate changed after the logo was removed")
	}
}

// TestComplaintLinks: the verification page, from the code or the QR, and
// the signer's certificate page point to the official complaint channels
// as plain links, carrying nothing of the record.
func TestComplaintLinks(t *testing.T) {
	f := newSigningFixture(t, siti)
	s := f.a.mustSign(t, f.e, siti)
	qr := f.a.qrOf(t, s.Certificate.Code)
	qr = qr[strings.Index(qr, "/V/"):] // the QR is an upper-case URL
	pdfURL, err := url.Parse(s.Certificate.PDFURL)
	if err != nil {
		t.Fatal(err)
	}
	visitor := f.a.browser(t)
	for _, path := range []string{"/v/" + s.Certificate.Code, qr, "/c/" + s.Certificate.Code + "?k=" + pdfURL.Query().Get("k")} {
		p := visitor.get(path)
		wantPage(t, p, http.StatusOK, "Melaporkan pelanggaran netralitas ASN",
			`<a href="https://sbt.bkn.go.id" rel="external noopener" referrerpolicy="no-referrer">SBT BKN</a>`,
			`<a href="https://www.lapor.go.id" rel="external noopener" referrerpolicy="no-referrer">SP4N-LAPOR!</a>`)
		for _, m := range regexp.MustCompile(`href="(https://[^"]*(?:bkn|lapor)\.go\.id[^"]*)"`).FindAllStringSubmatch(p.Body, -1) {
			if u, err := url.Parse(m[1]); err != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
				t.Errorf("%s: complaint link %q carries more than the channel's address", path, m[1])
			}
		}
	}
}
