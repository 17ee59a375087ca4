package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/issuance"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// record is a signature with everything its pages and PDF show.
type record = issuance.Record

func (s *Server) verifyURL(code string) string { return s.opt.BaseURL + "/v/" + code }

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
// signature ink, which only a render needs (issuance.Issuer.Issue reads it then).
func (s *Server) downloadRecord(c *echo.Context) (record, error) {
	sig, err := s.checkAccess(c)
	if err != nil {
		return record{}, err
	}
	r, err := s.issuer.Record(c.Request().Context(), sig)
	r.NoInk = true
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
	pdf, _, err := s.issuer.Issue(c.Request().Context(), r)
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
	r, err := s.issuer.Record(ctx, sig)
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

// StoreIssuedPDFs stores, once at the upgrade, the certificates issued
// before issued certificates were kept (issuance.Issuer.StoreIssued).
func (s *Server) StoreIssuedPDFs(ctx context.Context) (stored, unmatched int, err error) {
	return s.issuer.StoreIssued(ctx)
}
