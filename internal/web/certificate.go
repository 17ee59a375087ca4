package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// record is a signature with everything its pages and PDF show.
type record struct {
	Sig    registry.Signature
	Event  registry.Event
	Org    registry.Organization
	Pledge registry.PledgeVersion
	// noInk: Sig was read without its signature ink (registry.Service.Lookup).
	noInk bool
}

func (s *Server) loadRecord(ctx context.Context, sig registry.Signature) (record, error) {
	r := record{Sig: sig}
	var err error
	if r.Event, err = s.store.Event(ctx, sig.EventID); err != nil {
		return r, fmt.Errorf("record %s event: %w", sig.Code, err)
	}
	if r.Org, err = s.store.Organization(ctx, r.Event.OrgID); err != nil {
		return r, fmt.Errorf("record %s organization: %w", sig.Code, err)
	}
	if r.Pledge, err = s.store.Pledge(ctx, r.Event.PledgeID); err != nil {
		return r, fmt.Errorf("record %s pledge: %w", sig.Code, err)
	}
	if sig.LeafVersion >= 2 {
		// What the record's leaf commits to is what its pages and PDF
		// show, not the event as edited since.
		r.Event.Title, r.Event.Place, r.Event.StartsAt = sig.EventTitle, sig.EventPlace, sig.EventStarts
		r.Org.Name = sig.EventOrg
	}
	if sig.Erased() {
		// Kept for the issuance leaf (sig.Issuance), never shown: it would
		// confirm a copy of the erased certificate.
		r.Sig.PDFHash = ""
	}
	return r, nil
}

func (s *Server) verifyURL(code string) string { return s.opt.BaseURL + "/v/" + code }

// issuePDF returns a record's certificate as issued, with its
// fingerprint: from memory, from the store, or — the first time — rendered
// and stored, bytes and fingerprint in one commit. Once stored, the stored
// bytes are the certificate: nothing renders it again, so neither a key
// rotation nor another toolchain changes it.
func (s *Server) issuePDF(ctx context.Context, r record) ([]byte, string, error) {
	pdf, hash, ok, err := s.storedPDF(ctx, r)
	if err != nil || ok {
		return pdf, hash, err
	}
	if err := s.pdfRoom(); err != nil {
		return nil, "", err
	}
	if r.noInk {
		sig, err := s.svc.Certificate(ctx, r.Sig.Code)
		if err != nil {
			return nil, "", err
		}
		r.Sig, r.noInk = sig, false
	}
	p, err := s.renderSignedPDF(ctx, r)
	if err != nil {
		return nil, "", err
	}
	stored, err := s.store.StorePDF(ctx, p)
	if err != nil {
		return nil, "", fmt.Errorf("store certificate %s: %w", r.Sig.Code, err)
	}
	if !stored {
		// Stored by a download at the same moment, or erased since: what
		// the store holds (if anything) is the certificate.
		r.noInk = true
		if pdf, hash, ok, err = s.storedPDF(ctx, r); err != nil || ok {
			return pdf, hash, err
		}
		s.pdfs.drop(r.Sig.Code)
		return nil, "", errErased()
	}
	s.opt.Metrics.PDFStored(len(p.PDF))
	s.pdfs.put(r.Sig.Code, p.PDF, p.SHA256)
	return p.PDF, p.SHA256, nil
}

// storedPDF returns a record's stored certificate and its SHA-256, from
// memory or from the store; ok is false if none is stored yet.
func (s *Server) storedPDF(ctx context.Context, r record) (pdf []byte, hash string, ok bool, err error) {
	if r.Sig.Erased() {
		s.pdfs.drop(r.Sig.Code)
		return nil, "", false, errErased()
	}
	if pdf, hash, ok := s.pdfs.get(r.Sig.Code); ok {
		return pdf, hash, true, nil
	}
	pdf, err = s.store.IssuedPDF(ctx, r.Sig.ID)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("read certificate %s: %w", r.Sig.Code, err)
	}
	hash = sha256Hex(pdf)
	s.pdfs.put(r.Sig.Code, pdf, hash)
	return pdf, hash, true, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func errErased() error {
	return registry.Errorf(registry.EGONE, "Data pribadi pada sertifikat ini telah dihapus atas permintaan yang sah; PDF-nya tidak lagi tersedia. Catatan ikrar tetap dapat diverifikasi.")
}

