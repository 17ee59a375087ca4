package storetest

import (
	"errors"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// A witnessed log's state starts at size 0, moves only when the check
// passes against the state it replaces, and of two advances from the same
// state at once only one passes its check: the other sees the first's.
func testWitnessedLogs(t *testing.T, s Store) {
	const origin = "kab.example/ikrar"
	if _, ok, err := s.Witnessed(ctx, origin); err != nil || ok {
		t.Fatalf("a log never witnessed: kept %v, %v", ok, err)
	}
	first := translog.WitnessState{Size: 5, Root: tlog.Hash{5}}
	var seen translog.WitnessState
	if err := s.AdvanceWitnessed(ctx, origin, func(cur translog.WitnessState) error { seen = cur; return nil }, first); err != nil {
		t.Fatal(err)
	}
	if seen != (translog.WitnessState{}) {
		t.Errorf("the first advance checked against %+v, want the zero state", seen)
	}
	refused := errors.New("refused")
	if err := s.AdvanceWitnessed(ctx, origin, func(translog.WitnessState) error { return refused }, translog.WitnessState{Size: 9}); !errors.Is(err, refused) {
		t.Errorf("a refused advance: %v", err)
	}
	if st, ok, err := s.Witnessed(ctx, origin); err != nil || !ok || st != first {
		t.Fatalf("kept %+v, %v, %v; want %+v", st, ok, err, first)
	}
	// Each advance accepts only the state it was told is current.
	var wg sync.WaitGroup
	passed := make([]bool, 2)
	for i := range passed {
		wg.Go(func() {
			next := translog.WitnessState{Size: int64(10 + i), Root: tlog.Hash{byte(10 + i)}}
			err := s.AdvanceWitnessed(ctx, origin, func(cur translog.WitnessState) error {
				if cur != first {
					return refused
				}
				return nil
			}, next)
			passed[i] = err == nil
		})
	}
	wg.Wait()
	if passed[0] == passed[1] {
		t.Errorf("two advances from one state: passed %v, want exactly one", passed)
	}
}
