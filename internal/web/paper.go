package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/scan"
)

// paperCandidates is how many participants the page lists at once: the
// officer narrows them down by name or NIP.
const paperCandidates = 20

// authorizePaper lets through only users who may record paper signatures
// for the event in the path, before anything reads the body.
func (s *Server) authorizePaper(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		if _, _, err := s.svc.AuthorizePaper(c.Request().Context(), s.actor(c).User, id); err != nil {
			return err
		}
		return next(c)
	}
}

// paperForm reads a paper signature's form: nip, witness_name and the
// scan, whose type is read from its bytes.
func (s *Server) paperForm(c *echo.Context) (registry.PaperRequest, error) {
	id, err := idParam(c)
	if err != nil {
		return registry.PaperRequest{}, err
	}
	req := registry.PaperRequest{EventID: id, ClientIP: c.RealIP(), UserAgent: c.Request().UserAgent()}
	if err := c.Request().ParseMultipartForm(uploadMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return req, registry.Errorf(registry.ETOOLARGE, "Berkas pindaian terlalu besar (paling besar %d MB).", scan.MaxBytes>>20)
		}
		return req, registry.Errorf(registry.EINVALID, "Kirim formulir sebagai multipart/form-data dengan nip, scan, dan witness_name.")
	}
	req.NIP, req.Witness = c.FormValue("nip"), c.FormValue("witness_name")
	fh, err := c.FormFile("scan")
	if err != nil {
		return req, registry.Errorf(registry.EBADSCAN, "Unggah pindaian pakta yang ditandatangani (PDF, PNG, atau JPEG).")
	}
	f, err := fh.Open()
	if err != nil {
		return req, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, scan.MaxBytes+1))
	if err != nil {
		return req, err
	}
	// Images are decoded to be checked: the heavy slots keep a burst of
	// uploads from taking the processors from the signers.
	err = s.heavy.do(c.Request().Context(), func() (err error) {
		req.Scan, err = scan.Check(b)
		return err
	})
	return req, err
}

// paperCertificate is a paper record as the API answers it.
type paperCertificate struct {
	api.CertificateRef
	Channel    string    `json:"channel"`
	SignedAt   time.Time `json:"signed_at"`
	ScanSHA256 string    `json:"scan_sha256"`
}

// apiPaper records a paper signature: POST
// /api/v1/events/{id}/paper-signatures (docs/API.md).
func (s *Server) apiPaper(c *echo.Context) error {
	req, err := s.paperForm(c)
	if err != nil {
		return err
	}
	sig, err := s.svc.RecordPaper(c.Request().Context(), s.actor(c), req)
	if err != nil {
		return err
	}
	ref := api.CertificateRef{Code: sig.Code, Serial: sig.Serial, VerifyURL: s.verifyURL(sig.Code), PDFURL: s.opt.BaseURL + s.pdfPath(sig.Code)}
	return c.JSON(http.StatusCreated, map[string]any{"certificate": paperCertificate{CertificateRef: ref,
		Channel: string(sig.Channel), SignedAt: sig.SignedAt, ScanSHA256: sig.ScanHash}})
}

// paperPage shows the form that records a paper signature: a search among
// the event's participants who have no standing record, the scan and the
// witness.
func (s *Server) paperPage(c *echo.Context) error {
	return s.renderPaper(c, http.StatusOK, nil)
}

func (s *Server) renderPaper(c *echo.Context, status int, formErr error) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx, u := c.Request().Context(), s.actor(c).User
	e, org, err := s.svc.AuthorizePaper(ctx, u, id)
	if err != nil {
		return err
	}
	parts, err := s.svc.Participants(ctx, u, e)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.QueryParam("q"))
	var shown []registry.Employee
	unsigned := 0
	for _, p := range parts {
		if p.Signature != nil && !p.Signature.Revoked() {
			continue
		}
		unsigned++
		if len(shown) < paperCandidates && matchesParticipant(p.Employee, q) {
			shown = append(shown, p.Employee)
		}
	}
	d := map[string]any{"Title": "Tanda tangan di atas kertas", "E": e, "Org": org, "Q": q, "Candidates": shown,
		"Unsigned": unsigned, "Error": formErr, "Witness": c.FormValue("witness_name"), "Chosen": c.FormValue("nip"),
		"MaxMB": scan.MaxBytes >> 20, "Late": e.Status != registry.StatusDraft && e.SigningState(s.now()) != nil}
	if code := c.QueryParam("done"); code != "" {
		if sig, err := s.svc.Certificate(ctx, code); err == nil && sig.EventID == e.ID && sig.Channel == registry.ChannelPaper {
			d["Done"] = sig
		}
	}
	return s.render(c, status, "paper", d)
}

// paperRecord records the form's paper signature, then shows the form
// again (post, redirect, get) with the record made.
func (s *Server) paperRecord(c *echo.Context) error {
	req, err := s.paperForm(c)
	if err == nil {
		var sig registry.Signature
		if sig, err = s.svc.RecordPaper(c.Request().Context(), s.actor(c), req); err == nil {
			return c.Redirect(http.StatusSeeOther, "/admin/events/"+strconv.FormatInt(req.EventID, 10)+"/paper?done="+url.QueryEscape(sig.Code))
		}
	}
	code := registry.ErrorCode(err)
	if code == "" || code == registry.EINTERNAL || code == registry.EBUSY || code == registry.EFULL {
		return err
	}
	return s.renderPaper(c, statusOf(code), err)
}

// paperScan serves a paper record's scan, at /admin/scans/{code}, to an
// officer who may see the record; it is never public.
func (s *Server) paperScan(c *echo.Context) error {
	sig, p, err := s.svc.PaperScanOf(c.Request().Context(), s.actor(c).User, c.Param("paper"))
	if err != nil {
		return err
	}
	ext := map[string]string{scan.PDF: "pdf", scan.PNG: "png", scan.JPEG: "jpg"}[p.ContentType]
	h := c.Response().Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", `attachment; filename="pindaian-`+sig.Code+`.`+ext+`"`)
	return c.Blob(http.StatusOK, p.ContentType, p.Data)
}
