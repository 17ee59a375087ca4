package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// storedApp is a server whose memory cache holds nothing, so that every
// re-download reads the store, with an open event and n signers.
func storedApp(t *testing.T, n int) (*testApp, eventJSON, []person) {
	t.Helper()
	a := newTestApp(t, func(o *web.Options) { o.PDFCacheBytes = 1 })
	org, officer := a.mustOfficer(t)
	token := a.mustToken(t, officer)
	people := staff(0, n, "Bagian Umum")
	a.mustImport(t, token, org.ID, rosterCSV(people...))
	e := a.mustEvent(t, token, org.ID, "Deklarasi Netralitas ASN", nil)
	a.mustOpen(t, token, e.ID)
	return a, e, people
}

func mustDownload(t *testing.T, a *testApp, s signJSON) []byte {
	t.Helper()
	r := a.do(t, "GET", s.Certificate.PDFURL, "", "", nil)
	if r.Status != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
		t.Fatalf("download %s: %d %.60q", s.Certificate.Code, r.Status, r.Body)
	}
	return r.Body
}

// checkPDF asks the API whether pdf is the certificate issued for code.
func checkPDF(t *testing.T, a *testApp, code string, pdf []byte) (matches, earlier bool) {
	t.Helper()
	r := a.do(t, "POST", "/api/v1/certificates/"+code+"/pdf", "", "application/pdf", pdf)
	if r.Status != http.StatusOK {
		t.Fatalf("PDF check of %s: %d %s", code, r.Status, r.Body)
	}
	var res struct {
		Matches bool `json:"matches"`
		Earlier bool `json:"earlier_issue"`
	}
	r.decode(t, &res)
	return res.Matches, res.Earlier
}

// wantOriginal drops pdf on the verification page of code, as the
// public does, and wants the verdict "PDF ASLI".
func wantOriginal(t *testing.T, a *testApp, code string, pdf []byte) {
	t.Helper()
	visitor := a.browser(t)
	got := visitor.upload(visitor.get("/v/"+code), "/v/"+code+"/pdf", nil, "pdf", "sertifikat.pdf", "application/pdf", pdf)
	wantPage(t, got, http.StatusOK, "PDF ASLI")
}

