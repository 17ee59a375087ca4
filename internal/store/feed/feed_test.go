package feed

import "testing"

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// A change of one event wakes the dashboards of that event only; a change
// of any event (0) wakes them all; a dashboard woken waits anew.
func TestWake(t *testing.T) {
	var f Feed
	a, b := f.Wait(1), f.Wait(2)
	if f.Wait(1) != a {
		t.Fatal("two dashboards of one event wait on different channels")
	}
	f.Wake()
	f.Wake(3)
	if closed(a) || closed(b) {
		t.Fatal("woken by no change of theirs")
	}
	f.Wake(1)
	if !closed(a) || closed(b) {
		t.Fatalf("after a change of event 1: woken %v and %v, want only the first", closed(a), closed(b))
	}
	a = f.Wait(1)
	if closed(a) {
		t.Fatal("a dashboard woken does not wait for the next change")
	}
	f.Wake(0)
	if !closed(a) || !closed(b) {
		t.Fatal("a change of any event did not wake every dashboard")
	}
}
