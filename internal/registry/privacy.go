package registry

import (
	"context"
	"time"
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
