package translog

import (
	"sort"
	"time"
)

// Cosignature times date checkpoints: a record that claims to be signed
// long before the first witnessed checkpoint holding it was appended
// later than it says (back-dated). The registry's clock is its own; the
// witnesses' clocks are not.

// WitnessedAt is the time a quorum of witnesses had cosigned a checkpoint
// of Size leaves.
type WitnessedAt struct {
	Size int64
	At   time.Time
}

// QuorumTime is the time by which q of the cosignatures were made: the
// q-th earliest. Fewer than q cosignatures give the zero time. Taking the
// q-th rather than the earliest keeps q-1 witnesses that date early from
// hiding a back-dated record.
func (w Witnessed) QuorumTime(q int) time.Time {
	if q < 1 || len(w) < q {
		return time.Time{}
	}
	ts := make([]time.Time, len(w))
	for i, c := range w {
		ts[i] = c.Time
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	return ts[q-1]
}

// BackdateCheck finds records whose signing time is earlier, by more than
// Tolerance, than the witnessed time of the first witnessed checkpoint
// that holds them. Leaves below the first witnessed checkpoint are not
// judged: they were logged before witnessing began, and the log cannot
// date them.
type BackdateCheck struct {
	witnessed []WitnessedAt // by size, each later one larger
	Tolerance time.Duration
}

// NewBackdateCheck takes the witnessed checkpoints in any order.
func NewBackdateCheck(ws []WitnessedAt, tolerance time.Duration) *BackdateCheck {
	ws = append([]WitnessedAt(nil), ws...)
	sort.Slice(ws, func(i, j int) bool { return ws[i].Size < ws[j].Size })
	return &BackdateCheck{witnessed: ws, Tolerance: tolerance}
}

// Backdated reports, for leaf index whose record says it was made at
// claimed, the witnessed checkpoint that first holds it and whether the
// claim is too early for it.
func (b *BackdateCheck) Backdated(index int64, claimed time.Time) (WitnessedAt, bool) {
	if len(b.witnessed) == 0 || index < b.witnessed[0].Size || claimed.IsZero() {
		return WitnessedAt{}, false
	}
	i := sort.Search(len(b.witnessed), func(i int) bool { return b.witnessed[i].Size > index })
	if i == len(b.witnessed) {
		return WitnessedAt{}, false // not witnessed yet
	}
	w := b.witnessed[i]
	return w, claimed.Before(w.At.Add(-b.Tolerance))
}

// ClaimedTime is when an entry says it was made: signed, revoked or
// issued.
func (e Entry) ClaimedTime() time.Time {
	switch {
	case !e.RevokedAt.IsZero():
		return e.RevokedAt
	case !e.IssuedAt.IsZero():
		return e.IssuedAt
	}
	return e.SignedAt
}
