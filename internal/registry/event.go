package registry

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// EventMode is how participants attend.
type EventMode string

const (
	ModeInPerson EventMode = "in_person"
	ModeOnline   EventMode = "online"
	ModeHybrid   EventMode = "hybrid"
)

// Valid reports whether m is a known mode.
func (m EventMode) Valid() bool {
	return m == ModeInPerson || m == ModeOnline || m == ModeHybrid
}

// Label is the mode in Indonesian.
func (m EventMode) Label() string {
	switch m {
	case ModeOnline:
		return "Daring"
	case ModeHybrid:
		return "Hibrida (luring dan daring)"
	}
	return "Luring (tatap muka)"
}

// EventStatus is an event's place in its life: draft → open → closed.
type EventStatus string

const (
	StatusDraft  EventStatus = "draft"
	StatusOpen   EventStatus = "open"
	StatusClosed EventStatus = "closed"
)

// Label is the status in Indonesian.
func (s EventStatus) Label() string {
	switch s {
	case StatusOpen:
		return "Dibuka"
	case StatusClosed:
		return "Ditutup"
	}
	return "Draf"
}

// Event is a declaration (deklarasi): one pledge signed by the employees of
// an organization's subtree.
type Event struct {
	ID                int64
	OrgID             int64
	Slug              string // public, unguessable part of the event link
	Code              string // event code announced in the hall
	Title             string
	Place             string
	Mode              EventMode
	MeetingURL        string
	StartsAt          time.Time
	SigningOpensAt    time.Time // zero: whenever the event is open
	SigningClosesAt   time.Time // zero: until the event is closed
	PledgeID          int64
	Categories        []Category // empty: every category
	OfficialName      string
	OfficialPosition  string
	OfficialNIP       string // the official's 18-digit NIP; "" when not given
	OfficialSignature []byte // normalised grayscale PNG, may be empty
	Status            EventStatus
	CreatedAt         time.Time
	OpenedAt          time.Time
	ClosedAt          time.Time
}

// CodeMatches reports whether code, as a signer typed it, is the event's
// code.
func (e Event) CodeMatches(code string) bool {
	typed := NormalizeCode(code, EventCodeLen)
	return typed != "" && subtle.ConstantTimeCompare([]byte(typed), []byte(e.Code)) == 1
}

// Allows reports whether employees of category c may sign.
func (e Event) Allows(c Category) bool {
	if len(e.Categories) == 0 {
		return true
	}
	for _, x := range e.Categories {
		if x == c {
			return true
		}
	}
	return false
}

// SigningState says whether a signature made at now would be accepted, and
// if not, returns the reason as a domain error.
func (e Event) SigningState(now time.Time) error {
	switch e.Status {
	case StatusDraft:
		return Errorf(ENOTOPEN, "Penandatanganan ikrar untuk acara ini belum dibuka.")
	case StatusClosed:
		return Errorf(ENOTOPEN, "Penandatanganan ikrar untuk acara ini sudah ditutup.")
	}
	if !e.SigningOpensAt.IsZero() && now.Before(e.SigningOpensAt) {
		return Errorf(ENOTOPEN, "Penandatanganan ikrar belum dibuka. Silakan kembali pada waktu yang ditentukan.")
	}
	if !e.SigningClosesAt.IsZero() && !now.Before(e.SigningClosesAt) {
		return Errorf(ENOTOPEN, "Waktu penandatanganan ikrar sudah berakhir.")
	}
	return nil
}

// PaperState says whether an officer may record a signature made on paper
// at now: once the event has been opened, also after it is closed or its
// signing window has passed, since the pakta signed at the ceremony is
// often entered days later. A draft has had no ceremony yet.
func (e Event) PaperState(now time.Time) error {
	if e.Status == StatusDraft {
		return Errorf(ENOTOPEN, "Acara ini masih draf: buka acara dulu sebelum mencatat tanda tangan di atas kertas.")
	}
	return nil
}

// CommitState is the check a store makes when it commits s into an event
// whose status it reads in the commit's own transaction: once a close has
// committed no signing commits, even one that checked a copy of the event
// read before the close. An officer's record of a paper sheet may be
// entered after the close, never into a draft (PaperState).
func CommitState(status EventStatus, s *Signature) error {
	if s.Channel == ChannelPaper && status == StatusClosed {
		status = StatusOpen
	}
	if status != StatusOpen {
		return Errorf(ENOTOPEN, "Penandatanganan ikrar untuk acara ini sudah ditutup.")
	}
	return nil
}

