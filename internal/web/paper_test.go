package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// scanPNG is a small grey scan of a signed sheet.
func scanPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 200, 280))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	for x := 40; x < 160; x++ {
		img.SetGray(x, 200+x%7, color.Gray{Y: 20})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a valid PNG header that claims w×h pixels: a few hundred
// bytes that would decode to gigabytes.
func bombPNG(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := bytes.Clone(scanPNG(t))
	// The IHDR chunk's data starts at byte 16: width, height; its CRC
	// covers the type and data (bytes 12 to 29).
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// scanPDF is a minimal PDF as a scanner writes one, ending in %%EOF.
const scanPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// paperBody is the multipart body of a paper signature.
func paperBody(t *testing.T, fields map[string]string, filename string, scan []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if filename != "" {
		w, err := mw.CreateFormFile("scan", filename)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(scan)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

type paperJSON struct {
	Certificate struct {
		Code       string `json:"code"`
		PDFURL     string `json:"pdf_url"`
		Channel    string `json:"channel"`
		ScanSHA256 string `json:"scan_sha256"`
	} `json:"certificate"`
}

func (f exportFixture) paper(t *testing.T, token string, eventID int64, nip, witness, filename string, scan []byte) response {
	t.Helper()
	ct, body := paperBody(t, map[string]string{"nip": nip, "witness_name": witness}, filename, scan)
	return f.a.do(t, "POST", fmt.Sprintf("/api/v1/events/%d/paper-signatures", eventID), token, ct, body)
}

func (f exportFixture) paperCount(t *testing.T) int {
	t.Helper()
	var out struct {
		Paper *int `json:"paper"`
	}
	r := f.a.api(t, "GET", fmt.Sprintf("/api/v1/events/%d", f.e.ID), f.token, nil)
	r.decode(t, &out)
	if r.Status != http.StatusOK || out.Paper == nil {
		t.Fatalf("event stats without paper: %d %s", r.Status, r.Body)
	}
	return *out.Paper
}

const witness = "Ir. Made Sudarsana (Bawaslu)"

// TestPaperSignatureAPI: an operator records fitri's pakta signed on paper
// with its scan: 201 with channel paper, and she counts as signed
// everywhere; the scan is the officers', its hash is public; a second
// record, a stranger, a bad or huge scan, an image bomb, a viewer and
// another region's officer are refused with their codes; the paper record
// is revoked and she is recorded again.
func TestPaperSignatureAPI(t *testing.T) {
	f := newExportFixture(t)
	operator := f.a.mustUser(t, "operator@deliserdangkab.go.id", registry.RoleOperator, f.regency.ID)
	opToken := f.a.mustToken(t, operator)
	scan := scanPNG(t)
	before := f.counts(t)

	r := f.paper(t, opToken, f.e.ID, fitri.grouped(), witness, "pakta.png", scan)
	var out paperJSON
	r.decode(t, &out)
	sum := sha256.Sum256(scan)
	if r.Status != http.StatusCreated || out.Certificate.Channel != "paper" || out.Certificate.ScanSHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("paper signature: %d %s", r.Status, r.Body)
	}
	code := out.Certificate.Code
	if c, want := f.counts(t), (counts{signed: before.signed + 1, revoked: before.revoked, pending: before.pending - 1}); c != want {
		t.Errorf("after the paper signature: %+v, want %+v", c, want)
	}
	if n := f.paperCount(t); n != 1 {
		t.Errorf("paper count %d, want 1", n)
	}

	// The certificate says it was signed on paper, before whom.
	pdf := f.a.browser(t).get(strings.TrimPrefix(out.Certificate.PDFURL, f.a.URL))
	if pdf.Status != http.StatusOK {
		t.Fatalf("certificate PDF: %d", pdf.Status)
	}
	if text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Body))), " "); !strings.Contains(text, "Ditandatangani di atas kertas, disaksikan oleh "+witness) {
		t.Errorf("certificate PDF does not say it was signed on paper:\n%s", text)
	}
	// The public record gives the scan's hash, never the witness or the scan.
	pub := f.a.api(t, "GET", "/api/v1/certificates/"+code, "", nil)
	if pub.Status != http.StatusOK || !bytes.Contains(pub.Body, []byte(`"scan_sha256":"`+out.Certificate.ScanSHA256+`"`)) ||
		!bytes.Contains(pub.Body, []byte(`"channel":"paper"`)) || bytes.Contains(pub.Body, []byte("Sudarsana")) {
		t.Errorf("public record: %d %s", pub.Status, pub.Body)
	}
	wantPage(t, f.a.browser(t).get("/v/"+code), http.StatusOK, bannerValid)
	if p := f.a.browser(t).get("/admin/scans/" + code); p.URL.Path != "/login" {
		t.Errorf("anonymous scan download ends at %s (%d), want the login page", p.URL, p.Status)
	}
	p := f.admin.get("/admin/certificates/" + code)
	wantPage(t, p, http.StatusOK, "Di atas kertas (disaksikan)", witness, out.Certificate.ScanSHA256, "/admin/scans/"+code)
	if got := wantDownload(t, f.admin.get("/admin/scans/"+code), "image/png", "pindaian-"); !bytes.Equal(got, scan) {
		t.Error("the scan downloaded differs from the scan uploaded")
	}

	// The audit trail says who recorded it, without the witness's name.
	trail := f.admin.get("/admin/audit?action=certificate.paper")
	wantPage(t, trail, http.StatusOK, "Mencatat tanda tangan di atas kertas", code)
	wantAbsent(t, "the audit trail", trail.Body, "Sudarsana", "certificate.paper</")

	huge := append(bytes.Clone(scan), make([]byte, 11<<20)...)
	other := f.a.mustOrg(t, "Pemerintah Kabupaten Serdang Bedagai", registry.OrgRegency, "12.18")
	otherToken := f.a.mustToken(t, f.a.mustUser(t, "admin@serdangbedagaikab.go.id", registry.RoleAdmin, other.ID))
	viewerToken := f.a.mustToken(t, f.a.mustUser(t, "viewer@deliserdangkab.go.id", registry.RoleViewer, f.regency.ID))
	for _, tt := range []struct {
		name, token, nip, witness, file string
		scan                            []byte
		status                          int
		code                            string
	}{
		{"already signed", opToken, fitri.NIP, witness, "pakta.png", scan, http.StatusConflict, "already_signed"},
		{"signed on a phone", opToken, siti.NIP, witness, "pakta.png", scan, http.StatusConflict, "already_signed"},
		{"not a participant", opToken, "199912312020121001", witness, "pakta.png", scan, http.StatusUnprocessableEntity, "not_participant"},
		{"text named .png", opToken, andre.NIP, witness, "pakta.png", []byte("bukan gambar, hanya teks"), http.StatusUnprocessableEntity, "invalid_scan"},
		{"PNG cut short", opToken, andre.NIP, witness, "pakta.png", scan[:len(scan)/2], http.StatusUnprocessableEntity, "invalid_scan"},
		{"PDF without its end", opToken, andre.NIP, witness, "pakta.pdf", []byte(strings.TrimSuffix(scanPDF, "%%EOF\n")), http.StatusUnprocessableEntity, "invalid_scan"},
		{"image bomb", opToken, andre.NIP, witness, "pakta.png", bombPNG(t, 60000, 60000), http.StatusUnprocessableEntity, "invalid_scan"},
		{"no scan", opToken, andre.NIP, witness, "", nil, http.StatusUnprocessableEntity, "invalid_scan"},
		{"no witness", opToken, andre.NIP, "  ", "pakta.png", scan, http.StatusBadRequest, "invalid_input"},
		{"huge upload", opToken, andre.NIP, witness, "pakta.png", huge, http.StatusRequestEntityTooLarge, "too_large"},
		{"viewer token", viewerToken, andre.NIP, witness, "pakta.png", scan, http.StatusForbidden, "forbidden"},
		{"another region's event", otherToken, andre.NIP, witness, "pakta.png", scan, http.StatusNotFound, "not_found"},
		{"no token", "", andre.NIP, witness, "pakta.png", scan, http.StatusUnauthorized, "unauthorized"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f.paper(t, tt.token, f.e.ID, tt.nip, tt.witness, tt.file, tt.scan).wantError(t, tt.status, tt.code)
		})
	}
	if n := f.paperCount(t); n != 1 {
		t.Errorf("paper count after the refusals: %d, want 1", n)
	}

	// andre, whose phone record was revoked, signs on paper: a PDF scan.
	r = f.paper(t, f.token, f.e.ID, andre.NIP, "Rina Marpaung, S.Sos.", "pakta.pdf", []byte(scanPDF))
	if r.Status != http.StatusCreated {
		t.Fatalf("paper signature after a revocation: %d %s", r.Status, r.Body)
	}
	// fitri's paper record is revoked; she is recorded again.
	f.revoke(t, code)
	if n := f.paperCount(t); n != 1 {
		t.Errorf("paper count after revoking fitri's: %d, want 1 (andre's)", n)
	}
	r = f.paper(t, opToken, f.e.ID, fitri.NIP, witness, "pakta.png", scan)
	var again paperJSON
	r.decode(t, &again)
	if r.Status != http.StatusCreated || again.Certificate.Code == code {
		t.Fatalf("paper signature after revoking the paper record: %d %s", r.Status, r.Body)
	}
	wantPage(t, f.a.browser(t).get("/v/"+code), http.StatusOK, bannerRevoked)
	if c, want := f.counts(t), (counts{signed: before.signed + 2, revoked: before.revoked + 1, pending: before.pending - 2, unitSigned: 1}); c != want {
		t.Errorf("at the end: %+v, want %+v", c, want)
	}
	if n := f.paperCount(t); n != 2 {
		t.Errorf("paper count at the end: %d, want 2", n)
	}

	// An erasure deletes the scan and the witness; the hash stays public.
	er := f.a.api(t, "POST", "/api/v1/certificates/"+again.Certificate.Code+"/erase", f.token, map[string]any{"reason": "Permintaan pemilik data"})
	if er.Status != http.StatusOK {
		t.Fatalf("erase: %d %s", er.Status, er.Body)
	}
	if p := f.admin.get("/admin/scans/" + again.Certificate.Code); p.Status != http.StatusNotFound {
		t.Errorf("scan of an erased record: %d, want 404", p.Status)
	}
	wantAbsent(t, "the erased paper record's page", f.admin.get("/admin/certificates/"+again.Certificate.Code).Body, witness)
}