// renderPDF renders a record's certificate with the QR claim signed for
// it (signing it now if the record has none yet), in the layout given
// (with kop, its letterhead, for the official one); it stores nothing.
// Only a certificate not yet stored is rendered. The PDF it returns is not
// signed over its bytes: that is how certificates issued before PDFs were
// signed look, which StoreIssuedPDFs reproduces; an issue signs it
// (renderSignedPDF).
func (s *Server) renderPDF(r record, layout certificate.Layout, kop certificate.Kop) (registry.IssuedPDF, error) {
	if r.Sig.Erased() {
		return registry.IssuedPDF{}, errErased()
	}
	if r.noInk {
		return registry.IssuedPDF{}, fmt.Errorf("render certificate %s: record read without its signature", r.Sig.Code)
	}
	qr, token, err := s.qrText(r.Sig)
	if err != nil {
		return registry.IssuedPDF{}, err
	}
	var pdf []byte
	start := time.Now()
	err = s.heavy.do(context.Background(), func() (err error) {
		pdf, err = s.certs.Render(certificate.Certificate{
			Signature: r.Sig, Event: r.Event, Org: r.Org, Pledge: r.Pledge,
			QRText: qr, VerifyURL: s.opt.BaseURL + "/v", Layout: layout, Kop: kop,
		})
		return err
	})
	s.opt.Metrics.PDFRendered(time.Since(start), err)
	if err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("render certificate %s: %w", r.Sig.Code, err)
	}
	return registry.IssuedPDF{SignatureID: r.Sig.ID, PDF: pdf, SHA256: sha256Hex(pdf), ClaimToken: token}, nil
}

// renderSignedPDF renders a record's certificate for issue: as renderPDF
// does, then signed over its own bytes with the registry's current key,
// which must be inside its validity window (docs/FORMATS.md §6), so that
// `ikrar verify` can tell any change to the file with no network. The
// signed bytes are the certificate; their SHA-256 is its fingerprint. A
// stored certificate is never signed again. A certificate issued now has
// the official layout, with the organization's letterhead as it is now.
func (s *Server) renderSignedPDF(ctx context.Context, r record) (registry.IssuedPDF, error) {
	kop, err := s.kop(ctx, r.Org)
	if err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("render certificate %s: %w", r.Sig.Code, err)
	}
	p, err := s.renderPDF(r, certificate.LayoutOfficial, *kop)
	if err != nil {
		return p, err
	}
	signer, err := s.tl.Keys.DocumentSigner()
	if err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("sign certificate %s: %w", r.Sig.Code, err)
	}
	if p.PDF, err = certificate.SignPDF(p.PDF, r.Sig.Code, signer); err != nil {
		return registry.IssuedPDF{}, fmt.Errorf("sign certificate %s: %w", r.Sig.Code, err)
	}
	p.SHA256 = sha256Hex(p.PDF)
	return p, nil
}

// certificatePage is the signer's success page, reached right after signing
// and again whenever they identify for an event they already signed.
func (s *Server) certificatePage(c *echo.Context) error {
	r, err := s.downloadRecord(c)
	if err != nil {
		return err
	}
	sig := r.Sig
	// What the signer shares is the public verification page, never this
	// page's link, whose key downloads the PDF (docs/TRUST.md).
	share := s.verifyURL(sig.Code)
	text := s.lang(c).Sprintf("Sertifikat ikrar netralitas saya untuk %s dapat diperiksa di %s", r.Event.Title, share)
	// %20, not "+": WhatsApp's documented encoding for a space.
	wa := "https://wa.me/?text=" + strings.ReplaceAll(url.QueryEscape(text), "+", "%20")
	return s.render(c, http.StatusOK, "certificate", map[string]any{
		"Title": "Ikrar Anda tercatat", "R": r, "PDFURL": s.pdfPath(sig.Code), "VerifyURL": share, "WhatsAppURL": wa,
		"DataURL": "/c/" + sig.Code + "/data?k=" + s.downloadKey(sig.Code),
	})
}