// Validate normalises and checks an event before it is stored.
func (e *Event) Validate() error {
	e.Title = strings.TrimSpace(e.Title)
	e.Place = strings.TrimSpace(e.Place)
	e.MeetingURL = strings.TrimSpace(e.MeetingURL)
	e.OfficialName = strings.TrimSpace(e.OfficialName)
	e.OfficialPosition = strings.TrimSpace(e.OfficialPosition)
	switch {
	case e.OrgID == 0:
		return Errorf(EINVALID, "Organisasi penyelenggara wajib dipilih.")
	case e.Title == "":
		return Errorf(EINVALID, "Judul acara wajib diisi.")
	case len(e.Title) > 300:
		return Errorf(EINVALID, "Judul acara terlalu panjang (maksimal 300 karakter).")
	case len(e.Place) > 300:
		return Errorf(EINVALID, "Tempat terlalu panjang (maksimal 300 karakter).")
	case !e.Mode.Valid():
		return Errorf(EINVALID, "Mode acara harus in_person, online atau hybrid.")
	case e.Mode == ModeInPerson && e.Place == "":
		return Errorf(EINVALID, "Tempat acara wajib diisi untuk acara tatap muka.")
	case e.Mode != ModeInPerson && e.MeetingURL == "":
		return Errorf(EINVALID, "Tautan rapat daring wajib diisi untuk acara daring atau hibrida.")
	case e.StartsAt.IsZero():
		return Errorf(EINVALID, "Waktu mulai acara wajib diisi.")
	case e.OfficialName == "" || e.OfficialPosition == "":
		return Errorf(EINVALID, "Nama dan jabatan pejabat penandatangan sertifikat wajib diisi.")
	case !e.SigningOpensAt.IsZero() && !e.SigningClosesAt.IsZero() && !e.SigningClosesAt.After(e.SigningOpensAt):
		return Errorf(EINVALID, "Waktu penutupan penandatanganan harus setelah waktu pembukaan.")
	}
	if e.MeetingURL != "" {
		u, err := url.Parse(e.MeetingURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Errorf(EINVALID, "Tautan rapat daring harus berupa alamat http(s) yang lengkap.")
		}
	}
	for _, c := range e.Categories {
		if _, ok := ParseCategory(string(c)); !ok || c == "" {
			return Errorf(EINVALID, "Kategori pegawai tidak dikenal: %s.", c)
		}
	}
	if e.Status == "" {
		e.Status = StatusDraft
	}
	return nil
}

// CreateEvent validates and stores a draft event with a fresh public slug
// and event code.
func (s *Service) CreateEvent(ctx context.Context, a Actor, e *Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	org, err := s.authorize(ctx, a.User, ActManageEvents, e.OrgID)
	if err != nil {
		return err
	}
	if e.PledgeID == 0 {
		e.PledgeID = 1
	}
	if err := s.usablePledge(ctx, org, e.PledgeID); err != nil {
		return err
	}
	if e.Slug, err = s.RandomToken(); err != nil {
		return err
	}
	if e.Code, err = s.RandomCode(EventCodeLen); err != nil {
		return err
	}
	e.Status = StatusDraft
	e.CreatedAt = s.now()
	err = s.audited(ctx, a.User, a.IP, "event.create", e.OrgID, "", Plain(e.Title), func(ctx context.Context, audit *PendingAudit) error {
		audit.Finish = func(entry *AuditEntry) { entry.Target = fmt.Sprintf("event:%d", e.ID) }
		return s.Store.CreateEvent(ctx, e)
	})
	if err != nil {
		return fmt.Errorf("create event: %w", err)
	}
	return nil
}

// VisibleEvent returns an event the actor may see (ENOTFOUND otherwise)
// and the event's organization: an event of their subtree, or one that
// their organization joins (see User.JoinsEventsOf). Whoever shows such an
// event shows only the participants inside the actor's scope.
func (s *Service) VisibleEvent(ctx context.Context, u User, id int64) (Event, Organization, error) {
	e, err := s.Store.Event(ctx, id)
	if err != nil {
		return Event{}, Organization{}, err
	}
	org, err := s.Store.Organization(ctx, e.OrgID)
	if err != nil {
		return Event{}, Organization{}, fmt.Errorf("event %d organization: %w", id, err)
	}
	if !u.Can(ActView, org.Path) && !u.JoinsEventsOf(org.Path) {
		return Event{}, Organization{}, Errorf(ENOTFOUND, "Acara tidak ditemukan.")
	}
	return e, org, nil
}

