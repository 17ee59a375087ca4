package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// RunInstances runs the tests of a store that several ikrar instances
// share (PostgreSQL): open gives n stores on one new database, as n
// processes would have.
func RunInstances(t *testing.T, open func(t *testing.T, n int) []Store) {
	t.Run("SeveralWritersOneLog", func(t *testing.T) { testSeveralWritersOneLog(t, open(t, 3)) })
	t.Run("CloseOnAnotherInstance", func(t *testing.T) { testCloseOnAnotherInstance(t, open(t, 2)) })
	t.Run("DashboardsSeeOtherInstances", func(t *testing.T) { testDashboardsSeeOtherInstances(t, open(t, 2)) })
	t.Run("EventChangesReachOtherInstances", func(t *testing.T) { testEventChangesReachOtherInstances(t, open(t, 2)) })
}

// An event read (and kept) by one instance and closed on another reads
// closed on the first soon after, without a restart.
func testEventChangesReachOtherInstances(t *testing.T, stores []Store) {
	w := mustWorld(t, stores[0], 1)
	reader, writer := stores[1], stores[0]
	for range 2 { // read twice: the second read may come from memory
		if e, err := reader.EventBySlug(ctx, w.event.Slug); err != nil || e.Status != registry.StatusOpen {
			t.Fatalf("before the close: %s, %v", e.Status, err)
		}
	}
	if err := writer.SetEventStatus(ctx, w.event.ID, registry.StatusClosed, at); err != nil {
		t.Fatal(err)
	}
	// Not a timing assertion: the notification comes when it comes; the
	// bound only keeps a lost one from hanging the suite.
	deadline := time.Now().Add(time.Minute)
	for {
		e, err := reader.EventBySlug(ctx, w.event.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status == registry.StatusClosed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other instance still reads the event open")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if e, err := reader.Event(ctx, w.event.ID); err != nil || e.Status != registry.StatusClosed {
		t.Errorf("by ID on the other instance: %s, %v; want closed", e.Status, err)
	}
}

// A dashboard on one instance is woken by a signing, a revocation and an
// erasure committed on another, and reads the new numbers.
func testDashboardsSeeOtherInstances(t *testing.T, stores []Store) {
	w := mustWorld(t, stores[0], 2)
	watcher, writer := stores[1], stores[0]
	woken := func(what string, ch <-chan struct{}) {
		t.Helper()
		// Not a timing assertion: the notification comes when it comes;
		// the bound only keeps a lost one from hanging the suite.
		select {
		case <-ch:
		case <-time.After(time.Minute):
			t.Fatalf("the other instance's dashboard was not woken by %s", what)
		}
	}
	ch := watcher.ProgressChanged(w.event.ID)
	sig := mustSign(t, writer, w.signing(0, "DASH00000001"))
	woken("a signing", ch)
	if p, err := watcher.Progress(ctx, w.event, "/", at, 10); err != nil || p.Signed() != 1 {
		t.Errorf("progress after a signing elsewhere: %d signed, %v", p.Signed(), err)
	}
	ch = watcher.ProgressChanged(w.event.ID)
	mustRevoke(t, writer, sig.ID)
	woken("a revocation", ch)
	ch = watcher.ProgressChanged(w.event.ID)
	if err := writer.EraseSignature(ctx, sig.ID, at); err != nil {
		t.Fatal(err)
	}
	woken("an erasure", ch)

	// The checkpointer of the watching instance hears of the growth too.
	select {
	case <-watcher.Appended():
	default:
	}
	mustSign(t, writer, w.signing(1, "DASH00000002"))
	woken("an append, for the checkpointer", watcher.Appended())
}

// Signing through several instances at once keeps one standing record per
// person and one append-only log: every leaf claimed once, no gap, and
// the tree every instance serves is the one the rows recompute.
func testSeveralWritersOneLog(t *testing.T, stores []Store) {
	const n = 120
	w := mustWorld(t, stores[0], n)
	// Each employee twice, through two different instances.
	signTwice(t, w, stores, "M")
	for _, s := range stores {
		mustAuditLog(t, s, n)
	}
}

// A close committed on one instance stops the signings of every other:
// each signing either commits before the close, which then closes after
// it, or fails as the event is closed.
func testCloseOnAnotherInstance(t *testing.T, stores []Store) {
	const n = 80
	w := mustWorld(t, stores[0], n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	sigs := make([]*registry.Signature, n)
	for i := range n {
		sigs[i] = w.signing(i, fmt.Sprintf("K%011d", i))
		wg.Go(func() { errs[i] = stores[0].InsertSignature(ctx, sigs[i]) })
		if i == n/2 {
			wg.Go(func() {
				if err := stores[1].SetEventStatus(ctx, w.event.ID, registry.StatusClosed, at); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	e, err := stores[1].Event(ctx, w.event.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for i, err := range errs {
		switch {
		case err == nil:
			stored++
			if !sigs[i].SignedAt.Before(e.ClosedAt) {
				t.Errorf("record %s signed at %v, not before the close at %v", sigs[i].Code, sigs[i].SignedAt, e.ClosedAt)
			}
		case !registry.IsCode(err, registry.ENOTOPEN):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	after := w.signing(0, "LATE00000001")
	after.EmployeeID, after.SignedAt = w.emps[n-1].ID, e.ClosedAt.Add(time.Second)
	for _, s := range stores {
		if err := s.InsertSignature(ctx, after); !registry.IsCode(err, registry.ENOTOPEN) {
			t.Errorf("a signing after the close: %v, want %s", err, registry.ENOTOPEN)
		}
	}
	mustAuditLog(t, stores[0], int64(stored))
}

// RunDropped signs through two instances at once and calls drop, which
// cuts the first one's connections, midway: every signing either
// instance acknowledged must be stored, once, and the log recompute from
// the rows, whatever the dropped instance had in flight.
func RunDropped(t *testing.T, dropped, survivor Store, drop func()) {
	const n = 200
	w := mustWorld(t, survivor, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	sigs := make([]*registry.Signature, n)
	for i := range n {
		s := survivor
		if i%2 == 0 {
			s = dropped
		}
		sigs[i] = w.signing(i, fmt.Sprintf("D%011d", i))
		wg.Go(func() { errs[i] = s.InsertSignature(ctx, sigs[i]) })
		if i == n/2 {
			drop()
		}
	}
	wg.Wait()
	acked, failed := 0, 0
	for i, err := range errs {
		if err != nil {
			failed++
			continue
		}
		acked++
		got, err := survivor.SignatureByCode(ctx, sigs[i].Code)
		if err != nil || got.ID != sigs[i].ID || got.LeafIndex != sigs[i].LeafIndex {
			t.Errorf("acknowledged signing %s: %+v, %v; want it stored at leaf %d", sigs[i].Code, got, err, sigs[i].LeafIndex)
		}
	}
	t.Logf("%d acknowledged, %d failed with the dropped connections", acked, failed)
	size, err := survivor.LogSize(ctx)
	if err != nil || size < int64(acked) {
		t.Fatalf("log size %d (%v), below the %d acknowledged", size, err, acked)
	}
	mustAuditLog(t, survivor, size)
	// The dropped instance recovers: its pool connects again.
	if err := dropped.InsertSignature(ctx, w.signing(0, "AFTERDROP001")); err != nil && !registry.IsCode(err, registry.ECONFLICT) {
		t.Errorf("a signing on the dropped instance afterwards: %v", err)
	}
}
