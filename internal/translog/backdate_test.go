package translog

import (
	"testing"
	"time"
)

// TestBackdated: an insider appends a record today that says it was
// signed last month; the witnesses' clocks say when the log first held it.
func TestBackdated(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	b := NewBackdateCheck([]WitnessedAt{{Size: 10, At: t0}, {Size: 5, At: t0.Add(-time.Hour)}, {Size: 20, At: t0.Add(time.Hour)}}, 10*time.Minute)
	cases := []struct {
		name    string
		index   int64
		claimed time.Time
		want    bool
	}{
		{"logged before witnessing began", 2, t0.Add(-90 * 24 * time.Hour), false},
		{"signed just before its checkpoint", 7, t0.Add(-5 * time.Minute), false},
		{"signed within the tolerance", 7, t0.Add(-9 * time.Minute), false},
		{"back-dated a month", 7, t0.Add(-30 * 24 * time.Hour), true},
		{"back-dated beyond the tolerance", 12, t0.Add(time.Hour - 11*time.Minute), true},
		{"not witnessed yet", 25, t0.Add(-30 * 24 * time.Hour), false},
	}
	for _, tc := range cases {
		if _, got := b.Backdated(tc.index, tc.claimed); got != tc.want {
			t.Errorf("%s: back-dated %v, want %v", tc.name, got, tc.want)
		}
	}
	w := Witnessed{{"a", t0.Add(-time.Hour)}, {"b", t0}, {"c", t0.Add(time.Hour)}}
	if got := w.QuorumTime(2); !got.Equal(t0) {
		t.Errorf("quorum time of 2: %v, want the second earliest %v", got, t0)
	}
	if got := w.QuorumTime(4); !got.IsZero() {
		t.Errorf("quorum time of 4 of 3: %v", got)
	}
}
