package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The signer's own data (UU 27/2022, the right of access): from their
// private certificate page — the link with k=, or the device that signed
// — a JSON file and a readable page of everything the registry holds about
// them: their roster entry and every record linked to it (identity as
// signed, event, time, channel, network address, the drawing, codes and
// log leaves). No other route reaches it: without the key (or the device)
// a code gives nothing, as for the PDF.

type signerData struct {
	GeneratedAt time.Time          `json:"generated_at"`
	Controller  string             `json:"controller"`
	Contact     string             `json:"contact,omitempty"`
	Employee    *signerEmployee    `json:"employee"`
	Records     []signerDataRecord `json:"records"`
	Note        string             `json:"note"`
}

type signerEmployee struct {
	NIP          string    `json:"nip"`
	Name         string    `json:"name"`
	FrontTitle   string    `json:"front_title,omitempty"`
	BackTitle    string    `json:"back_title,omitempty"`
	Position     string    `json:"position"`
	Rank         string    `json:"rank"`
	Unit         string    `json:"unit"`
	Category     string    `json:"category"`
	Active       bool      `json:"active"`
	Organization string    `json:"organization"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type signerDataRecord struct {
	Code         string            `json:"code"`
	Serial       string            `json:"serial"`
	Event        signerEvent       `json:"event"`
	SignedAt     time.Time         `json:"signed_at"`
	Channel      string            `json:"channel"`
	ClientIP     string            `json:"client_ip"`
	UserAgent    string            `json:"user_agent"`
	Consent      bool              `json:"consent"`
	NIP          string            `json:"nip"`
	Name         string            `json:"name"`
	Position     string            `json:"position"`
	Rank         string            `json:"rank"`
	Unit         string            `json:"unit"`
	Organization string            `json:"organization"`
	Category     string            `json:"category"`
	PledgeHash   string            `json:"pledge_hash"`
	Signature    signerInk         `json:"signature"`
	Log          signerLog         `json:"log"`
	PDFSHA256    string            `json:"pdf_sha256,omitempty"`
	Revoked      *signerRevocation `json:"revoked,omitempty"`
	// Withheld says that the address, browser and drawing of a revoked
	// record are left out: it may have been made by someone else in this
	// person's name, and what only its maker gave is the maker's data.
	Withheld bool       `json:"withheld,omitempty"`
	ErasedAt *time.Time `json:"erased_at,omitempty"`
}

type signerEvent struct {
	Title        string    `json:"title"`
	Place        string    `json:"place"`
	StartsAt     time.Time `json:"starts_at"`
	Organization string    `json:"organization"`
}

type signerInk struct {
	Kind    string            `json:"kind"`
	Strokes []registry.Stroke `json:"strokes,omitempty"`
	PNG     string            `json:"png_base64,omitempty"`
	Typed   string            `json:"typed,omitempty"`
	// Points and Timed summarize a drawing for the readable page.
	Points int  `json:"-"`
	Timed  bool `json:"-"`
}

type signerLog struct {
	LeafIndex     int64  `json:"leaf_index"`
	LeafVersion   int    `json:"leaf_version"`
	IdentityHash  string `json:"identity_hash"`
	HolderHash    string `json:"holder_hash,omitempty"`
	IssuanceIndex *int64 `json:"issuance_leaf_index,omitempty"`
}

type signerRevocation struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// signerDataFor gathers what the registry holds about the signer of sig.
func (s *Server) signerDataFor(ctx context.Context, r record) (signerData, error) {
	d := signerData{GeneratedAt: s.now().UTC(), Controller: r.Org.Name,
		Note: "The transparency log holds only the commitments listed under log, not personal data."}
	if p, err := s.svc.PublicPrivacySettings(ctx, r.Event.OrgID); err == nil {
		d.Contact = p.Contact
	} else {
		return d, err
	}
	if r.Sig.EmployeeID != 0 {
		emp, org, err := s.svc.SignerEmployee(ctx, r.Sig)
		if err != nil && !registry.IsCode(err, registry.ENOTFOUND) {
			return d, err
		}
		if err == nil {
			d.Employee = &signerEmployee{NIP: emp.NIP, Name: emp.Name, FrontTitle: emp.FrontTitle, BackTitle: emp.BackTitle,
				Position: emp.Position, Rank: emp.Rank, Unit: emp.Unit, Category: string(emp.Category), Active: emp.Active,
				Organization: org.Name, UpdatedAt: emp.UpdatedAt.UTC()}
		}
	}
	sigs, err := s.svc.SignerRecords(ctx, r.Sig)
	if err != nil {
		return d, err
	}
	for _, sig := range sigs {
		rec, err := s.issuer.Record(ctx, sig)
		if err != nil {
			return d, err
		}
		d.Records = append(d.Records, signerRecord(rec))
	}
	return d, nil
}

func signerRecord(r record) signerDataRecord {
	sig := r.Sig
	out := signerDataRecord{Code: sig.Code, Serial: sig.Serial,
		Event:    signerEvent{Title: r.Event.Title, Place: r.Event.Place, StartsAt: r.Event.StartsAt.UTC(), Organization: r.Org.Name},
		SignedAt: sig.SignedAt.UTC(), Channel: string(sig.Channel), ClientIP: sig.ClientIP, UserAgent: sig.UserAgent,
		Consent: sig.Consent, NIP: sig.NIP, Name: sig.Name, Position: sig.Position, Rank: sig.Rank, Unit: sig.Unit,
		Organization: sig.OrgName, Category: string(sig.Category), PledgeHash: sig.PledgeHash, PDFSHA256: sig.PDFHash,
		Log:       signerLog{LeafIndex: sig.LeafIndex, LeafVersion: sig.LeafVersion, IdentityHash: sig.IdentityHash, HolderHash: sig.HolderHash},
		Signature: signerInk{Kind: string(sig.Ink.Kind)}}
	switch sig.Ink.Kind {
	case registry.InkStrokes:
		out.Signature.Strokes = sig.Ink.Strokes
		for _, st := range sig.Ink.Strokes {
			out.Signature.Points += len(st.Points)
			for _, p := range st.Points {
				out.Signature.Timed = out.Signature.Timed || p.T != 0
			}
		}
	case registry.InkPNG:
		out.Signature.PNG = base64.StdEncoding.EncodeToString(sig.Ink.PNG)
	case registry.InkTyped:
		out.Signature.Typed = sig.Ink.Typed
	}
	if sig.Issuance != nil {
		i := sig.Issuance.LeafIndex
		out.Log.IssuanceIndex = &i
	}
	if sig.Revocation != nil {
		out.Revoked = &signerRevocation{At: sig.Revocation.RevokedAt.UTC(), Reason: sig.Revocation.Reason}
		out.ClientIP, out.UserAgent, out.Signature = "", "", signerInk{Kind: string(sig.Ink.Kind)}
		out.Withheld = true
	}
	if sig.Erased() {
		at := sig.ErasedAt.UTC()
		out.ErasedAt = &at
	}
	return out
}

// signerDataPage is the signer's data, readable (…/data) or as JSON
// (…/data.json).
func (s *Server) signerDataPage(c *echo.Context) error {
	r, err := s.downloadRecord(c)
	if err != nil {
		return err
	}
	d, err := s.signerDataFor(c.Request().Context(), r)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if strings.HasSuffix(c.Request().URL.Path, ".json") {
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="data-saya-`+strings.ToLower(r.Sig.Code)+`.json"`)
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, append(b, '\n'))
	}
	return s.render(c, http.StatusOK, "signer_data", map[string]any{"Title": "Data saya", "D": d, "R": r,
		"JSONURL": "/c/" + r.Sig.Code + "/data.json?k=" + s.downloadKey(r.Sig.Code), "BackURL": s.certificatePath(r.Sig.Code)})
}
