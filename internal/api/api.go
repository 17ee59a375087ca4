// Package api holds the bodies of ikrar's JSON API as docs/API.md
// describes them: what a client sends and what the server answers. The
// server's handlers and the load tool both use these types, so a field
// is named and tagged in one place.
package api

import (
	"encoding/json"
	"time"

	"github.com/ikrar-id/ikrar/internal/roster"
)

// Organization is the body of POST /organizations and its answer.
type Organization struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	RegionCode string `json:"region_code,omitempty"`
	ParentID   int64  `json:"parent_id,omitempty"`
	TimeZone   string `json:"timezone"`
}

// ImportResult answers POST /organizations/{id}/employees/import.
type ImportResult struct {
	Imported int                `json:"imported"`
	Updated  int                `json:"updated"`
	Rejected []roster.Rejection `json:"rejected"`
}

// NewEvent is the body of POST /events.
type NewEvent struct {
	OrganizationID   int64    `json:"organization_id"`
	Title            string   `json:"title"`
	Place            string   `json:"place"`
	Mode             string   `json:"mode"`
	MeetingURL       string   `json:"meeting_url"`
	StartsAt         string   `json:"starts_at"`
	SigningOpensAt   string   `json:"signing_opens_at"`
	SigningClosesAt  string   `json:"signing_closes_at"`
	PledgeID         int64    `json:"pledge_id"`
	Categories       []string `json:"categories"`
	OfficialName     string   `json:"official_name"`
	OfficialPosition string   `json:"official_position"`
	// OfficialNIP is optional; it is printed under the official's name.
	OfficialNIP string `json:"official_nip"`
	// OfficialSignaturePNG is the scanned signature as base64 PNG.
	OfficialSignaturePNG string `json:"official_signature_png"`
}

// Event is an event as the API shows it; the counts are there when one
// event is asked for (GET /events/{id}).
type Event struct {
	ID              int64      `json:"id"`
	OrganizationID  int64      `json:"organization_id"`
	Title           string     `json:"title"`
	Place           string     `json:"place"`
	Mode            string     `json:"mode"`
	MeetingURL      string     `json:"meeting_url,omitempty"`
	StartsAt        time.Time  `json:"starts_at"`
	SigningOpensAt  *time.Time `json:"signing_opens_at,omitempty"`
	SigningClosesAt *time.Time `json:"signing_closes_at,omitempty"`
	PledgeID        int64      `json:"pledge_id"`
	Categories      []string   `json:"categories"`
	OfficialNIP     string     `json:"official_nip,omitempty"`
	Status          string     `json:"status"`
	EventCode       string     `json:"event_code"`
	URL             string     `json:"url"`
	Eligible        *int       `json:"eligible,omitempty"`
	Signed          *int       `json:"signed,omitempty"`
	// Paper counts the standing records signed on paper, among signed.
	Paper *int `json:"paper,omitempty"`
	// Revoked counts the event's revoked records; a person who signed
	// again after a revocation counts in signed too.
	Revoked *int `json:"revoked,omitempty"`
}

// Signing is the body of POST /events/{id}/signatures: who signs (NIP
// and event code, or a personal link's token) and the signature, as a
// PNG, signature_pad strokes or a typed name.
type Signing struct {
	NIP       string `json:"nip"`
	EventCode string `json:"event_code"`
	Token     string `json:"token"`
	// Name is the signer's own name, needed when the client's address or
	// the event spent its failure budget (error name_required).
	Name             string          `json:"name"`
	Consent          bool            `json:"consent"`
	SignaturePNG     string          `json:"signature_png"`
	SignatureStrokes json.RawMessage `json:"signature_strokes"`
	TypedName        string          `json:"typed_name"`
}

// Signed answers a signing. Someone who signs again by NIP and event code
// learns only when they signed (SignedAt), never the certificate.
type Signed struct {
	AlreadySigned bool            `json:"already_signed"`
	Certificate   *CertificateRef `json:"certificate,omitempty"`
	SignedAt      *time.Time      `json:"signed_at,omitempty"`
}

// CertificateRef is where a signed certificate is found.
type CertificateRef struct {
	Code      string `json:"code"`
	Serial    string `json:"serial"`
	VerifyURL string `json:"verify_url"`
	PDFURL    string `json:"pdf_url"`
}

// StrokeGroup is one stroke of signature_pad's toData(), what
// signature_strokes carries: the pen's settings and the points drawn.
type StrokeGroup struct {
	PenColor             string        `json:"penColor"`
	DotSize              float64       `json:"dotSize"`
	MinWidth             float64       `json:"minWidth"`
	MaxWidth             float64       `json:"maxWidth"`
	VelocityFilterWeight float64       `json:"velocityFilterWeight"`
	CompositeOperation   string        `json:"compositeOperation"`
	Points               []StrokePoint `json:"points"`
}

// StrokePoint is a point of a stroke, in CSS pixels of the pad, with the
// time it was drawn in Unix milliseconds.
type StrokePoint struct {
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Pressure float64 `json:"pressure"`
	Time     int64   `json:"time"`
}
