package rowcache

import (
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// An event read once is served from memory until it is dropped; a read
// that began before a drop (another instance closing the event meanwhile)
// is answered but not kept, so the next read goes to the database again.
func TestEventDropWinsOverAnOlderRead(t *testing.T) {
	c := New()
	reads := 0
	open := func() (registry.Event, error) {
		reads++
		return registry.Event{ID: 7, Slug: "apel", Status: registry.StatusOpen}, nil
	}
	for range 2 {
		if e, err := c.Event(7, open); err != nil || e.Status != registry.StatusOpen {
			t.Fatalf("event %+v, %v", e, err)
		}
	}
	if e, err := c.EventBySlug("apel", open); err != nil || e.ID != 7 || reads != 1 {
		t.Fatalf("by slug %+v, %v after %d reads; want the cached event after one read", e, err, reads)
	}
	c.DropEvent(7)
	stale := func() (registry.Event, error) {
		reads++
		c.DropEvent(7) // the event changes while this read is under way
		return registry.Event{ID: 7, Slug: "apel", Status: registry.StatusOpen}, nil
	}
	if _, err := c.Event(7, stale); err != nil {
		t.Fatal(err)
	}
	closed := func() (registry.Event, error) {
		reads++
		return registry.Event{ID: 7, Slug: "apel", Status: registry.StatusClosed}, nil
	}
	if e, _ := c.EventBySlug("apel", closed); e.Status != registry.StatusClosed || reads != 3 {
		t.Fatalf("after a drop during a read: %s after %d reads; want the event read again, closed", e.Status, reads)
	}
	c.DropEvent(0)
	if e, _ := c.Event(7, open); e.Status != registry.StatusOpen || reads != 4 {
		t.Fatalf("after dropping every event: %s after %d reads; want it read again", e.Status, reads)
	}
}