// downloadRecord loads the record of a signer's private certificate page
// or PDF, checking the link's key or the device's cookie. The record is read without its
// signature ink, which only a render needs (issuePDF reads it then).
func (s *Server) downloadRecord(c *echo.Context) (record, error) {
	sig, err := s.checkAccess(c)
	if err != nil {
		return record{}, err
	}
	r, err := s.loadRecord(c.Request().Context(), sig)
	r.noInk = true
	return r, err
}

func (s *Server) certificatePDF(c *echo.Context) error {
	r, err := s.downloadRecord(c)
	if err != nil {
		return err
	}
	sig := r.Sig
	// The PDF is stored once issued: its fingerprint is its ETag, and a
	// client that has it is answered without reading it.
	if r.Sig.PDFHash != "" && !r.Sig.Erased() {
		etag := `"` + r.Sig.PDFHash + `"`
		c.Response().Header().Set("ETag", etag)
		if c.Request().Header.Get("If-None-Match") == etag {
			c.Response().Header().Set(echo.HeaderCacheControl, "private, max-age=86400")
			return c.NoContent(http.StatusNotModified)
		}
	}
	pdf, _, err := s.issuePDF(c.Request().Context(), r)
	if err != nil {
		return err
	}
	name := "sertifikat-ikrar-" + strings.ToLower(sig.Code) + ".pdf"
	h := c.Response().Header()
	h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	h.Set(echo.HeaderCacheControl, "private, max-age=86400")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

func (s *Server) home(c *echo.Context) error {
	return s.render(c, http.StatusOK, "home", map[string]any{"Title": "Registri Ikrar Netralitas ASN"})
}

func (s *Server) verifyForm(c *echo.Context) error {
	if code := c.QueryParam("code"); code != "" {
		if norm := registry.NormalizeCode(code, registry.CertificateCodeLen); norm != "" {
			return c.Redirect(http.StatusSeeOther, "/v/"+norm)
		}
		return s.render(c, http.StatusOK, "verify_form", map[string]any{"Title": "Periksa sertifikat",
			"Error": "Kode sertifikat terdiri dari 12 huruf dan angka, misalnya K7M4-QX2P-9ABC.", "Code": code})
	}
	return s.render(c, http.StatusOK, "verify_form", map[string]any{"Title": "Periksa sertifikat"})
}

// verifyPage is what a certificate's QR opens: a verdict anyone can read.
// A v2 QR opens /V/<code>/<claim> (upper case, so the QR can use its
// alphanumeric mode), a v1 QR /v/<code>?e=…&s=….
func (s *Server) verifyPage(c *echo.Context) error {
	ctx := c.Request().Context()
	sig, err := s.svc.Lookup(ctx, c.Param("code"))
	if registry.IsCode(err, registry.ENOTFOUND) {
		return s.render(c, http.StatusNotFound, "verify", map[string]any{"Title": "Sertifikat tidak ditemukan", "Code": c.Param("code")})
	}
	if err != nil {
		return err
	}
	r, err := s.loadRecord(ctx, sig)
	if err != nil {
		return err
	}
	qc := s.claimFromQuery(sig.Code, c.QueryParams())
	if claim := c.Param("claim"); claim != "" {
		qc = s.claimFromPath(sig.Code, claim)
	}
	d, err := s.verifyData(ctx, r, qc)
	if err != nil {
		return err
	}
	// Only this page, public by design, describes itself to the apps
	// that unfurl a shared link.
	d["OG"] = s.openGraph(s.lang(c), r, d["Verdict"].(verdict))
	return s.render(c, http.StatusOK, "verify", d)
}

// verifyData is the verification page of a record, with its verdict; qc
// is the QR claim the page was opened with, if any.
func (s *Server) verifyData(ctx context.Context, r record, qc *qrClaim) (map[string]any, error) {
	proof, v, err := s.judge(ctx, r.Sig, r.Pledge, qc)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Title": "Hasil pemeriksaan sertifikat", "R": r, "Found": true, "Opening": r.Pledge.OpeningFor(r.Org.Name), "Proof": proof, "Verdict": v,
	}, nil
}
