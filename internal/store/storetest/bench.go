package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// BenchmarkSigning measures concurrent signings through a store's group
// commit: 64 signers at a time, each record a new (event, employee) pair,
// its leaf appended in the record's transaction. Run it for two stores in
// one process to compare them (the figures are a ratio, the machine being
// shared).
func BenchmarkSigning(b *testing.B, s Store) {
	const employees, events = 2000, 64
	w := mustWorld(b, s, employees)
	evs := []registry.Event{w.event}
	for i := 1; i < events; i++ {
		e := w.event
		e.ID, e.Slug = 0, fmt.Sprintf("apel-%d", i)
		evs = append(evs, mustEvent(b, s, e))
	}
	var next atomic.Int64
	b.SetParallelism(32) // with GOMAXPROCS 2: 64 signers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := int(next.Add(1) - 1)
			if k >= employees*events {
				b.Fatal("more signings than (event, employee) pairs")
			}
			sig := w.signing(k%employees, fmt.Sprintf("B%011d", k))
			sig.EventID = evs[k/employees].ID
			if err := s.InsertSignature(ctx, sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}