// TestPaperSignaturePage: an operator finds fitri by name on the event's
// paper page, picks her, uploads the scan and names the witness, through
// the form and its CSRF token; the page then says it is recorded and
// fitri is no longer offered. A form without the token is refused.
func TestPaperSignaturePage(t *testing.T) {
	f := newExportFixture(t)
	before := f.counts(t)
	wantPage(t, f.admin.get(f.path("")), http.StatusOK, `href="`+f.path("/paper")+`"`)
	p := f.admin.get(f.path("/paper?q=") + url.QueryEscape("fitri"))
	wantPage(t, p, http.StatusOK, "Tanda tangan di atas kertas", fitri.fullName(), `value="`+fitri.NIP+`"`)
	wantAbsent(t, "the paper page's candidates", p.Body, siti.fullName())

	// Without the CSRF token: refused, nothing recorded.
	bad := f.admin.postMultipart(f.path("/paper/upload"), url.Values{"nip": {fitri.NIP}, "witness_name": {witness}}, "scan", "pakta.png", "image/png", scanPNG(t))
	if bad.Status != http.StatusForbidden && bad.Status != http.StatusBadRequest {
		t.Errorf("a form without its CSRF token: %d", bad.Status)
	}
	// A malformed scan: the page says why, in Indonesian.
	p2 := f.admin.upload(p, f.path("/paper/upload"), url.Values{"nip": {fitri.NIP}, "witness_name": {witness}}, "scan", "pakta.jpg", "image/jpeg", []byte("rusak"))
	wantPage(t, p2, http.StatusUnprocessableEntity, "Pindaian harus berupa PDF, PNG, atau JPEG.")
	if c := f.counts(t); c != before {
		t.Fatalf("refused forms changed the counts: %+v, want %+v", c, before)
	}

	p = f.admin.upload(p, f.path("/paper/upload"), url.Values{"nip": {fitri.NIP}, "witness_name": {witness}}, "scan", "pakta.png", "image/png", scanPNG(t))
	wantPage(t, p, http.StatusOK, "Tanda tangan "+fitri.fullName()+" di atas kertas tercatat.")
	if p.URL.Path != f.path("/paper") {
		t.Errorf("after recording: %s, want the paper page again (post, redirect, get)", p.URL)
	}
	wantAbsent(t, "the candidates after recording", p.Body, `value="`+fitri.NIP+`"`)
	if c, want := f.counts(t), (counts{signed: before.signed + 1, revoked: before.revoked, pending: before.pending - 1}); c != want {
		t.Errorf("after the page's paper signature: %+v, want %+v", c, want)
	}
	wantPage(t, f.admin.get(f.path("/paper?lang=en")), http.StatusOK, "Signatures on paper")
}

