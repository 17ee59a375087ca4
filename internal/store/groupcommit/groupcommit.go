// Package groupcommit queues a store's signings (and certificates stored
// at their first download) for one writer goroutine that commits them in
// batches: while one batch commits, new requests queue up and form the
// next, so a commit's fixed cost (SQLite's fsync, PostgreSQL's round trip
// and the log's lock) is paid once per batch rather than per signature.
// What a batch does in its transaction is the store's (its commit
// function); the queueing, the batching and the waiters are here.
package groupcommit

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Max bounds how many requests one batch commits.
const Max = 512

// ErrClosed is a write refused because the store is closing.
var ErrClosed = errors.New("store is closed")

// Request is one write: a signing, or (Sig nil) a certificate to store.
type Request struct {
	Ctx  context.Context
	Sig  *registry.Signature
	PDF  *PDFWrite
	done chan error
}

// PDFWrite is a certificate to store; the commit sets Stored, before the
// request is answered, when this one was stored (the first certificate
// stored for a record is the one issued).
type PDFWrite struct {
	registry.IssuedPDF
	Stored bool
}

// Queue hands requests to the writer goroutine.
type Queue struct {
	q      chan Request
	stop   <-chan struct{}
	ended  chan struct{}
	commit func([]Request)
	last   atomic.Int64 // unix ns of the last batch committed
}

// Start starts the writer, which commits each batch with commit; commit
// answers every request of the batch (Answer) and keeps no reference to
// the slice. The writer ends when stop
// is closed, after the batch it is committing, failing what is still
// queued with ErrClosed.
func Start(stop <-chan struct{}, commit func([]Request)) *Queue {
	q := &Queue{q: make(chan Request, Max), stop: stop, ended: make(chan struct{}), commit: commit}
	go q.run()
	return q
}

// LastCommit is when a batch last committed; zero before the first.
func (q *Queue) LastCommit() time.Time {
	n := q.last.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// Ended is closed once the writer has ended.
func (q *Queue) Ended() <-chan struct{} { return q.ended }

// Write hands r to the writer and waits for its batch. Once queued, the
// request may commit: Write then waits for the outcome rather than for
// ctx, so a caller never reports failure for a stored signature.
func (q *Queue) Write(ctx context.Context, r Request) error {
	r.done = make(chan error, 1)
	select {
	case q.q <- r:
	case <-q.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.done:
		return err
	case <-q.ended:
		return ErrClosed
	}
}

func (q *Queue) run() {
	defer close(q.ended)
	// One buffer for every batch: commit is a func value, so a batch made
	// afresh would be allocated on the heap each time. commit keeps no
	// reference to it.
	buf := make([]Request, 0, Max)
	for {
		// Stop first: select picks at random among ready cases, and once
		// the store closes, nothing queued may begin another batch.
		select {
		case <-q.stop:
			q.drain()
			return
		default:
		}
		var first Request
		select {
		case first = <-q.q:
		case <-q.stop:
			q.drain()
			return
		}
		batch := append(buf[:0], first)
	fill:
		for len(batch) < Max {
			select {
			case r := <-q.q:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		q.commit(batch)
		clear(batch) // the requests' contexts and records may go
	}
}

// drain fails the requests still queued at shutdown.
func (q *Queue) drain() {
	for {
		select {
		case r := <-q.q:
			r.done <- ErrClosed
		default:
			return
		}
	}
}

// Answer answers each request of a batch: with err, the batch's failure,
// or else with its own result. A signing that stored marks its audit
// entry (registry.WithAudit) written.
func (q *Queue) Answer(batch []Request, results []error, err error) {
	if err == nil {
		q.last.Store(time.Now().UnixNano())
	}
	for i, r := range batch {
		if err != nil {
			r.done <- err
			continue
		}
		if p := registry.AuditOf(r.Ctx); p != nil && r.Sig != nil && results[i] == nil {
			p.MarkWritten()
		}
		r.done <- results[i]
	}
}

// Events lists the events of the signings of a batch that stored, once
// each, for the live dashboards.
func Events(batch []Request, results []error) []int64 {
	var events []int64
	for i, r := range batch {
		if r.Sig != nil && results[i] == nil && !slices.Contains(events, r.Sig.EventID) {
			events = append(events, r.Sig.EventID)
		}
	}
	return events
}
