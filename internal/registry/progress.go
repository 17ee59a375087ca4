package registry

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

const (
	// CurveMinutes is how far back the live signing curve goes.
	CurveMinutes = 60
	// LatestShown is how many of the latest records the dashboard lists.
	LatestShown = 10
)

// Progress is the live state of an event as one officer sees it: only the
// participants inside their scope count.
type Progress struct {
	Units []UnitProgress
	// Curve holds the signings of each minute, oldest first; Service.Progress
	// fills every minute of the last CurveMinutes.
	Curve []MinuteCount
	// Latest holds the newest standing records with Name, Unit, OrgName and
	// SignedAt set.
	Latest []Signature
}

// UnitProgress counts one unit of one organization. Signers count in the
// unit the roster has them in now, so a transfer moves their signature
// with them.
type UnitProgress struct {
	OrgID    int64
	OrgName  string
	Unit     string // empty: employees without a unit
	Eligible int
	Signed   int
}

// MinuteCount is the number of signings made in the minute starting at
// Minute.
type MinuteCount struct {
	Minute time.Time
	Count  int
}

// Pending is how many eligible employees of the unit have not signed.
func (u UnitProgress) Pending() int { return max(u.Eligible-u.Signed, 0) }

// Completion is the share of the unit that signed, in [0, 1]. Signers who
// are no longer eligible (deactivated since) can push the count past the
// roster; the share stops at 1.
func (u UnitProgress) Completion() float64 {
	if u.Eligible <= 0 {
		if u.Signed > 0 {
			return 1
		}
		return 0
	}
	return min(float64(u.Signed)/float64(u.Eligible), 1)
}

// Label names the unit; with several organizations in view it adds the
// organization, since units of different agencies often share a name.
func (u UnitProgress) Label(withOrg bool) string {
	switch {
	case u.Unit == "":
		return u.OrgName
	case withOrg:
		return u.Unit + " · " + u.OrgName
	}
	return u.Unit
}

// Eligible is the number of employees who may sign.
func (p Progress) Eligible() int { return p.sum(func(u UnitProgress) int { return u.Eligible }) }

// Signed is the number of standing records.
func (p Progress) Signed() int { return p.sum(func(u UnitProgress) int { return u.Signed }) }

// Pending is the number of eligible employees who have not signed.
func (p Progress) Pending() int { return p.sum(UnitProgress.Pending) }

func (p Progress) sum(f func(UnitProgress) int) int {
	n := 0
	for _, u := range p.Units {
		n += f(u)
	}
	return n
}

// Completion is the share of the eligible employees who signed, in [0, 1].
func (p Progress) Completion() float64 {
	return UnitProgress{Eligible: p.Eligible(), Signed: p.Signed()}.Completion()
}

// ManyOrgs reports whether the units belong to more than one organization.
func (p Progress) ManyOrgs() bool {
	for _, u := range p.Units {
		if u.OrgID != p.Units[0].OrgID {
			return true
		}
	}
	return false
}

// Progress returns e's live progress inside scope as of now: units sorted
// by completion (most complete first), the signing curve of the last
// CurveMinutes minute by minute, and the LatestShown newest records. The
// caller has checked that the viewer may see e.
func (s *Service) Progress(ctx context.Context, e Event, scope string) (Progress, error) {
	now := s.now().Truncate(time.Minute)
	since := now.Add(-(CurveMinutes - 1) * time.Minute)
	p, err := s.Store.Progress(ctx, e, scope, since, LatestShown)
	if err != nil {
		return Progress{}, fmt.Errorf("progress of event %d: %w", e.ID, err)
	}
	slices.SortFunc(p.Units, func(a, b UnitProgress) int {
		return cmp.Or(cmp.Compare(b.Completion(), a.Completion()), cmp.Compare(b.Eligible, a.Eligible),
			cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.OrgName, b.OrgName), cmp.Compare(a.OrgID, b.OrgID))
	})
	counts := map[int64]int{}
	for _, m := range p.Curve {
		counts[m.Minute.Unix()] += m.Count
	}
	p.Curve = make([]MinuteCount, CurveMinutes)
	for i := range p.Curve {
		m := since.Add(time.Duration(i) * time.Minute)
		p.Curve[i] = MinuteCount{Minute: m, Count: counts[m.Unix()]}
	}
	return p, nil
}

// OpsStore serves the live dashboard and the projector.
type OpsStore interface {
	// Progress counts e's participants and records inside scope: eligible
	// and signed per organization and unit, signings per minute from since
	// on (minutes without any left out), and the latest standing records,
	// newest first. It reads counters kept in the signing transaction, so
	// its cost does not grow with the roster.
	Progress(ctx context.Context, e Event, scope string, since time.Time, latest int) (Progress, error)
	// ProgressChanged returns a channel closed after the next commit that
	// may change the progress of event eventID (a signing or a revocation).
	// Roster imports and status changes do not close it.
	ProgressChanged(eventID int64) <-chan struct{}
}

// EventStats counts an event's participants.
type EventStats struct {
	Eligible int
	Signed   int
	Revoked  int
	// Paper counts the standing records signed on paper, among Signed.
	Paper int
}

// EventStatsFor are the figures of e's participants inside u's scope.
func (s *Service) EventStatsFor(ctx context.Context, u User, e Event) (EventStats, error) {
	return s.Store.ScopedEventStats(ctx, e, u.Scope())
}

// EventStats are the figures of all of e's participants.
func (s *Service) EventStats(ctx context.Context, u User, e Event, org Organization) (EventStats, error) {
	if err := seesEvent(u, e, org); err != nil {
		return EventStats{}, err
	}
	return s.Store.EventStats(ctx, e)
}