// An issued certificate is a record: after a key rotation it downloads
// byte-identical and verifies as the one issued. A certificate first
// downloaded after the rotation carries the QR claim signed when its
// record was made, with the key of that day: nothing is signed again.
func TestIssuedPDFSurvivesKeyRotation(t *testing.T) {
	a, e, people := storedApp(t, 2)
	early := a.mustSign(t, e, people[0])
	late := a.mustSign(t, e, people[1])
	issued := mustDownload(t, a, early)
	oldKeys := a.keys.VerifierKeys()

	if err := a.keys.Rotate(365 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	newKeys := slices.DeleteFunc(a.keys.VerifierKeys(), func(k string) bool { return slices.Contains(oldKeys, k) })
	if len(newKeys) != 1 {
		t.Fatalf("the rotation added %d keys, want 1", len(newKeys))
	}

	again := mustDownload(t, a, early)
	if !bytes.Equal(again, issued) {
		t.Fatal("after a key rotation the certificate downloads as other bytes")
	}
	wantOriginal(t, a, early.Certificate.Code, again)

	pdf := mustDownload(t, a, late)
	wantOriginal(t, a, late.Certificate.Code, pdf)
	qr, err := certificate.QRTextFromPDF(pdf)
	if err != nil {
		t.Fatal(err)
	}
	claim, err := translog.ParseQRV2(qr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := translog.VerifyClaimV2(claim, oldKeys); err != nil {
		t.Errorf("the claim of a record made before the rotation does not verify with the key of that day: %v", err)
	}
	if _, err := translog.VerifyClaimV2(claim, newKeys); err == nil {
		t.Error("the claim of a record made before the rotation was signed again with the new key")
	}
}

// The upgrade stores the certificates issued before certificates were
// stored: one that today's code renders to its recorded fingerprint (its
// claim as signed at issuance) is stored as issued; one that it does not
// (its claim would be signed by a key rotated in since) is marked, still
// verifies until its next download, and is then stored afresh, the
// earlier copy named an earlier issue. A second run finds nothing to do.
func TestStoreIssuedPDFs(t *testing.T) {
	a, e, people := storedApp(t, 3)
	kept, resigned, never := a.mustSign(t, e, people[0]), a.mustSign(t, e, people[1]), a.mustSign(t, e, people[2])
	// Issued by an earlier version: the plain layout, not signed over its
	// bytes.
	keptPDF, resignedPDF := earlierIssue(t, a, kept), earlierIssue(t, a, resigned)

	// The database as an earlier version left it: fingerprints of
	// unsigned PDFs without their bytes, and for one record no claim
	// token either.
	a.exec(t, `DELETE FROM certificate_pdfs`)
	for code, pdf := range map[string][]byte{kept.Certificate.Code: keptPDF, resigned.Certificate.Code: resignedPDF} {
		a.exec(t, `UPDATE signatures SET pdf_hash = ? WHERE code = ?`, hexSHA256(pdf), code)
	}
	a.exec(t, `DELETE FROM issuances`)
	a.exec(t, `UPDATE signatures SET claim_token = '' WHERE code = ?`, resigned.Certificate.Code)
	if err := a.keys.Rotate(365 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	stored, unmatched, err := a.srv.StoreIssuedPDFs(ctx)
	if err != nil || stored != 1 || unmatched != 1 {
		t.Fatalf("upgrade: %d stored, %d unmatched (%v); want 1 and 1", stored, unmatched, err)
	}
	if stored, unmatched, err := a.srv.StoreIssuedPDFs(ctx); err != nil || stored+unmatched != 0 {
		t.Fatalf("second run: %d stored, %d unmatched (%v); want nothing", stored, unmatched, err)
	}
	if n := a.storedPDFs(t, kept.Certificate.Code); n != 1 {
		t.Fatalf("%d certificates stored for the reproduced record, want 1", n)
	}
	if n := a.storedPDFs(t, never.Certificate.Code); n != 0 {
		t.Fatal("the upgrade issued a certificate never downloaded")
	}
	if got := mustDownload(t, a, kept); !bytes.Equal(got, keptPDF) {
		t.Fatal("the stored certificate is not the one issued: a certificate issued unsigned is kept unsigned")
	}

	code := resigned.Certificate.Code
	if matches, _ := checkPDF(t, a, code, resignedPDF); !matches {
		t.Fatal("before its next download, the unmatched record no longer recognises the PDF it issued")
	}
	fresh := mustDownload(t, a, resigned)
	if bytes.Equal(fresh, resignedPDF) {
		t.Fatal("the test cannot fail: the re-issued certificate is the earlier one")
	}
	if qr, err := certificate.QRTextFromPDF(fresh); err != nil || !strings.HasPrefix(qr, "HTTP://") {
		t.Errorf("the re-issued certificate's QR %q (%v): want a v2 claim", qr, err)
	}
	if got := mustDownload(t, a, resigned); !bytes.Equal(got, fresh) {
		t.Fatal("the re-issued certificate is not stored")
	}
	if _, _, err := certificate.VerifyPDF(fresh, a.keys.Verifiers()); err != nil {
		t.Errorf("the re-issued certificate is not signed with the current key: %v", err)
	}
	if matches, earlier := checkPDF(t, a, code, resignedPDF); matches || !earlier {
		t.Errorf("the earlier issue: matches %v, earlier issue %v; want false, true", matches, earlier)
	}
	if matches, earlier := checkPDF(t, a, code, fresh); !matches || earlier {
		t.Errorf("the re-issued certificate: matches %v, earlier issue %v; want true, false", matches, earlier)
	}
	visitor := a.browser(t)
	got := visitor.upload(visitor.get("/v/"+code), "/v/"+code+"/pdf", nil, "pdf", "sertifikat.pdf", "application/pdf", resignedPDF)
	wantPage(t, got, http.StatusOK, "TERBITAN LAMA")
}

// earlierIssue is the certificate an earlier version issued for a record:
// the plain layout, unsigned.
func earlierIssue(t *testing.T, a *testApp, s signJSON) []byte {
	t.Helper()
	pdf, err := web.RenderPlainPDF(context.Background(), a.srv, s.Certificate.Code)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// unsignedPart is a signed certificate without its signature: the bytes
// an earlier version issued for the same record.
func unsignedPart(t *testing.T, a *testApp, pdf []byte) []byte {
	t.Helper()
	sig, _, err := certificate.VerifyPDF(pdf, a.keys.Verifiers())
	if err != nil {
		t.Fatalf("issued certificate: %v", err)
	}
	return pdf[:sig.Signed]
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// A certificate issued with a v1 QR before claim tokens were kept is
// stored as issued by the upgrade: its claim is signed again as v1 (the
// same bytes, with the same key) and drawn where it was, not as a v2 QR.
func TestStoreIssuedV1Certificate(t *testing.T) {
	a, e, people := storedApp(t, 1)
	s := a.mustSign(t, e, people[0])
	ctx := context.Background()
	sig, err := a.db.SignatureByCode(ctx, s.Certificate.Code)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := a.db.Event(ctx, sig.EventID)
	if err != nil {
		t.Fatal(err)
	}
	org, err := a.db.Organization(ctx, ev.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	pledge, err := a.db.Pledge(ctx, ev.PledgeID)
	if err != nil {
		t.Fatal(err)
	}
	claim := leaf.Claim(sig)
	token, err := a.keys.SignClaim(claim)
	if err != nil {
		t.Fatal(err)
	}
	r, err := certificate.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	issued, err := r.Render(certificate.Certificate{Signature: sig, Event: ev, Org: org, Pledge: pledge,
		QRText: translog.FormatQR(a.URL, claim, token), VerifyURL: a.URL + "/v"})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(issued)
	a.exec(t, `UPDATE signatures SET claim_token = '', pdf_hash = ? WHERE code = ?`, hex.EncodeToString(sum[:]), sig.Code)

	stored, unmatched, err := a.srv.StoreIssuedPDFs(ctx)
	if err != nil || stored != 1 || unmatched != 0 {
		t.Fatalf("upgrade: %d stored, %d unmatched (%v); want 1 and 0", stored, unmatched, err)
	}
	if got := mustDownload(t, a, s); !bytes.Equal(got, issued) {
		t.Fatal("the stored certificate is not the v1 certificate issued")
	}
}
