// Package feed tells the live dashboards of one process that an event's
// numbers may have changed. It has one waiter per watched event, not one
// per open dashboard, so a commit costs the signing path a short loop at
// most. A store wakes it after each commit that changes progress (and
// PostgreSQL also when another instance tells of one).
package feed

import (
	"slices"
	"sync"
)

// Feed is the waiters of the watched events. The zero Feed is ready.
type Feed struct {
	mu      sync.Mutex
	waiting map[int64]chan struct{} // event → closed at its next change
}

// Wait returns a channel closed at the next change of eventID.
func (f *Feed) Wait(eventID int64) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.waiting == nil {
		f.waiting = map[int64]chan struct{}{}
	}
	ch, ok := f.waiting[eventID]
	if !ok {
		ch = make(chan struct{})
		f.waiting[eventID] = ch
	}
	return ch
}

// Wake closes the waiters of the events given, or of every event when one
// is 0 (a change of any event: a revocation, an erasure).
func (f *Feed) Wake(eventIDs ...int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if slices.Contains(eventIDs, 0) {
		for id, ch := range f.waiting {
			close(ch)
			delete(f.waiting, id)
		}
		return
	}
	for _, id := range eventIDs {
		if ch, ok := f.waiting[id]; ok {
			close(ch)
			delete(f.waiting, id)
		}
	}
}
