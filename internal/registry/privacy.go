package registry

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// PrivacySettings is what an organization decides about the personal data
// of its events' signers (UU 27/2022): the contact its privacy notice
// names, and whether the timing of each point of a drawn signature is kept.
// Per-point timing is behavioural biometric data; it is dropped before a
// record is stored unless StrokeTiming is on. The zero value (no contact,
// no timing) is an organization's default.
type PrivacySettings struct {
	OrgID        int64
	Contact      string
	StrokeTiming bool
}

// MaxPrivacyContact bounds the contact text.
const MaxPrivacyContact = 300

// PrivacyStore keeps organizations' privacy settings and events' retention
// dates.
type PrivacyStore interface {
	PrivacySettings(ctx context.Context, orgID int64) (PrivacySettings, error)
	SetPrivacySettings(ctx context.Context, p PrivacySettings, at time.Time) error
	// EventRetention returns the event's retention date, zero if none.
	EventRetention(ctx context.Context, eventID int64) (time.Time, error)
	// SetEventRetention sets (zero: clears) the event's retention date.
	SetEventRetention(ctx context.Context, eventID int64, until time.Time) error
}

// SetPrivacySettings changes an organization's privacy settings; only its
// admins may.
func (s *Service) SetPrivacySettings(ctx context.Context, a Actor, p PrivacySettings) error {
	org, err := s.authorize(ctx, a.User, ActManageOrgs, p.OrgID)
	if err != nil {
		return err
	}
	p.Contact = strings.TrimSpace(p.Contact)
	if utf8.RuneCountInString(p.Contact) > MaxPrivacyContact {
		return Errorf(EINVALID, "Kontak data pribadi paling panjang %d karakter.", MaxPrivacyContact)
	}
	if err := s.Store.SetPrivacySettings(ctx, p, s.now()); err != nil {
		return err
	}
	timing := "tanpa waktu goresan"
	if p.StrokeTiming {
		timing = "dengan waktu goresan"
	}
	return s.audit(ctx, a.User, a.IP, "privacy.settings", org.ID, org.Name, timing)
}

// SetEventRetention sets the date after which the personal data of an
// event's records is erased (zero: none).
func (s *Service) SetEventRetention(ctx context.Context, a Actor, eventID int64, until time.Time) error {
	e, err := s.Store.Event(ctx, eventID)
	if err != nil {
		return err
	}
	org, err := s.authorize(ctx, a.User, ActRevoke, e.OrgID)
	if err != nil {
		return err
	}
	if !until.IsZero() && until.Before(e.StartsAt) {
		return Errorf(EINVALID, "Tanggal retensi tidak boleh sebelum acara dimulai.")
	}
	if err := s.Store.SetEventRetention(ctx, eventID, until); err != nil {
		return err
	}
	detail := "tanpa tanggal retensi"
	if !until.IsZero() {
		detail = until.In(org.Location()).Format("2006-01-02")
	}
	return s.audit(ctx, a.User, a.IP, "event.retention", e.OrgID, fmt.Sprintf("event:%d", e.ID), detail)
}

// WithoutTiming returns in with the time of every point of a drawing
// zeroed (0 reads as "not recorded"); other kinds of ink are returned as
// they are. It never changes in's own strokes.
func (in Ink) WithoutTiming() Ink {
	if in.Kind != InkStrokes {
		return in
	}
	strokes := make([]Stroke, len(in.Strokes))
	for i, st := range in.Strokes {
		pts := make([]Point, len(st.Points))
		for j, p := range st.Points {
			p.T = 0
			pts[j] = p
		}
		strokes[i] = Stroke{Points: pts}
	}
	in.Strokes = strokes
	return in
}

// SignerDataStore reads what the registry holds about one signer.
type SignerDataStore interface {
	// EmployeeSignatures lists every record linked to an employee, with
	// its ink, oldest first.
	EmployeeSignatures(ctx context.Context, employeeID int64) ([]Signature, error)
}
