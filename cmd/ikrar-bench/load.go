package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// errExhausted ends a phase early: its source of distinct signers (or of
// certificates not yet downloaded) has run out.
var errExhausted = errors.New("source exhausted")

// outcome is what one request gave: ok, or why not ("status 500",
// "transport", "bad redirect").
type outcome struct {
	ok     bool
	reason string
}

func failed(format string, args ...any) outcome { return outcome{reason: fmt.Sprintf(format, args...)} }

var success = outcome{ok: true}

// load bounds one phase: c workers, until the duration has passed or the
// request cap is reached, whichever comes first.
//
// Without a rate the load is closed: each worker sends its next request as
// soon as the last one is answered, which measures the most the server can
// do, and the latency that follows from c requests always in flight. With
// a Rate the load is open: requests are due at fixed intervals whatever
// the answers do, the c workers are the most that may be in flight, and a
// request's latency counts from when it was due, so time spent waiting
// for a free worker is counted too (no coordinated omission). That is the
// latency a user sees at that rate of arrivals.
type load struct {
	Concurrency int
	Duration    time.Duration
	MaxRequests int     // 0: no cap
	Rate        float64 // requests per second; 0: closed load
}

// worker is one simulated client; phases keep their per-client state (a
// cookie jar, a CSRF token) in state.
type worker struct {
	id    int
	state any
}

// measured is the raw record of a phase.
type measured struct {
	Latencies []time.Duration // of successful and failed requests alike
	Errors    map[string]int
	Elapsed   time.Duration
	Exhausted bool
}

// run drives a phase. setup runs once per worker before the clock starts
// (a failure there fails the phase); do makes one request and returns
// errExhausted when there is nothing left to send.
func (l load) run(ctx context.Context, setup func(ctx context.Context, w *worker) error,
	do func(ctx context.Context, w *worker) (outcome, error)) (measured, error) {
	workers := make([]*worker, l.Concurrency)
	for i := range workers {
		workers[i] = &worker{id: i}
	}
	if setup != nil {
		var wg sync.WaitGroup
		errs := make([]error, len(workers))
		sem := make(chan struct{}, 16)
		for i, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				errs[i] = setup(ctx, w)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return measured{}, fmt.Errorf("worker setup: %w", err)
		}
	}

	if l.Rate > 0 {
		return l.runOpen(ctx, workers, do)
	}
	var issued atomic.Int64
	var exhausted atomic.Bool
	deadline := time.Now().Add(l.Duration)
	tallies := make([]tally, len(workers))
	start := time.Now()
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := newTally()
			defer func() { tallies[i] = t }()
			for ctx.Err() == nil && !exhausted.Load() && time.Now().Before(deadline) {
				if n := issued.Add(1); l.MaxRequests > 0 && n > int64(l.MaxRequests) {
					return
				}
				t0 := time.Now()
				out, err := do(ctx, w)
				if errors.Is(err, errExhausted) {
					exhausted.Store(true)
					return
				}
				if err != nil { // the run was interrupted
					return
				}
				t.add(time.Since(t0), out)
			}
		}()
	}
	wg.Wait()
	return collect(tallies, time.Since(start), exhausted.Load()), ctx.Err()
}

// tally is what one worker saw.
type tally struct {
	lat  []time.Duration
	errs map[string]int
}

func newTally() tally { return tally{lat: make([]time.Duration, 0, 4096), errs: map[string]int{}} }

// add records one request's latency and, if it failed, why.
func (t *tally) add(lat time.Duration, out outcome) {
	t.lat = append(t.lat, lat)
	if !out.ok {
		t.errs[out.reason]++
	}
}

func collect(tallies []tally, elapsed time.Duration, exhausted bool) measured {
	m := measured{Elapsed: elapsed, Errors: map[string]int{}, Exhausted: exhausted}
	for _, t := range tallies {
		m.Latencies = append(m.Latencies, t.lat...)
		for k, v := range t.errs {
			m.Errors[k] += v
		}
	}
	return m
}

// runOpen sends requests at l.Rate for l.Duration through the workers.
func (l load) runOpen(ctx context.Context, workers []*worker, do func(ctx context.Context, w *worker) (outcome, error)) (measured, error) {
	total := int(l.Rate * l.Duration.Seconds())
	if l.MaxRequests > 0 {
		total = min(total, l.MaxRequests)
	}
	interval := time.Duration(float64(time.Second) / l.Rate)
	due := make(chan time.Time, len(workers))
	var exhausted atomic.Bool
	tallies := make([]tally, len(workers))
	start := time.Now()
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := newTally()
			defer func() { tallies[i] = t }()
			for at := range due {
				if exhausted.Load() {
					continue // drain what was already due
				}
				out, err := do(ctx, w)
				if errors.Is(err, errExhausted) {
					exhausted.Store(true)
					continue
				}
				if err != nil {
					continue // the run was interrupted
				}
				t.add(time.Since(at), out)
			}
		}()
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
schedule:
	for k := 0; k < total && !exhausted.Load(); k++ {
		at := start.Add(time.Duration(k) * interval)
		if d := time.Until(at); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				break schedule
			}
		}
		select {
		case due <- at: // blocks while every worker is busy; the wait counts
		case <-ctx.Done():
			break schedule
		}
	}
	close(due)
	wg.Wait()
	return collect(tallies, time.Since(start), exhausted.Load()), ctx.Err()
}

// stats are the figures a phase reports.
type stats struct {
	Requests int            `json:"requests"`
	Errors   int            `json:"errors"`
	ByReason map[string]int `json:"errors_by_reason,omitempty"`
	Seconds  float64        `json:"seconds"`
	RPS      float64        `json:"req_per_s"`
	P50      float64        `json:"p50_ms"`
	P95      float64        `json:"p95_ms"`
	P99      float64        `json:"p99_ms"`
	Max      float64        `json:"max_ms"`
	PeakRSS  float64        `json:"server_peak_rss_mb"`
	// CPU time per request of the server (every instance), of the
	// PostgreSQL cluster on this machine and of the load generator (this
	// process), from /proc/PID/stat.
	ServerCPU   float64 `json:"server_cpu_ms_per_req"`
	DatabaseCPU float64 `json:"database_cpu_ms_per_req,omitempty"`
	ClientCPU   float64 `json:"client_cpu_ms_per_req"`
}

func summarize(m measured) stats {
	s := stats{Requests: len(m.Latencies), ByReason: m.Errors, Seconds: m.Elapsed.Seconds()}
	for _, n := range m.Errors {
		s.Errors += n
	}
	if m.Elapsed > 0 {
		s.RPS = float64(s.Requests) / m.Elapsed.Seconds()
	}
	lat := slices.Clone(m.Latencies)
	slices.Sort(lat)
	s.P50, s.P95, s.P99 = ms(percentile(lat, 50)), ms(percentile(lat, 95)), ms(percentile(lat, 99))
	if len(lat) > 0 {
		s.Max = ms(lat[len(lat)-1])
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentile returns the nearest-rank p-th percentile of sorted: the
// smallest value at least p% of the samples are at or below.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// reasons formats errors by reason, most frequent first.
func reasons(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
