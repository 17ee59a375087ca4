package metrics

import (
	"testing"
	"time"
)

// TestHotPathAllocs: counting a signing and a group commit, on the path
// every signer waits on, allocates nothing; with metrics off (nil) it does
// nothing at all.
func TestHotPathAllocs(t *testing.T) {
	m := New(Build{Version: "v0.0.0-test"})
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"signing", func() { m.Signing(ChannelWeb, ResultOK) }},
		{"commit", func() { m.Committed(64, 3*time.Millisecond) }},
		{"off", func() { (*Metrics)(nil).Signing(ChannelAPI, ResultError) }},
	} {
		if n := testing.AllocsPerRun(1000, c.f); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", c.name, n)
		}
	}
}