// TestPaperSignatureAfterClose: the pakta signed at the ceremony is often
// entered days later. After the event is closed phones can no longer sign,
// but an officer still records fitri's paper sheet: it counts, its
// certificate says it was signed on paper and when it was entered, and the
// audit trail says it was entered after closing. A draft event, which has
// had no ceremony, takes no paper signature.
func TestPaperSignatureAfterClose(t *testing.T) {
	f := newExportFixture(t)
	before := f.counts(t)
	if r := f.a.api(t, "POST", fmt.Sprintf("/api/v1/events/%d/close", f.e.ID), f.token, nil); r.Status != http.StatusOK {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	f.a.sign(t, f.e, map[string]any{"nip": fitri.NIP, "event_code": f.e.EventCode, "consent": true, "typed_name": fitri.fullName()}).
		wantError(t, http.StatusConflict, "signing_not_open")

	wantPage(t, f.admin.get(f.path("")), http.StatusOK, `href="`+f.path("/paper")+`"`)
	p := f.admin.get(f.path("/paper?q=fitri"))
	wantPage(t, p, http.StatusOK, `id="paper-late"`, "Penandatanganan di ponsel sudah ditutup", `value="`+fitri.NIP+`"`)
	p = f.admin.upload(p, f.path("/paper/upload"), url.Values{"nip": {fitri.NIP}, "witness_name": {witness}}, "scan", "pakta.png", "image/png", scanPNG(t))
	wantPage(t, p, http.StatusOK, "Tanda tangan "+fitri.fullName()+" di atas kertas tercatat.")
	if c, want := f.counts(t), (counts{signed: before.signed + 1, revoked: before.revoked, pending: before.pending - 1}); c != want {
		t.Errorf("after a paper signature on a closed event: %+v, want %+v", c, want)
	}
	// andre, revoked before the close, is entered through the API.
	r := f.paper(t, f.token, f.e.ID, andre.NIP, witness, "pakta.pdf", []byte(scanPDF))
	var out paperJSON
	r.decode(t, &out)
	if r.Status != http.StatusCreated {
		t.Fatalf("paper signature through the API on a closed event: %d %s", r.Status, r.Body)
	}
	pdf := f.a.browser(t).get(strings.TrimPrefix(out.Certificate.PDFURL, f.a.URL))
	if pdf.Status != http.StatusOK {
		t.Fatalf("certificate PDF: %d", pdf.Status)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.Body))), " ")
	for _, want := range []string{"telah menandatangani Ikrar Netralitas ASN di atas kertas pada acara", "(dicatat di registri ", "disaksikan oleh " + witness} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate PDF lacks %q:\n%s", want, text)
		}
	}
	if c, want := f.counts(t), (counts{signed: before.signed + 2, revoked: before.revoked, pending: before.pending - 2, unitSigned: 1}); c != want {
		t.Errorf("after both paper signatures: %+v, want %+v", c, want)
	}
	wantPage(t, f.admin.get("/admin/audit?action=certificate.paper"), http.StatusOK, "dicatat setelah penandatanganan ditutup")

	draft := f.a.mustEvent(t, f.token, f.regency.ID, "Acara Draf", nil)
	f.paper(t, f.token, draft.ID, siti.NIP, witness, "pakta.png", scanPNG(t)).wantError(t, http.StatusConflict, "signing_not_open")
	wantPage(t, f.admin.get(fmt.Sprintf("/admin/events/%d/paper", draft.ID)), http.StatusOK, "Acara ini masih draf")
}
