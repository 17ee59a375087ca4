package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/pdftest"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// qrText is what the registry puts in a certificate's QR code, as
// internal/issuance's QRText makes it: a v2 claim for the base URL's host.
func (r *trustRegistry) qrText(t *testing.T, sig registry.Signature, baseURL string) string {
	t.Helper()
	host, err := translog.ClaimHost(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	token, err := leaf.SignClaim(r.a.keys, host, sig)
	if err != nil {
		t.Fatal(err)
	}
	c, err := translog.ClaimFromToken(host, sig.Code, token)
	if err != nil {
		t.Fatal(err)
	}
	scheme, _, _ := strings.Cut(baseURL, "://")
	return translog.FormatQRV2(scheme, c)
}

// qrTextV1 is the QR of a certificate issued before claims were v2.
func (r *trustRegistry) qrTextV1(t *testing.T, sig registry.Signature, baseURL string) string {
	t.Helper()
	claim := leaf.Claim(sig)
	token, err := r.a.keys.SignClaim(claim)
	if err != nil {
		t.Fatal(err)
	}
	return translog.FormatQR(baseURL, claim, token)
}

// renderPDF renders and signs a record's certificate as internal/issuance's
// RenderSigned does, so it is byte for byte the PDF the registry
// issues.
func (r *trustRegistry) renderPDF(t *testing.T, sig registry.Signature, baseURL string) []byte {
	t.Helper()
	signer, err := r.a.keys.DocumentSigner()
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := certificate.SignPDF(r.renderCertificate(t, sig, baseURL, true), sig.Code, signer)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// renderUnsignedPDF renders a record's certificate without signing it
// over its bytes, as certificates were issued before they were signed,
// and as anyone with the renderer can.
func (r *trustRegistry) renderUnsignedPDF(t *testing.T, sig registry.Signature, baseURL string) []byte {
	t.Helper()
	return r.renderCertificate(t, sig, baseURL, false)
}

// renderCertificate renders a record's certificate unsigned, in the
// official layout with the organization's letterhead as the registry
// issues it now, or in the plain layout of earlier issues.
func (r *trustRegistry) renderCertificate(t *testing.T, sig registry.Signature, baseURL string, official bool) []byte {
	t.Helper()
	ctx := t.Context()
	ev, err := r.a.db.Event(ctx, sig.EventID)
	if err != nil {
		t.Fatal(err)
	}
	org, err := r.a.db.Organization(ctx, ev.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	pledge, err := r.a.db.Pledge(ctx, ev.PledgeID)
	if err != nil {
		t.Fatal(err)
	}
	c := certificate.Certificate{Signature: sig, Event: ev, Org: org, Pledge: pledge,
		QRText: r.qrText(t, sig, baseURL), VerifyURL: baseURL + "/v"}
	if official {
		c.Layout, c.Kop.Name = certificate.LayoutOfficial, org.Name
		if org.ParentID != 0 {
			parent, err := r.a.db.Organization(ctx, org.ParentID)
			if err != nil {
				t.Fatal(err)
			}
			c.Kop.Parent = parent.Name
		}
		if c.Kop.Logo, _, err = r.a.db.OrgLogo(ctx, org.Path); err != nil {
			t.Fatal(err)
		}
	}
	pdf, err := mustCertRenderer(t).Render(c)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

func writeTrustFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// flipToken changes one character in the middle of a QR text's signature:
// the &s= token of a v1 QR, the signature part of a v2 claim.
func flipToken(t *testing.T, qr string) string {
	t.Helper()
	i := strings.Index(qr, "&s=")
	if i >= 0 {
		i += len("&s=") + 30
	} else if i = strings.LastIndex(qr, "/"); len(qr)-i-1 == translog.ClaimV2Len {
		i += 1 + 100
	} else {
		t.Fatalf("no token in %q", qr)
	}
	c := byte('A')
	if qr[i] == 'A' {
		c = 'B'
	}
	return qr[:i] + string(c) + qr[i+1:]
}

// incrementalUpdate appends a revision to a PDF, as an editor saving a
// change in place would.
func incrementalUpdate(pdf []byte) []byte {
	update := fmt.Sprintf("\n99 0 obj\n<< /Type /Annot /Subtype /FreeText /Contents (Nama diganti) >>\nendobj\n"+
		"xref\n99 1\n%010d 00000 n \ntrailer\n<< /Size 100 >>\nstartxref\n%d\n%%%%EOF\n", len(pdf)+1, len(pdf)+80)
	return append(bytes.Clone(pdf), update...)
}

// verifyCase is a run of ikrar verify: its arguments, the exit code and
// what the output must say.
type verifyCase struct {
	name string
	args []string
	code int
	want []string
}

// runVerifyCases runs each case; no output may contain any of absent.
func runVerifyCases(t *testing.T, cases []verifyCase, absent ...string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			code, out := runTrust(t, append([]string{"verify"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, a := range absent {
				if strings.Contains(out, a) {
					t.Errorf("output says %q:\n%s", a, out)
				}
			}
		})
	}
}

func TestVerify(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	valid, revoked := r.sigs[0], r.sigs[1]

	validPDF := writeTrustFile(t, "valid.pdf", r.renderPDF(t, valid, base))
	revokedPDF := writeTrustFile(t, "revoked.pdf", r.renderPDF(t, revoked, base))
	alteredPDF := writeTrustFile(t, "altered.pdf", incrementalUpdate(readTrustFile(t, validPDF)))
	// Rendered anew with another name but the genuine QR: without the
	// registry's key it cannot be signed, so offline it is refused as
	// unsigned; online the registry knows it is not the PDF it issued.
	renamed := valid
	renamed.Name = "Orang Lain, S.H."
	renamedPDF := writeTrustFile(t, "renamed.pdf", r.renderUnsignedPDF(t, renamed, base))
	notCertificate := writeTrustFile(t, "other.pdf", []byte("%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"))

	qr := r.qrText(t, valid, base)
	unknown := valid
	unknown.Code = "TIDAKADA0000"
	qrUnknown := r.qrText(t, unknown, base)
	// The claim's first characters are its signing time.
	claimAt := strings.LastIndex(qr, "/") + 1
	qrEdited := qr[:claimAt] + "AA" + qr[claimAt+2:]
	if qrEdited == qr {
		t.Fatal("could not edit the signing time in the QR text")
	}
	host, _ := translog.ClaimHost(base)
	lookalike := strings.Replace(qr, strings.ToUpper(host), "IKRAR.EXAMPLE-GO.ID", 1)
	// Signed by the registry's key, but for a leaf the record does not have:
	// offline it passes, online the registry's leaf tells.
	wrongLeaf, err := r.a.keys.SignClaimV2(host, valid.Code, valid.SignedAt, tlog.Hash{1})
	if err != nil {
		t.Fatal(err)
	}
	qrWrongLeaf := translog.FormatQRV2("http", wrongLeaf)
	qrV1 := r.qrTextV1(t, valid, base)
	qrV1Edited := strings.Replace(qrV1, fmt.Sprintf("&t=%d", valid.SignedAt.UnixMilli()), fmt.Sprintf("&t=%d", valid.SignedAt.UnixMilli()-3600_000), 1)
	otherKeys, err := translog.LoadOrCreateKeyring(t.TempDir(), trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	otherKeyFile := writeTrustFile(t, "other.keys", []byte(strings.Join(otherKeys.VerifierKeys(), "\n")+"\n"))
	down := "http://127.0.0.1:1"

	runVerifyCases(t, []verifyCase{
		{"PDF offline", []string{validPDF, "--key", keyFile}, 0, []string{"SAH / VALID: tanda tangan registri " + trustOrigin + " untuk alamat " + host + " cocok (kunci " + trustOrigin + "+",
			"QR TERCETAK / PRINTED QR: sama", "PDF UTUH / PDF INTACT: tanda tangan PDF cocok", "registry " + trustOrigin + ")",
			"pemeriksaan luring tidak melihat pencabutan", "HASIL / RESULT: SAH / VALID"}},
		{"flags before the file", []string{"--key", keyFile, validPDF}, 0, []string{"HASIL / RESULT: SAH / VALID"}},
		{"QR offline", []string{"--qr", qr, "--key", keyFile}, 0, []string{"Sertifikat / Certificate:   " + valid.Code,
			"Registri / Registry:        " + trustOrigin, "Alamat / Host:              " + host, "HASIL / RESULT: SAH / VALID"}},
		{"QR typed in lower case", []string{"--qr", strings.ToLower(qr), "--key", keyFile}, 0, []string{"HASIL / RESULT: SAH / VALID"}},
		{"flipped byte in the signature", []string{"--qr", flipToken(t, qr), "--key", keyFile}, 1,
			[]string{"HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE", "no key in the key file signed this claim for host " + host}},
		{"edited signing time", []string{"--qr", qrEdited, "--key", keyFile}, 1, []string{"HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE"}},
		{"genuine QR, look-alike host", []string{"--qr", lookalike, "--key", keyFile}, 1, []string{
			"Alamat / Host:              ikrar.example-go.id", "HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE"}},
		{"v1 QR offline", []string{"--qr", qrV1, "--key", keyFile}, 0, []string{"Acara / Event:", "Registri / Registry:        " + trustOrigin,
			"does not bind the registry's host", "HASIL / RESULT: SAH / VALID"}},
		{"v1 QR, flipped byte", []string{"--qr", flipToken(t, qrV1), "--key", keyFile}, 1,
			[]string{"HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE", "tidak cocok dengan isi sertifikat"}},
		{"v1 QR, edited signing time", []string{"--qr", qrV1Edited, "--key", keyFile}, 1, []string{"HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE"}},
		{"QR for another leaf, online", []string{"--qr", qrWrongLeaf, "--key", keyFile, "--online", base}, 1, []string{
			"SAH / VALID: tanda tangan", "HASIL / RESULT: DATA BERBEDA / DATA MISMATCH", "log leaf differs"}},
		{"v1 QR online", []string{"--qr", qrV1, "--key", keyFile, "--online", base}, 0, []string{"BERLAKU / NOT REVOKED", "HASIL / RESULT: SAH / VALID"}},
		{"another registry's key", []string{validPDF, "--key", otherKeyFile}, 1,
			[]string{"HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE", "no key in the key file"}},
		{"v1 QR, another registry's key", []string{"--qr", qrV1, "--key", otherKeyFile}, 1,
			[]string{"HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE", "not in the key file"}},
		{"incremental update", []string{alteredPDF, "--key", keyFile}, 1, []string{"SAH / VALID: tanda tangan", "HASIL / RESULT: PDF DIUBAH / ALTERED PDF"}},
		{"no ikrar QR", []string{notCertificate, "--key", keyFile}, 1, []string{"HASIL / RESULT: BUKAN SERTIFIKAT IKRAR / NOT AN IKRAR CERTIFICATE"}},
		{"not a certificate QR", []string{"--qr", "https://example.com/", "--key", keyFile}, 1, []string{"HASIL / RESULT: QR TIDAK DIKENALI / UNRECOGNISED QR"}},
		{"revoked, offline", []string{revokedPDF, "--key", keyFile}, 0, []string{"HASIL / RESULT: SAH / VALID"}},

		{"PDF online", []string{validPDF, "--key", keyFile, "--online", base + "/"}, 0, []string{"BERLAKU / NOT REVOKED",
			"TERCATAT / LOGGED", "PDF ASLI / ORIGINAL PDF", "HASIL / RESULT: SAH / VALID"}},
		{"QR online", []string{"--qr", qr, "--key", keyFile, "--online", base}, 0, []string{"BERLAKU / NOT REVOKED", "HASIL / RESULT: SAH / VALID"}},
		{"revoked, online", []string{revokedPDF, "--key", keyFile, "--online", base}, 1, []string{
			"DICABUT / REVOKED: dicabut pada / revoked on " + revoked.Revocation.RevokedAt.UTC().Format("2006-01-02 15:04 MST") + ": Ditandatangani orang lain",
			"HASIL / RESULT: DICABUT / REVOKED"}},
		{"unknown code, online", []string{"--qr", qrUnknown, "--key", keyFile, "--online", base}, 1, []string{
			"SAH / VALID: tanda tangan", "HASIL / RESULT: TIDAK DITEMUKAN / NOT FOUND"}},
		{"re-rendered PDF, offline", []string{renamedPDF, "--key", keyFile}, 1, []string{"QR TERCETAK / PRINTED QR: sama",
			"HASIL / RESULT: PDF TANPA TANDA TANGAN / UNSIGNED PDF", "no embedded signature: check online"}},
		{"re-rendered PDF, online", []string{renamedPDF, "--key", keyFile, "--online", base}, 1, []string{
			"no embedded signature (an earlier issue); compared online", "BERLAKU / NOT REVOKED", "HASIL / RESULT: PDF DIUBAH / ALTERED PDF"}},
		{"registry down", []string{validPDF, "--key", keyFile, "--online", down}, 1, []string{
			"HASIL / RESULT: TIDAK DAPAT DIPERIKSA DARING / COULD NOT CHECK ONLINE"}},

		{"no key", []string{validPDF}, 2, nil},
		{"no certificate", []string{"--key", keyFile}, 2, nil},
		{"PDF and QR", []string{validPDF, "--qr", qr, "--key", keyFile}, 2, nil},
		{"two PDFs", []string{validPDF, revokedPDF, "--key", keyFile}, 2, nil},
		{"missing key file", []string{validPDF, "--key", filepath.Join(t.TempDir(), "none")}, 2, nil},
		{"key file without keys", []string{validPDF, "--key", validPDF}, 2, nil},
		{"missing PDF", []string{filepath.Join(t.TempDir(), "none.pdf"), "--key", keyFile}, 2, nil},
		{"online URL with a path to a page", []string{validPDF, "--key", keyFile, "--online", base + "/v?code=X"}, 2, nil},
		{"online URL not http", []string{validPDF, "--key", keyFile, "--online", "ikrar.example.go.id"}, 2, nil},
	})

	// A stored hash on the record's proof path edited behind the running
	// registry: the inclusion proof it serves no longer checks.
	tamperDB(t, r.dir, func(exec func(string, ...any) sql.Result) {
		exec(`UPDATE log_hashes SET hash = randomblob(32) WHERE idx = ?`, tlog.StoredHashIndex(0, 1))
	})
	code, out := runTrust(t, "verify", validPDF, "--key", keyFile, "--online", base)
	if code != 1 || !strings.Contains(out, "HASIL / RESULT: TIDAK SAH / NOT VALID (inclusion)") ||
		!strings.Contains(out, "LOG TIDAK COCOK / NOT PROVED IN LOG: bukti inklusi gagal") {
		t.Errorf("record whose inclusion proof fails: exit %d\n%s", code, out)
	}
}

// After a key rotation old certificates keep verifying with the published
// keys, new ones are signed with the new key, and old checkpoints still
// pass the audit.
func TestKeyRotate(t *testing.T) {
	r := seededTrustRegistry(t)
	const base = "https://ikrar.example.go.id"
	oldQR := r.qrText(t, r.sigs[0], base)
	oldKeyFile := writeKeyFile(t, r.dir)
	r.close()

	code, out := runTrust(t, "key", "rotate", "--data", r.dir)
	if code != 0 || !strings.Contains(out, trustOrigin+"+") || !strings.Contains(out, "2 verifier key(s)") {
		t.Fatalf("key rotate: exit %d\n%s", code, out)
	}
	if b, err := os.ReadFile(filepath.Join(r.dir, "keys", "signer-2.key")); err != nil || strings.Contains(out, strings.TrimSpace(string(b))) {
		t.Fatalf("the new private key was printed, or is missing: %v", err)
	}
	keyFile := writeKeyFile(t, r.dir)
	keys := strings.Fields(string(readTrustFile(t, keyFile)))
	if len(keys) != 2 || !strings.Contains(out, keys[1]) {
		t.Fatalf("published keys after rotation %q; rotate printed\n%s", keys, out)
	}

	r2 := &trustRegistry{dir: r.dir}
	var err error
	if r2.a, err = openApp(t.Context(), r.dir, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r2.close)
	r2.event, r2.emps, r2.next = r.event, r.emps, r.next
	newSig := r2.sign(t)
	newQR := r2.qrText(t, newSig, base)
	r2.checkpoint(t)
	r2.close()

	for _, tt := range []struct {
		name, qr, keys string
		code           int
		want           string
	}{
		{"old certificate, both keys", oldQR, keyFile, 0, "(kunci " + translog.KeyID(keys[0]) + ")"},
		{"new certificate, both keys", newQR, keyFile, 0, "(kunci " + translog.KeyID(keys[1]) + ")"},
		{"old certificate, old key", oldQR, oldKeyFile, 0, "HASIL / RESULT: SAH / VALID"},
		{"new certificate, old key only", newQR, oldKeyFile, 1, "HASIL / RESULT: TANDA TANGAN TIDAK SAH / INVALID SIGNATURE"},
	} {
		code, out := runTrust(t, "verify", "--qr", tt.qr, "--key", tt.keys)
		if code != tt.code || !strings.Contains(out, tt.want) {
			t.Errorf("%s: exit %d, want %d and %q\n%s", tt.name, code, tt.code, tt.want, out)
		}
	}
	if code, out := runTrust(t, "audit", "--data", r.dir); code != 0 || !strings.Contains(out, "3 kept, 3 verified with 2 key(s)") {
		t.Errorf("audit after rotation: exit %d\n%s", code, out)
	}
}

// The QR code printed on a real certificate, read back from the rendered
// page image, verifies offline; one flipped byte does not.
func TestVerifyQRFromPageImage(t *testing.T) {
	needTool(t, "pdftoppm", "poppler-utils")
	r := seededTrustRegistry(t)
	const base = "https://ikrar.deliserdangkab.go.id"
	sig := r.sigs[2]
	rendered := r.renderPDF(t, sig, base)
	pdf := writeTrustFile(t, "sertifikat.pdf", rendered)
	keyFile := writeKeyFile(t, r.dir)
	qr := pdftest.DecodeQR(t, pdftest.Page(t, rendered, 1))
	if want := r.qrText(t, sig, base); qr != want {
		t.Fatalf("QR on the page = %q, want %q", qr, want)
	}
	if code, out := runTrust(t, "verify", "--qr", qr, "--key", keyFile); code != 0 || !strings.Contains(out, "HASIL / RESULT: SAH / VALID") {
		t.Errorf("QR from the page: exit %d\n%s", code, out)
	}
	if code, out := runTrust(t, "verify", "--qr", flipToken(t, qr), "--key", keyFile); code != 1 || !strings.Contains(out, "INVALID SIGNATURE") {
		t.Errorf("QR from the page with a flipped byte: exit %d\n%s", code, out)
	}
	if code, out := runTrust(t, "verify", pdf, "--key", keyFile); code != 0 {
		t.Errorf("the PDF itself: exit %d\n%s", code, out)
	}
}

// A signed revocation list kept from the registry checks revocation
// offline; a list the key file's keys did not sign is refused.
func TestVerifyRevocationsOffline(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	valid, revoked := r.sigs[0], r.sigs[1]
	_, list := httpGet(t, base+"/api/v1/log/revocations")
	listFile := writeTrustFile(t, "ikrar.revocations", list)
	revokedPDF := writeTrustFile(t, "revoked.pdf", r.renderPDF(t, revoked, base))
	qr, qrRevoked := r.qrText(t, valid, base), r.qrText(t, revoked, base)

	// The same list text, signed by another registry's key of the same name.
	otherKeys, err := translog.LoadOrCreateKeyring(t.TempDir(), trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	l, err := translog.ParseRevocationList(strings.SplitN(string(list), "\n\n", 2)[0] + "\n")
	if err != nil {
		t.Fatal(err)
	}
	forged, err := otherKeys.SignRevocationList(l)
	if err != nil {
		t.Fatal(err)
	}
	forgedFile := writeTrustFile(t, "forged.revocations", forged)
	// The revoked code taken out of the genuine list.
	cut := writeTrustFile(t, "cut.revocations", []byte(strings.Replace(string(list), revoked.Code+"\n", "", 1)))
	_, cp := httpGet(t, base+"/api/v1/log/checkpoint")
	checkpointFile := writeTrustFile(t, "checkpoint", cp)

	asOf := "per checkpoint 8, 1 dicabut / as of checkpoint 8, 1 revoked"
	runVerifyCases(t, []verifyCase{
		{"revoked PDF", []string{revokedPDF, "--key", keyFile, "--revocations", listFile}, 1, []string{asOf,
			"DICABUT / REVOKED: tercantum dalam daftar pencabutan bertanda tangan per checkpoint 8 / listed in the signed revocation list as of checkpoint 8",
			"HASIL / RESULT: DICABUT / REVOKED"}},
		{"revoked QR", []string{"--qr", qrRevoked, "--revocations", listFile, "--key", keyFile}, 1, []string{"HASIL / RESULT: DICABUT / REVOKED"}},
		{"valid QR", []string{"--qr", qr, "--key", keyFile, "--revocations", listFile}, 0, []string{asOf,
			"NOT LISTED AS REVOKED: tidak ada dalam daftar pencabutan bertanda tangan per checkpoint 8", "later revocations are not seen", "HASIL / RESULT: SAH / VALID"}},
		{"list signed by another key", []string{"--qr", qr, "--key", keyFile, "--revocations", forgedFile}, 1, []string{
			"HASIL / RESULT: DAFTAR PENCABUTAN DITOLAK / REVOCATION LIST REFUSED", "not signed by a key in the key file"}},
		{"code cut from the list", []string{"--qr", qrRevoked, "--key", keyFile, "--revocations", cut}, 1, []string{
			"HASIL / RESULT: DAFTAR PENCABUTAN DITOLAK / REVOCATION LIST REFUSED"}},
		{"a checkpoint is not a list", []string{"--qr", qr, "--key", keyFile, "--revocations", checkpointFile}, 1, []string{
			"HASIL / RESULT: DAFTAR PENCABUTAN DITOLAK / REVOCATION LIST REFUSED", "not a valid ikrar revocation list"}},
		{"with --online too", []string{"--qr", qr, "--key", keyFile, "--revocations", listFile, "--online", base}, 0, []string{
			"NOT LISTED AS REVOKED", "BERLAKU / NOT REVOKED", "HASIL / RESULT: SAH / VALID"}},
		{"missing list", []string{"--qr", qr, "--key", keyFile, "--revocations", filepath.Join(t.TempDir(), "none")}, 2, nil},
	}, "pemeriksaan luring tidak melihat pencabutan")
}

// A revocation row deleted out of band un-revokes the certificate in the
// registry's record; the signed revocation list does not follow, so
// verify --online never says VALID.
func TestVerifyOnlineRevocationDeleted(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	revoked := r.sigs[1]
	// The certificate as issued, its issuance leaf in checkpoint 9.
	issued := r.renderPDF(t, revoked, base)
	sum := sha256.Sum256(issued)
	if ok, err := r.a.db.StorePDF(t.Context(), registry.IssuedPDF{SignatureID: revoked.ID, PDF: issued, SHA256: hex.EncodeToString(sum[:])}); err != nil || !ok {
		t.Fatalf("issue: %v %v", ok, err)
	}
	latest := r.checkpoint(t)
	pdf := writeTrustFile(t, "revoked.pdf", issued)

	code, out := runTrust(t, "verify", pdf, "--key", keyFile, "--online", base)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("also listed in the signed revocation list as of checkpoint %d", latest.Size)) ||
		!strings.Contains(out, "PDF TERCATAT / PDF LOGGED") || !strings.Contains(out, "HASIL / RESULT: DICABUT / REVOKED") {
		t.Fatalf("revoked, before tampering: exit %d\n%s", code, out)
	}

	// A registry that signs a list leaving out a revocation it logged
	// before the list's checkpoint is caught by its own record, and the
	// signed list is the evidence.
	falseList, err := r.a.keys.SignRevocationList(translog.RevocationList{Origin: trustOrigin, Size: latest.Size})
	if err != nil {
		t.Fatal(err)
	}
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/api/v1/log/revocations" {
			w.Write(falseList)
			return
		}
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(liar.Close)
	code, out = runTrust(t, "verify", pdf, "--key", keyFile, "--online", liar.URL)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("the registry's record says revoked by log leaf 6, but its signed revocation list as of checkpoint %d omits it", latest.Size)) {
		t.Errorf("a false signed list: exit %d\n%s", code, out)
	}

	tamperDB(t, r.dir, func(exec func(string, ...any) sql.Result) {
		exec(`DELETE FROM revocations WHERE signature_id = ?`, revoked.ID)
	})
	// The page no longer says valid either: the record contradicts the
	// list its registry signed.
	var cert struct{ Status string }
	if _, b := httpGet(t, base+"/api/v1/certificates/"+revoked.Code); json.Unmarshal(b, &cert) != nil || cert.Status != "invalid" ||
		!strings.Contains(string(b), `"name":"revocation_list","ok":false`) {
		t.Fatalf("the un-revoked record's verdict: %s", b)
	}
	// The running registry signed its list before the row went.
	code, out = runTrust(t, "verify", pdf, "--key", keyFile, "--online", base)
	if code != 1 || strings.Contains(out, "RESULT: SAH / VALID") ||
		!strings.Contains(out, "!!  REGISTRI TIDAK KONSISTEN / REGISTRY CONTRADICTS ITSELF") ||
		!strings.Contains(out, fmt.Sprintf("the signed revocation list as of checkpoint %d lists this certificate as REVOKED, but the registry's record says valid", latest.Size)) {
		t.Errorf("revocation row deleted, list signed before: exit %d\n%s", code, out)
	}

	// A registry started after the deletion, and one whose log has grown
	// since, refuse to sign a list without the revocation.
	fresh := r.serve(t)
	r.sign(t)
	for _, b := range []string{fresh, base} {
		waitCheckpoint(t, b, latest.Size+1)
	}
	for _, b := range []string{fresh, base} {
		if res, err := http.Get(b + "/api/v1/log/revocations"); err != nil || res.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: revocation list with a revocation row deleted: %v, want 500", b, err)
		} else {
			res.Body.Close()
		}
		code, out = runTrust(t, "verify", pdf, "--key", keyFile, "--online", b)
		if code != 1 || strings.Contains(out, "RESULT: SAH / VALID") ||
			!strings.Contains(out, "DAFTAR PENCABUTAN TIDAK DAPAT DIPERIKSA / REVOCATION LIST NOT CHECKED") ||
			!strings.Contains(out, "catatan di basis data tidak lagi sesuai dengan log transparansi") {
			t.Errorf("%s: revocation row deleted, no list: exit %d\n%s", b, code, out)
		}
	}
}

// Online, a record is valid only if every check passes: the registry's
// own checks, each printed, and the leaf recomputed here from the record
// it answers. A record edited in its database, or never logged, fails
// naming the check; a registry that answers an edited record beside an
// unchanged leaf hash is caught here.
func TestVerifyOnlineVerdict(t *testing.T) {
	r := seededTrustRegistry(t)
	base := r.serve(t)
	keyFile := writeKeyFile(t, r.dir)
	qr := func(i int) string { return r.qrText(t, r.sigs[i], base) }
	genuine, revoked, channel, signedAt, unlogged := qr(0), qr(1), qr(2), qr(3), qr(4)

	const valid = "HASIL / RESULT: SAH / VALID"
	runVerifyCases(t, []verifyCase{
		{"genuine", []string{"--qr", genuine, "--key", keyFile, "--online", base}, 0, []string{
			"ok  REGISTRI / REGISTRY checkpoint_signature", "ok  REGISTRI / REGISTRY record", "ok  REGISTRI / REGISTRY leaf", "ok  REGISTRI / REGISTRY inclusion",
			"leaf recomputed here from its bytes", "ok  ISI DAUN / LEAF CONTENTS", "ok  TEKS IKRAR / PLEDGE TEXT", valid}},
		{"revoked", []string{"--qr", revoked, "--key", keyFile, "--online", base}, 1, []string{
			"ok  REGISTRI / REGISTRY revocation", "REVOCATION LOGGED", "HASIL / RESULT: DICABUT / REVOKED"}},
	})
	if code, out := runTrust(t, "verify", "--qr", genuine, "--key", keyFile, "--online", base); code != 0 || strings.Contains(out, "on trust") {
		t.Fatalf("genuine: exit %d\n%s", code, out)
	}

	// A registry that answers another channel for the genuine record, with
	// its leaf hash and checks unchanged.
	liar := editingRegistry(t, base, func(body []byte) []byte {
		return bytes.Replace(body, []byte(`"channel":"event_code"`), []byte(`"channel":"kiosk"`), 1)
	})
	code, out := runTrust(t, "verify", "--qr", genuine, "--key", keyFile, "--online", liar)
	if code != 1 || strings.Contains(out, valid) || !strings.Contains(out, "HASIL / RESULT: ISI DAUN BERBEDA / LEAF CONTENTS DIFFER") ||
		!strings.Contains(out, "[channel]") {
		t.Errorf("a registry answering an edited record beside its leaf: exit %d\n%s", code, out)
	}

	// Edited behind the running registry (its revocation list, which it
	// now refuses to sign, fails too).
	tamperDB(t, r.dir, func(exec func(string, ...any) sql.Result) {
		exec(`UPDATE signatures SET channel = 'kiosk' WHERE id = ?`, r.sigs[2].ID)
		exec(`UPDATE signatures SET signed_at = signed_at + 60000 WHERE id = ?`, r.sigs[3].ID)
		exec(`UPDATE signatures SET leaf_index = -1 WHERE id = ?`, r.sigs[4].ID)
	})
	runVerifyCases(t, []verifyCase{
		// The v2 claim signs the record's leaf, so an edited field shows
		// first as a leaf other than the one the QR signed.
		{"channel edited", []string{"--qr", channel, "--key", keyFile, "--online", base}, 1, []string{
			"!!  TIDAK SAH / NOT VALID (leaf)", "the registry's log leaf differs from the one the QR signed", "HASIL / RESULT: DATA BERBEDA / DATA MISMATCH"}},
		{"signing time edited", []string{"--qr", signedAt, "--key", keyFile, "--online", base}, 1, []string{
			"DATA BERBEDA / DATA MISMATCH", "!!  TIDAK SAH / NOT VALID (leaf)"}},
		{"not in the log", []string{"--qr", unlogged, "--key", keyFile, "--online", base}, 1, []string{
			"!!  TIDAK SAH / NOT VALID (record)", "the record is not in the log", "HASIL / RESULT: TIDAK SAH / NOT VALID (record)"}},
	})
}

// editingRegistry is a registry in front of base that answers its
// certificate API with edit applied to the body and everything else as
// base does: one that shows a record other than the one it logged. It
// returns its base URL.
func editingRegistry(t *testing.T, base string, edit func([]byte) []byte) string {
	t.Helper()
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		res, err := http.Get(base + req.URL.String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		body := b.Bytes()
		if strings.HasPrefix(req.URL.Path, "/api/v1/certificates/") {
			body = edit(body)
		}
		w.Header().Set("Content-Type", res.Header.Get("Content-Type"))
		w.WriteHeader(res.StatusCode)
		w.Write(body)
	}))
	t.Cleanup(liar.Close)
	return liar.URL
}