// ManagedEvent returns an event u may open and close, with its
// organization: the officer confirms closing it before it happens.
func (s *Service) ManagedEvent(ctx context.Context, u User, id int64) (Event, Organization, error) {
	e, org, err := s.VisibleEvent(ctx, u, id)
	if err != nil {
		return Event{}, Organization{}, err
	}
	if !u.Can(ActManageEvents, org.Path) {
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return e, org, nil
}

// seesEvent checks that u may see e, whose organization is org (as
// VisibleEvent returned them).
func seesEvent(u User, e Event, org Organization) error {
	if org.ID != e.OrgID || (!u.Can(ActView, org.Path) && !u.JoinsEventsOf(org.Path)) {
		return Errorf(ENOTFOUND, "Acara tidak ditemukan.")
	}
	return nil
}

// SetEventStatus opens or closes an event. A closed event cannot be opened
// again without a reason.
func (s *Service) SetEventStatus(ctx context.Context, a Actor, id int64, to EventStatus, reason string) (Event, error) {
	e, _, err := s.ManagedEvent(ctx, a.User, id)
	if err != nil {
		return Event{}, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case to == e.Status:
		return e, nil
	case to == StatusOpen && e.Status == StatusClosed && reason == "":
		return Event{}, Errorf(EINVALID, "Membuka kembali acara yang sudah ditutup memerlukan alasan.")
	case to == StatusClosed && e.Status == StatusDraft:
		return Event{}, Errorf(ECONFLICT, "Acara yang belum dibuka tidak dapat ditutup.")
	case to != StatusOpen && to != StatusClosed:
		return Event{}, Errorf(EINVALID, "Status acara tidak dikenal.")
	}
	at := s.now()
	err = s.audited(ctx, a.User, a.IP, "event."+string(to), e.OrgID, fmt.Sprintf("event:%d", id), Plain(reason), func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetEventStatus(ctx, id, to, at)
	})
	if err != nil {
		return Event{}, fmt.Errorf("set event %d status: %w", id, err)
	}
	e.Status = to
	if to == StatusOpen {
		e.OpenedAt = at
	} else {
		e.ClosedAt = at
	}
	return e, nil
}

// Scheduler is the actor of scheduled openings and closings.
var Scheduler = User{ID: 0, Name: "jadwal (sistem)", Role: RoleSuperadmin, Active: true, OrgPath: "/"}

// ApplySchedule opens the drafts whose signing window has begun and closes
// the open events whose window has ended, in the organization's own time
// (the window is stored as an instant). An event someone opened or closed
// by hand is left to them.
func (s *Service) ApplySchedule(ctx context.Context) (changed []Event, err error) {
	now := s.now()
	due, err := s.Store.DueEvents(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("scheduled events: %w", err)
	}
	for _, e := range due {
		to, why := StatusOpen, Detailf("jadwal pembukaan penandatanganan")
		if e.Status == StatusOpen {
			to, why = StatusClosed, Detailf("jadwal penutupan penandatanganan")
		}
		err := s.audited(ctx, Scheduler, "", "event."+string(to), e.OrgID, fmt.Sprintf("event:%d", e.ID), why, func(ctx context.Context, _ *PendingAudit) error {
			return s.Store.SetEventStatus(ctx, e.ID, to, now)
		})
		if err != nil {
			return changed, fmt.Errorf("scheduled %s of event %d: %w", to, e.ID, err)
		}
		e.Status = to
		changed = append(changed, e)
	}
	return changed, nil
}

// Events lists the events of the organizations u may see.
func (s *Service) Events(ctx context.Context, u User) ([]Event, error) {
	return s.Store.Events(ctx, u.Scope())
}

// PublicEvent is an event as its public pages show it: anyone with its
// link sees its title, place, time and organization.
func (s *Service) PublicEvent(ctx context.Context, id int64) (Event, error) {
	return s.Store.Event(ctx, id)
}

// PublicEventBySlug is the event of a public link.
func (s *Service) PublicEventBySlug(ctx context.Context, slug string) (Event, error) {
	return s.Store.EventBySlug(ctx, slug)
}

// EventStore keeps declaration events.
type EventStore interface {
	CreateEvent(ctx context.Context, e *Event) error
	Event(ctx context.Context, id int64) (Event, error)
	EventBySlug(ctx context.Context, slug string) (Event, error)
	Events(ctx context.Context, scope string) ([]Event, error)
	SetEventStatus(ctx context.Context, id int64, status EventStatus, at time.Time) error
	// DueEvents lists events whose schedule calls for a change at now: a
	// draft whose signing window has opened, an open event whose window has
	// closed — each only if no one has opened or closed it by hand before.
	DueEvents(ctx context.Context, now time.Time) ([]Event, error)
	// LinkGeneration is the current generation of an employee's personal
	// link for an event (0 until reissued).
	LinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error)
}
