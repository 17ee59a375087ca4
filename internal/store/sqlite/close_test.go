package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Closing an event is a point in time: signings racing the close either
// commit with a signing time before the stored close or are refused as
// closed; none commits after it with a later signing time.
func TestCloseRacesSignings(t *testing.T) {
	const n = 200
	f := mustFixture(t, n)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			if i%4 == 0 {
				time.Sleep(time.Duration(i/4) * 100 * time.Microsecond)
			}
			errs[i] = f.db.InsertSignature(ctx, newSig(f, i, fmt.Sprintf("CL%06d", i)))
		}(i)
	}
	close(start)
	time.Sleep(2 * time.Millisecond)
	// The close time is taken before it commits, as the service does:
	// signings stamped after it may commit first.
	if err := f.db.SetEventStatus(ctx, f.event.ID, registry.StatusClosed, time.Now()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	ev, err := f.db.Event(ctx, f.event.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, refused := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			stored++
		case registry.IsCode(err, registry.ENOTOPEN):
			refused++
		default:
			t.Errorf("signing %d: %v", i, err)
		}
	}
	for i, err := range errs {
		s, gerr := f.db.SignatureByCode(ctx, fmt.Sprintf("CL%06d", i))
		if err != nil {
			if gerr == nil {
				t.Errorf("signing %d was refused (%v) but its record is stored", i, err)
			}
			continue
		}
		if gerr != nil {
			t.Fatalf("signing %d succeeded, record not found: %v", i, gerr)
		}
		if !s.SignedAt.Before(ev.ClosedAt) {
			t.Errorf("record %s signed at %s, at or after the close at %s", s.Code, s.SignedAt.Format(time.RFC3339Nano), ev.ClosedAt.Format(time.RFC3339Nano))
		}
	}
	// After the close nothing commits.
	if err := f.db.InsertSignature(ctx, newSig(f, 0, "CLLATE1")); !registry.IsCode(err, registry.ENOTOPEN) && !registry.IsCode(err, registry.ECONFLICT) {
		t.Errorf("signing after the close: %v, want refused", err)
	}
	t.Logf("%d stored before the close, %d refused", stored, refused)
}
