package registry

import (
	"context"
	"errors"
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
	// SetPrivacySettings stores p; with StrokeTiming off it also drops
	// the timing kept in the drawings of the organization's events (and
	// its descendants' that follow it) and returns how many it rewrote.
	SetPrivacySettings(ctx context.Context, p PrivacySettings, at time.Time) (int, error)
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
	// The detail counts the records the settings' own transaction
	// rewrote.
	err = s.audited(ctx, a.User, a.IP, "privacy.settings", org.ID, org.Name, Detail{}, func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(e *AuditEntry) {
			switch stripped := audit.Outcome.Count; {
			case p.StrokeTiming:
				e.SetDetail(Detailf("dengan waktu goresan"))
			case stripped > 0:
				e.SetDetail(Detailf("tanpa waktu goresan; waktu goresan %d catatan dihapus", stripped))
			default:
				e.SetDetail(Detailf("tanpa waktu goresan"))
			}
		}
		_, err := s.Store.SetPrivacySettings(ctx, p, s.now())
		return err
	})
	if errors.Is(err, ErrScrubPending) {
		return nil
	}
	return err
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
	detail := Detailf("tanpa tanggal retensi")
	if !until.IsZero() {
		detail = Plain(until.In(org.Location()).Format("2006-01-02"))
	}
	return s.audited(ctx, a.User, a.IP, "event.retention", e.OrgID, fmt.Sprintf("event:%d", e.ID), detail, func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetEventRetention(ctx, eventID, until)
	})
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

// PersonalDataCount is how many rows of one kind of personal data the
// registry holds.
type PersonalDataCount struct {
	Table string // the table holding it
	Kind  string // what it is, in Indonesian
	Count int
}

// RetentionStore runs event retention: the events whose date has passed,
// the bulk erasure of their records, and what personal data remains.
type RetentionStore interface {
	// ExpiredRetentions lists the events whose retention date is at or
	// before now and whose records were not erased for it yet.
	ExpiredRetentions(ctx context.Context, now time.Time) ([]int64, error)
	// EraseEventRecords erases the personal data of every record of an
	// event as EraseSignature does, and marks its retention done; it
	// returns the codes of the records it erased.
	EraseEventRecords(ctx context.Context, eventID int64, at time.Time) ([]string, error)
	// PersonalDataReport counts the personal data the registry holds, by
	// table and kind.
	PersonalDataReport(ctx context.Context) ([]PersonalDataCount, error)
}

// RetentionRun is what an erasure of expired events did.
type RetentionRun struct {
	Events  []int64
	Records []string // codes of the records erased
	Remains []PersonalDataCount
}

// EraseExpired erases the personal data of the records of every event
// whose retention date has passed (the log stays valid: see
// EraseSignature), audits each, and reports what personal data remains
// in the registry.
func (s *Service) EraseExpired(ctx context.Context, a Actor) (RetentionRun, error) {
	var run RetentionRun
	now := s.now()
	ids, err := s.Store.ExpiredRetentions(ctx, now)
	if err != nil {
		return run, err
	}
	for _, id := range ids {
		e, err := s.Store.Event(ctx, id)
		if err != nil {
			return run, err
		}
		var codes []string
		err = s.audited(ctx, a.User, a.IP, "retention.erase", e.OrgID, fmt.Sprintf("event:%d", id), Detail{}, func(ctx context.Context, audit *PendingAudit) error {
			audit.Finish = func(e *AuditEntry) { e.SetDetail(Detailf("%d catatan", audit.Outcome.Count)) }
			var err error
			codes, err = s.Store.EraseEventRecords(ctx, id, now)
			return err
		})
		run.Records = append(run.Records, codes...)
		if err != nil && !IsScrubPending(err) {
			return run, err
		}
		run.Events = append(run.Events, id)
	}
	run.Remains, err = s.Store.PersonalDataReport(ctx)
	return run, err
}

// PrivacySettings are org's privacy settings, as its officers see them.
func (s *Service) PrivacySettings(ctx context.Context, u User, org Organization) (PrivacySettings, error) {
	if err := seesOrganization(u, org); err != nil {
		return PrivacySettings{}, err
	}
	return s.Store.PrivacySettings(ctx, org.ID)
}

// PublicPrivacySettings are the privacy notice of an organization's
// events: its contact for data requests.
func (s *Service) PublicPrivacySettings(ctx context.Context, orgID int64) (PrivacySettings, error) {
	return s.Store.PrivacySettings(ctx, orgID)
}

// EventRetention is e's retention date (zero: none).
func (s *Service) EventRetention(ctx context.Context, u User, e Event, org Organization) (time.Time, error) {
	if err := seesEvent(u, e, org); err != nil {
		return time.Time{}, err
	}
	return s.Store.EventRetention(ctx, e.ID)
}

// PublicEventRetention is the retention date an event's privacy notice
// states (zero: none).
func (s *Service) PublicEventRetention(ctx context.Context, eventID int64) (time.Time, error) {
	return s.Store.EventRetention(ctx, eventID)
}

// ExpiredRetentions are the events past their retention date whose
// records are not erased yet.
func (s *Service) ExpiredRetentions(ctx context.Context, u User) ([]int64, error) {
	if err := onlySuperadmin(u); err != nil {
		return nil, err
	}
	return s.Store.ExpiredRetentions(ctx, s.Now())
}

// PersonalDataReport counts the personal data the registry holds.
func (s *Service) PersonalDataReport(ctx context.Context, u User) ([]PersonalDataCount, error) {
	if err := onlySuperadmin(u); err != nil {
		return nil, err
	}
	return s.Store.PersonalDataReport(ctx)
}
