package registry

import (
	"crypto/subtle"
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
