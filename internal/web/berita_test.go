package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// TestEventWitnesses: an officer adds, edits and removes an event's
// witnesses on its page, each in the audit trail; they sign the Berita
// Acara in blocks of their own. A form without its CSRF token, a viewer
// and another tenant's admin change nothing.
func TestEventWitnesses(t *testing.T) {
	f := newSigningFixture(t, siti, andre)
	officer := f.a.browser(t)
	officer.login(f.officer)
	page := fmt.Sprintf("/admin/events/%d", f.e.ID)
	add := page + "/witnesses"

	p := officer.get(page)
	wantPage(t, p, http.StatusOK, "Belum ada saksi.", "Tambah saksi")
	for _, w := range [][3]string{
		{"Rina Marpaung, S.Sos.", "Ketua", "Bawaslu Kabupaten Deli Serdang"},
		{"Ir. Bonar Sitompul", "Anggota", "KPU Kabupaten Deli Serdang"},
		{"Letkol Inf. Agus Salim", "Dandim 0204", "Forkopimda"},
	} {
		p = officer.submit(officer.get(page), add, url.Values{"name": {w[0]}, "position": {w[1]}, "institution": {"  " + w[2] + " "}})
		wantPage(t, p, http.StatusOK, w[0], w[2])
	}
	p = officer.submit(officer.get(page), add, url.Values{"name": {"Tanpa Instansi"}, "position": {"Ketua"}})
	wantPage(t, p, http.StatusBadRequest, "Nama, jabatan, dan instansi saksi wajib diisi.")

	p = officer.get(page)
	ids := regexp.MustCompile(`/witnesses/(\d+)/delete`).FindAllStringSubmatch(p.Body, -1)
	if len(ids) != 3 {
		t.Fatalf("%d witnesses with a remove button, want 3", len(ids))
	}
	edit := add + "/" + ids[1][1]
	p = officer.submit(p, edit, url.Values{"name": {"Ir. Bonar Sitompul, M.T."}, "position": {"Ketua"}, "institution": {"KPU Kabupaten Deli Serdang"}})
	wantPage(t, p, http.StatusOK, "Ir. Bonar Sitompul, M.T.")
	p = officer.submit(p, add+"/"+ids[2][1]+"/delete", nil)
	wantPage(t, p, http.StatusOK)
	wantAbsent(t, "the page after the removal", p.Body, "Letkol Inf. Agus Salim")

	// No CSRF token: refused.
	if p := officer.post(add, url.Values{"name": {"X"}, "position": {"Y"}, "institution": {"Z"}}); p.Status != http.StatusForbidden {
		t.Errorf("a witness without the form's token: status %d", p.Status)
	}
	// A viewer sees the witnesses but has no form, and a post is refused.
	viewer := f.a.browser(t)
	viewer.login(f.a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, f.officer.OrgID))
	vp := viewer.get(page)
	wantPage(t, vp, http.StatusOK, "Rina Marpaung, S.Sos.")
	wantAbsent(t, "the viewer's page", vp.Body, `action="`+add+`"`, "/delete")
	tok := viewer.csrf(vp)
	if p := viewer.post(add, url.Values{"_csrf": {tok}, "name": {"X"}, "position": {"Y"}, "institution": {"Z"}}); p.Status != http.StatusForbidden {
		t.Errorf("a viewer's witness: status %d", p.Status)
	}
	if p := viewer.post(add+"/"+ids[0][1]+"/delete", url.Values{"_csrf": {tok}}); p.Status != http.StatusForbidden {
		t.Errorf("a viewer's removal: status %d", p.Status)
	}
	// Another tenant's admin does not find the event.
	medan := f.a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	stranger := f.a.browser(t)
	stranger.login(f.a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, medan.ID))
	stok := stranger.csrf(stranger.get("/admin"))
	if p := stranger.post(add+"/"+ids[0][1], url.Values{"_csrf": {stok}, "name": {"X"}, "position": {"Y"}, "institution": {"Z"}}); p.Status != http.StatusNotFound {
		t.Errorf("another tenant's edit: status %d", p.Status)
	}
	if p := officer.get(page); !strings.Contains(p.Body, "Rina Marpaung, S.Sos.") || strings.Contains(p.Body, ">X<") {
		t.Error("a refused request changed the witnesses")
	}

	q := url.Values{"place": {"Aula Kantor Bupati"}, "date": {"2024-10-23"}}
	pdf := wantDownload(t, officer.get(page+"/berita-acara.pdf?"+q.Encode()), "application/pdf", "berita-acara-")
	text := pdftest.Text(t, pdf)
	for _, want := range []string{"Saksi-saksi", "Bawaslu Kabupaten Deli Serdang", "Rina Marpaung, S.Sos.", "KPU Kabupaten Deli Serdang",
		"Ir. Bonar Sitompul, M.T."} {
		if !strings.Contains(text, want) {
			t.Errorf("Berita Acara does not show %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Agus Salim") {
		t.Error("Berita Acara shows a removed witness")
	}
	if !bytes.Contains(pdf, []byte("<pdfaid:part>2</pdfaid:part>")) {
		t.Error("the Berita Acara served is not marked PDF/A")
	}
	entries, err := f.a.db.Audit(t.Context(), "/", 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"event.witness_add", "event.witness_edit", "event.witness_remove"} {
		if !hasAction(entries, action) {
			t.Errorf("no %s in the audit trail", action)
		}
	}
	wantPage(t, officer.get("/admin/audit"), http.StatusOK, "Menambah saksi acara", "Mengubah saksi acara", "Menghapus saksi acara")
}

// withSignatureDict appends an incremental update holding a signature
// dictionary, as a signing service's output has (without a real PKCS#7
// blob: ikrar only looks for the dictionary).
func withSignatureDict(t *testing.T, pdf []byte) []byte {
	t.Helper()
	size := regexp.MustCompile(`/Size (\d+)`).FindSubmatch(pdf)
	root := regexp.MustCompile(`/Root (\d+) 0 R`).FindSubmatch(pdf)
	start := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\s*$`).FindSubmatch(pdf)
	if size == nil || root == nil || start == nil {
		t.Fatal("no trailer to update")
	}
	var n int
	fmt.Sscan(string(size[1]), &n)
	out := bytes.Clone(pdf)
	off := len(out)
	out = fmt.Appendf(out, "%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] /Contents <00> >>\nendobj\n", n)
	xref := len(out)
	out = fmt.Appendf(out, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", n, off, n+1, root[1], start[1], xref)
	return out
}

// TestSignedBeritaAcaraUpload: the officer uploads the signed Berita
// Acara back. What is not a PDF, or too large, is refused with a message;
// a PDF without an electronic signature is kept with a warning; a signed
// one is kept. Each kept file's SHA-256 is a leaf of the log, which still
// audits clean; the event's page lists both (the first as replaced), the
// public page states the latest's fingerprint and nothing personal.
func TestSignedBeritaAcaraUpload(t *testing.T) {
	f := newSigningFixture(t, siti)
	officer := f.a.browser(t)
	officer.login(f.officer)
	page := fmt.Sprintf("/admin/events/%d", f.e.ID)
	up := page + "/berita-acara/signed"
	unsigned := wantDownload(t, officer.get(page+"/berita-acara.pdf?date=2024-10-23"), "application/pdf", "berita-acara-")

	for name, body := range map[string][]byte{
		"text":         []byte("bukan pdf"),
		"broken PDF":   []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog"),
		"half the PDF": unsigned[:len(unsigned)/2],
	} {
		p := officer.upload(officer.get(page), up, nil, "file", "ba.pdf", "application/pdf", body)
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Berkas ini bukan PDF yang dapat dibaca.") {
			t.Errorf("%s: status %d, want 400 saying it is not a PDF:\n%.300s", name, p.Status, p.Body)
		}
	}
	huge := append(bytes.Clone(unsigned), bytes.Repeat([]byte("\n%"), 10<<20+1)...)
	if p := officer.upload(officer.get(page), up, nil, "file", "ba.pdf", "application/pdf", huge); p.Status != http.StatusRequestEntityTooLarge ||
		!strings.Contains(p.Body, "Berkas terlalu besar: paling besar 20 MB.") {
		t.Errorf("a 20 MB upload: status %d:\n%.300s", p.Status, p.Body)
	}
	size, err := f.a.db.LogSize(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	p := officer.upload(officer.get(page), up, nil, "file", "ba.pdf", "application/pdf", unsigned)
	wantPage(t, p, http.StatusOK, "PDF ini tidak memuat tanda tangan elektronik.", sha256Hex(unsigned))
	signed := withSignatureDict(t, unsigned)
	p = officer.upload(p, up, nil, "file", "ba-ttd.pdf", "application/pdf", signed)
	wantPage(t, p, http.StatusOK, "Berita Acara bertanda tangan disimpan", sha256Hex(signed), sha256Hex(unsigned), "diganti")
	wantAbsent(t, "the page after a signed upload", p.Body, "PDF ini tidak memuat tanda tangan elektronik.")

	links := regexp.MustCompile(`/admin/events/\d+/documents/\d+`).FindAllString(p.Body, -1)
	if len(links) != 2 {
		t.Fatalf("%d document links, want 2", len(links))
	}
	if got := wantDownload(t, officer.get(links[0]), "application/pdf", "berita-acara-ttd-"); !bytes.Equal(got, signed) {
		t.Error("the newest document downloads other bytes than were uploaded")
	}
	if got := wantDownload(t, officer.get(links[1]), "application/pdf", "berita-acara-ttd-"); !bytes.Equal(got, unsigned) {
		t.Error("the replaced document downloads other bytes than were uploaded")
	}
	medan := f.a.mustOrg(t, "Pemerintah Kota Medan", registry.OrgCity, "12.71")
	stranger := f.a.browser(t)
	stranger.login(f.a.mustUser(t, "bkpsdm@medan.test", registry.RoleAdmin, medan.ID))
	if p := stranger.get(links[0]); p.Status != http.StatusNotFound {
		t.Errorf("another tenant's download: status %d", p.Status)
	}
	viewer := f.a.browser(t)
	viewer.login(f.a.mustUser(t, "peninjau@deliserdang.test", registry.RoleViewer, f.officer.OrgID))
	vtok := viewer.csrf(viewer.get("/admin"))
	if p := viewer.postMultipart(up, url.Values{"_csrf": {vtok}}, "file", "ba.pdf", "application/pdf", signed); p.Status != http.StatusForbidden {
		t.Errorf("a viewer's upload: status %d", p.Status)
	}

	// Two leaves, one per kept file, each recomputed from its row.
	if got, _ := f.a.db.LogSize(t.Context()); got != size+2 {
		t.Fatalf("log size %d after two uploads, want %d", got, size+2)
	}
	recs, err := f.a.db.LeafEntries(t.Context(), 0, size+2)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	leaves := make([]tlog.Hash, len(recs))
	for i, e := range recs {
		leaves[i] = e.Hash()
		if e.Kind == translog.KindDocument {
			if e.EventID != f.e.ID || e.Purpose != "berita-acara" {
				t.Errorf("document leaf %s", e.Encode())
			}
			docs = append(docs, e.PDFHash)
		}
	}
	if len(docs) != 2 || docs[0] != sha256Hex(unsigned) || docs[1] != sha256Hex(signed) {
		t.Errorf("document leaves log %v", docs)
	}
	report, err := translog.Audit(leaves, f.a.db.HashReader(t.Context()), int64(len(leaves)), nil)
	if err != nil || !report.OK() {
		t.Fatalf("audit: %v %v", err, report.Findings)
	}

	pub := f.a.browser(t).get(strings.TrimPrefix(f.e.URL, f.a.URL))
	wantPage(t, pub, http.StatusOK, "Ditandatangani secara elektronik", sha256Hex(signed))
	wantAbsent(t, "the public event page", pub.Body, f.officer.Name, "/documents/")

	entries, err := f.a.db.Audit(t.Context(), "/", 500)
	if err != nil {
		t.Fatal(err)
	}
	if !hasAction(entries, "event.berita_acara_signed") {
		t.Error("no event.berita_acara_signed in the audit trail")
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
