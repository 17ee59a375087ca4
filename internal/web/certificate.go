package web

import (
	"archive/zip"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/issuance"
	"github.com/ikrar-id/ikrar/internal/nip"
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

// ForgetCertificates drops from memory the certificates of records
// erased on another instance of a shared store (nil: every one).
func (s *Server) ForgetCertificates(codes []string) { s.issuer.Forget(codes) }

// StoreIssuedPDFs stores, once at the upgrade, the certificates issued
// before issued certificates were kept (issuance.Issuer.StoreIssued).
func (s *Server) StoreIssuedPDFs(ctx context.Context) (stored, unmatched int, err error) {
	return s.issuer.StoreIssued(ctx)
}

func (s *Server) adminCertificate(c *echo.Context) error {
	ctx := c.Request().Context()
	sig, err := s.svc.Certificate(ctx, c.Param("code"))
	if err != nil {
		return err
	}
	// In an event their organization joins, an officer sees only the
	// records of their own participants.
	if _, _, err := s.svc.AuthorizeRecord(ctx, s.actor(c).User, registry.ActView, sig); err != nil {
		return err
	}
	r, err := s.issuer.Record(ctx, sig)
	if err != nil {
		return err
	}
	d := map[string]any{"Title": i18n.M("Sertifikat %s", registry.GroupCode(sig.Code)), "R": r,
		"PDFURL": s.pdfPath(sig.Code), "CanRevoke": s.mayOnRecord(ctx, s.actor(c).User, registry.ActRevoke, sig)}
	if sig.Revoked() && sig.EmployeeID != 0 {
		// The person may have signed again since: point to that record.
		now, err := s.svc.StandingRecord(ctx, s.actor(c).User, sig)
		if err != nil && !registry.IsCode(err, registry.ENOTFOUND) {
			return err
		}
		if err == nil && !now.Revoked() {
			d["Standing"] = now
		}
	}
	return s.render(c, http.StatusOK, "admin_certificate", d)
}

func (s *Server) apiCertificate(c *echo.Context) error {
	sig, err := s.svc.Lookup(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	r, err := s.issuer.Record(c.Request().Context(), sig)
	if err != nil {
		return err
	}
	out := s.certificateView(r)
	proof, v, err := s.judge(c.Request().Context(), sig, r.Pledge, nil)
	if err != nil {
		return err
	}
	out.Log, out.Verdict, out.Status = &proof, &v, v.Status
	if out.Revocation != nil {
		out.Revocation.Log = proof.revocation
	}
	return c.JSON(http.StatusOK, out)
}

type certificateJSON struct {
	Status   string `json:"status"`
	Code     string `json:"code"`
	Serial   string `json:"serial"`
	Name     string `json:"name"`
	NIP      string `json:"nip"`
	Position string `json:"position"`
	Rank     string `json:"rank"`
	Unit     string `json:"unit"`
	Org      string `json:"organization"`
	Event    string `json:"event"`
	EventID  int64  `json:"event_id"`
	// The event as the record's leaf commits to it (version 2; for a
	// version 1 record, the event as it is).
	EventTitle  string    `json:"event_title"`
	EventPlace  string    `json:"event_place"`
	EventStarts time.Time `json:"event_starts"`
	EventOrg    string    `json:"event_org"`
	// PledgeURL serves the canonical text whose SHA-256 is PledgeHash.
	PledgeURL  string    `json:"pledge_url"`
	SignedAt   time.Time `json:"signed_at"`
	Channel    string    `json:"channel"`
	PledgeHash string    `json:"pledge_hash"`
	// IdentityHash is the salted commitment to name and NIP the leaf
	// holds (public in the log): with it a client recomputes the leaf.
	IdentityHash string `json:"identity_hash"`
	PledgeText   string `json:"pledge_text"`
	PDFSHA256    string `json:"pdf_sha256,omitempty"`
	// ScanSHA256 is the SHA-256 of a paper signature's scan, which its
	// leaf commits to; the scan itself is for officers only.
	ScanSHA256 string          `json:"scan_sha256,omitempty"`
	Erased     bool            `json:"erased"`
	Revocation *revocationJSON `json:"revocation,omitempty"`
	VerifyURL  string          `json:"verify_url"`
	Log        *logProof       `json:"log,omitempty"`
	Verdict    *verdict        `json:"verdict,omitempty"`
}

// certificateView is the public, masked view of a record.
func (s *Server) certificateView(r record) certificateJSON {
	out := certificateJSON{Status: "valid", Code: r.Sig.Code, Serial: r.Sig.Serial, Name: maskName(r.Sig.Name), NIP: nip.Mask(r.Sig.NIP),
		Position: r.Sig.Position, Rank: r.Sig.Rank, Unit: r.Sig.Unit, Org: r.Sig.OrgName, Event: r.Event.Title, EventID: r.Event.ID,
		EventTitle: r.Event.Title, EventPlace: r.Event.Place, EventStarts: r.Event.StartsAt, EventOrg: r.Org.Name,
		PledgeURL: s.opt.BaseURL + "/api/v1/pledges/" + r.Sig.PledgeHash,
		SignedAt:  r.Sig.SignedAt, Channel: string(r.Sig.Channel), PledgeHash: r.Sig.PledgeHash, IdentityHash: r.Sig.IdentityHash, PDFSHA256: r.Sig.PDFHash,
		ScanSHA256: r.Sig.ScanHash, Erased: r.Sig.Erased(), VerifyURL: s.verifyURL(r.Sig.Code)}
	out.PledgeText = pledgeText(r.Pledge, r.Org.Name)
	if r.Sig.Revoked() {
		out.Status = "revoked"
		out.Revocation = &revocationJSON{Reason: r.Sig.Revocation.Reason, RevokedAt: r.Sig.Revocation.RevokedAt}
	}
	return out
}

func pledgeText(p registry.PledgeVersion, institution string) string {
	var b strings.Builder
	b.WriteString(p.OpeningFor(institution))
	for i, pt := range p.Points {
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + pt)
	}
	b.WriteString("\n" + p.Closing)
	return b.String()
}

// certificatesZIP streams the certificates of an event (of one unit, with
// ?unit=, as signed) as a ZIP (issuance.Issuer.ZIP). Revoked and erased
// records have no certificate to hand out and are left out.
func (s *Server) certificatesZIP(c *echo.Context) error {
	unit := strings.TrimSpace(c.QueryParam("unit"))
	e, org, err := s.requestEvent(c, registry.ExportCertificates, unitDetail(unit))
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), s.actor(c)
	pledge, err := s.svc.PublicPledge(ctx, e.PledgeID)
	if err != nil {
		return err
	}
	attachment(c, exportName("sertifikat", e, unit, "zip"), "application/zip")
	c.Response().WriteHeader(http.StatusOK)
	zw := zip.NewWriter(c.Response())
	q := registry.SignatureQuery{EventID: e.ID, Unit: unit}
	err = s.issuer.ZIP(ctx, a.User, zw, q, record{Event: e, Org: org, Pledge: pledge})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return s.abortDownload(c, "certificates ZIP", err)
	}
	return nil
}
