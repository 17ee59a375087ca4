package groupcommit

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// recorder is a commit function that records each batch's size, answers
// each signing with results (by event ID, nil if absent) and holds the
// first batch until release is closed.
type recorder struct {
	mu      sync.Mutex
	sizes   []int
	entered chan struct{} // closed when the first batch is being committed
	release chan struct{}
	results map[int64]error
	q       *Queue
}

func newRecorder() *recorder {
	return &recorder{entered: make(chan struct{}), release: make(chan struct{}), results: map[int64]error{}}
}

func (r *recorder) commit(batch []Request) {
	r.mu.Lock()
	first := len(r.sizes) == 0
	r.sizes = append(r.sizes, len(batch))
	r.mu.Unlock()
	if first {
		close(r.entered)
		<-r.release
	}
	results := make([]error, len(batch))
	for i, req := range batch {
		results[i] = r.results[req.Sig.EventID]
	}
	r.q.Answer(batch, results, nil)
}

func (r *recorder) batches() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sizes)
}

// waitQueued waits until n requests wait in q's channel: they are queued
// behind the batch being committed.
func waitQueued(t *testing.T, q *Queue, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(q.q) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued after 10 s, want %d", len(q.q), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func signing(event int64) Request {
	return Request{Ctx: context.Background(), Sig: &registry.Signature{EventID: event}}
}

// While a batch commits, the requests that arrive form the next batch, up
// to Max a batch; each request gets its own result.
func TestRequestsQueuedDuringACommitFormTheNextBatch(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	r := newRecorder()
	r.results[7] = errors.New("event 7 refused")
	r.q = Start(stop, r.commit)

	var wg sync.WaitGroup
	errs := make([]error, 1+Max+5)
	wg.Go(func() { errs[0] = r.q.Write(context.Background(), signing(1)) })
	<-r.entered
	for i := 1; i < len(errs); i++ {
		event := int64(1)
		if i%10 == 0 {
			event = 7
		}
		wg.Go(func() { errs[i] = r.q.Write(context.Background(), signing(event)) })
	}
	waitQueued(t, r.q, Max)
	// The channel holds Max; the last five wait to be queued and come in
	// a batch of their own.
	close(r.release)
	wg.Wait()

	sizes := r.batches()
	if len(sizes) < 3 || sizes[0] != 1 || sizes[1] != Max {
		t.Fatalf("batch sizes %v, want 1, then %d, then the rest", sizes, Max)
	}
	total := 0
	for _, n := range sizes {
		total += n
	}
	if total != len(errs) {
		t.Fatalf("batches %v committed %d requests, want %d", sizes, total, len(errs))
	}
	for i, err := range errs {
		if want := i != 0 && i%10 == 0; (err != nil) != want {
			t.Errorf("request %d: %v, want refused %v", i, err, want)
		}
	}
	if r.q.LastCommit().IsZero() {
		t.Error("LastCommit is zero after committed batches")
	}
}

// A batch that fails as a whole fails each of its requests with its error.
func TestBatchFailureReachesEveryRequest(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	boom := errors.New("disk full")
	var q *Queue
	q = Start(stop, func(batch []Request) { q.Answer(batch, make([]error, len(batch)), boom) })
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() { errs[i] = q.Write(context.Background(), signing(1)) })
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, boom) {
			t.Errorf("request %d: %v, want %v", i, err, boom)
		}
	}
	if !q.LastCommit().IsZero() {
		t.Error("LastCommit set by a batch that failed")
	}
}

// Once the store closes, what is still queued fails with ErrClosed, after
// the batch being committed; a new request is refused at once.
func TestStopFailsWhatIsQueued(t *testing.T) {
	stop := make(chan struct{})
	r := newRecorder()
	r.q = Start(stop, r.commit)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	wg.Go(func() { errs[0] = r.q.Write(context.Background(), signing(1)) })
	<-r.entered
	for i := 1; i < len(errs); i++ {
		wg.Go(func() { errs[i] = r.q.Write(context.Background(), signing(1)) })
	}
	waitQueued(t, r.q, len(errs)-1)
	close(stop)
	close(r.release)
	wg.Wait()
	<-r.q.Ended()
	if errs[0] != nil {
		t.Errorf("the batch being committed: %v, want it stored", errs[0])
	}
	for i, err := range errs[1:] {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("queued request %d: %v, want ErrClosed", i+1, err)
		}
	}
	if err := r.q.Write(context.Background(), signing(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("a request after close: %v, want ErrClosed", err)
	}
	if got := r.batches(); !slices.Equal(got, []int{1}) {
		t.Errorf("batches %v after close, want only the first", got)
	}
}
