package web

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/ikrar-id/ikrar/internal/issuance"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/labstack/echo/v5"
)

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

// pdfCheck compares an uploaded PDF with the one issued for a record.
// EarlierIssue: it is not, but it is an earlier issue of the same
// certificate, made before issued certificates were stored, whose bytes
// the registry never kept (docs/TRUST.md §3).
type pdfCheck struct {
	SHA256       string `json:"sha256"`
	IssuedSHA256 string `json:"issued_sha256"`
	Matches      bool   `json:"matches"`
	EarlierIssue bool   `json:"earlier_issue,omitempty"`
}

const maxPDFBytes = 1 << 20

func (s *Server) checkPDF(ctx context.Context, r record, body io.Reader) (pdfCheck, error) {
	b, err := io.ReadAll(io.LimitReader(body, maxPDFBytes+1))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) || len(b) > maxPDFBytes {
		return pdfCheck{}, registry.Errorf(registry.EINVALID, "Berkas terlalu besar untuk sebuah sertifikat (maksimal 1 MB).")
	}
	if err != nil {
		return pdfCheck{}, err
	}
	if len(b) < 5 || string(b[:5]) != "%PDF-" {
		return pdfCheck{}, registry.Errorf(registry.EINVALID, "Berkas bukan PDF.")
	}
	if r.Sig.Erased() {
		// The fingerprint went with the personal data: it would confirm
		// a copy of the erased certificate.
		return pdfCheck{}, issuance.ErasedError()
	}
	issued := r.Sig.PDFHash
	if issued == "" {
		// Never downloaded yet: issue it now, once, as a download would.
		_, hash, err := s.issuer.Issue(ctx, r)
		if err != nil {
			return pdfCheck{}, err
		}
		issued = hash
	}
	got := issuance.Fingerprint(b)
	return pdfCheck{SHA256: got, IssuedSHA256: issued, Matches: got == issued,
		EarlierIssue: got != issued && got == r.Sig.LegacyPDFHash}, nil
}

func (s *Server) apiCheckPDF(c *echo.Context) error {
	ctx := c.Request().Context()
	sig, err := s.svc.Certificate(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	r, err := s.issuer.Record(ctx, sig)
	if err != nil {
		return err
	}
	res, err := s.checkPDF(ctx, r, c.Request().Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// verifyPDF answers the verification page's "is this the issued PDF?" form.
func (s *Server) verifyPDF(c *echo.Context) error {
	ctx := c.Request().Context()
	sig, err := s.svc.Certificate(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	fh, err := c.FormFile("pdf")
	if err != nil {
		return registry.Errorf(registry.EINVALID, "Pilih berkas PDF sertifikat untuk diperiksa.")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := s.issuer.Record(ctx, sig)
	if err != nil {
		return err
	}
	res, err := s.checkPDF(ctx, r, f)
	if err != nil && registry.ErrorCode(err) == registry.EINTERNAL {
		return err
	}
	d, derr := s.verifyData(ctx, r, nil)
	if derr != nil {
		return derr
	}
	d["PDFCheck"], d["PDFError"], d["PDFName"] = res, err, fh.Filename
	return s.render(c, http.StatusOK, "verify", d)
}
