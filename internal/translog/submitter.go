package translog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Submitter gathers witness cosignatures on the log's checkpoints: after
// each new checkpoint it submits it to every witness with a consistency
// proof from the size that witness last cosigned (c2sp.org/tlog-witness),
// keeps the cosignatures with the checkpoint and serves the result. It
// never holds up signing: the checkpointer hands it a checkpoint and goes
// on; witnesses that do not answer are retried with backoff until a newer
// checkpoint replaces the one they missed.
type Submitter struct {
	Witnesses []*CosignatureVerifier
	URLs      []string // by witness
	Quorum    int
	Store     SubmitterStore
	Client    *http.Client
	Log       *slog.Logger
	Now       func() time.Time
	// MaxBackoff bounds the wait between retries (default 5 minutes).
	MaxBackoff time.Duration
	// Cosigned, if set, is called with each checkpoint after cosignatures
	// were added to it and stored (publication pushes it again); it must
	// not block.
	Cosigned func(SignedCheckpoint)

	once   sync.Once
	next   chan SignedCheckpoint
	latest atomic.Pointer[SignedCheckpoint]
	sizes  []int64 // by witness: the size it last cosigned, as far as known
}

// SubmitterStore is what the submitter needs from storage.
type SubmitterStore interface {
	HashReader(ctx context.Context) tlog.HashReader
	LatestCheckpoint(ctx context.Context) (SignedCheckpoint, error)
	CheckpointAt(ctx context.Context, size int64) (SignedCheckpoint, error)
	SaveCosignedCheckpoint(ctx context.Context, c SignedCheckpoint, at time.Time) error
}

func (s *Submitter) init() {
	s.once.Do(func() {
		s.next = make(chan SignedCheckpoint, 1)
		s.sizes = make([]int64, len(s.Witnesses))
	})
}

// Signed hands the submitter a newly signed checkpoint; it does not wait.
// A checkpoint not yet submitted is replaced by a newer one.
func (s *Submitter) Signed(c SignedCheckpoint) {
	s.init()
	for {
		select {
		case s.next <- c:
			return
		default:
		}
		select {
		case <-s.next:
		default:
		}
	}
}

// Latest returns the newest checkpoint with the cosignatures gathered for
// it so far.
func (s *Submitter) Latest() (SignedCheckpoint, bool) {
	if l := s.latest.Load(); l != nil {
		return *l, true
	}
	return SignedCheckpoint{}, false
}

// Run submits checkpoints until ctx is done, beginning with the newest
// kept one.
func (s *Submitter) Run(ctx context.Context) {
	s.init()
	maxBackoff := s.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = 5 * time.Minute
	}
	var pending *SignedCheckpoint
	if c, err := s.Store.LatestCheckpoint(ctx); err == nil {
		// Latest's copy is never written again: round changes pending's.
		served := c
		pending = &c
		s.latest.Store(&served)
	}
	backoff := time.Second
	for {
		if pending != nil {
			if s.round(ctx, pending) {
				pending, backoff = nil, time.Second
			}
		}
		var wait <-chan time.Time
		if pending != nil {
			wait = time.After(backoff)
			backoff = min(2*backoff, maxBackoff)
		}
		select {
		case <-ctx.Done():
			return
		case c := <-s.next:
			if l := s.latest.Load(); l == nil || l.Size <= c.Size {
				served := c
				s.latest.Store(&served)
			}
			pending, backoff = &c, time.Second
		case <-wait:
		}
	}
}

// round submits c to every witness that has not cosigned it yet, keeps
// what they return, and reports whether every witness has cosigned it.
func (s *Submitter) round(ctx context.Context, c *SignedCheckpoint) bool {
	type result struct {
		i    int
		line string
		err  error
	}
	var todo []int
	for i, w := range s.Witnesses {
		if !hasCosignature(c.Note, w) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return true
	}
	results := make(chan result, len(todo))
	for _, i := range todo {
		go func() {
			line, err := s.submit(ctx, i, *c)
			results <- result{i, line, err}
		}()
	}
	var got []result
	for range todo {
		r := <-results
		if r.err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("witness did not cosign the checkpoint", "witness", s.Witnesses[r.i].Name(), "url", s.URLs[r.i], "size", c.Size, "err", r.err)
			}
			continue
		}
		got = append(got, r)
	}
	if len(got) == 0 {
		return false
	}
	// Onto the note as kept now: a key rotation may have cross-signed it
	// meanwhile, and that signature must stay.
	base := c.Note
	if kept, err := s.Store.CheckpointAt(ctx, c.Size); err == nil && kept.Root == c.Root && bytes.HasPrefix(kept.Note, c.Note[:bytes.Index(c.Note, []byte("\n\n"))+2]) {
		base = kept.Note
	}
	var lines []string
	for _, r := range got {
		if !hasCosignature(base, s.Witnesses[r.i]) {
			lines = append(lines, r.line)
		}
	}
	c.Note = append(bytes.Clone(base), strings.Join(lines, "")...)
	if err := s.Store.SaveCosignedCheckpoint(ctx, *c, s.Now()); err != nil {
		s.Log.Error("save the cosigned checkpoint", "size", c.Size, "err", err)
		return false
	}
	if l := s.latest.Load(); l == nil || l.Size <= c.Size {
		cp := *c
		s.latest.Store(&cp)
	}
	if s.Cosigned != nil {
		s.Cosigned(*c)
	}
	have := 0
	for _, w := range s.Witnesses {
		if hasCosignature(c.Note, w) {
			have++
		}
	}
	if have < s.Quorum {
		s.Log.Warn("checkpoint below the witness quorum so far", "size", c.Size, "cosigned", have, "quorum", s.Quorum)
	}
	return have == len(s.Witnesses)
}

func hasCosignature(msg []byte, w *CosignatureVerifier) bool {
	_, err := note.Open(msg, note.VerifierList(w))
	return err == nil
}

// maxWitnessResponse bounds what is read of a witness's answer.
const maxWitnessResponse = 64 << 10

// submit sends c to witness i, from the size it last cosigned; a 409
// tells that size, and the submission is made again from it.
func (s *Submitter) submit(ctx context.Context, i int, c SignedCheckpoint) (string, error) {
	w := s.Witnesses[i]
	for attempt := 0; attempt < 3; attempt++ {
		old := s.sizes[i]
		if old > c.Size {
			return "", fmt.Errorf("the witness has cosigned size %d, larger than this checkpoint's %d: the log's history and the witness's disagree", old, c.Size)
		}
		var proof tlog.TreeProof
		if old > 0 && old < c.Size {
			var err error
			if proof, err = ConsistencyProof(old, c.Size, s.Store.HashReader(ctx)); err != nil {
				return "", err
			}
		}
		body := "old " + strconv.FormatInt(old, 10) + "\n" + EncodeProof(proof) + "\n" + string(c.Note)
		rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		status, ctype, resp, err := s.post(rctx, s.URLs[i], body)
		cancel()
		if err != nil {
			return "", err
		}
		switch status {
		case http.StatusOK:
			line, err := pickCosignature(c.Note, resp, w)
			if err != nil {
				return "", err
			}
			s.sizes[i] = c.Size
			return line, nil
		case http.StatusConflict:
			size, err := strconv.ParseInt(strings.TrimSuffix(string(resp), "\n"), 10, 64)
			if err != nil || ctype != "text/x.tlog.size" || size < 0 {
				return "", fmt.Errorf("409 without a size: %.200q", resp)
			}
			if size == old {
				return "", fmt.Errorf("the witness cosigned another tree of size %d: a fork", size)
			}
			s.sizes[i] = size
		default:
			return "", fmt.Errorf("HTTP %d: %.200q", status, resp)
		}
	}
	return "", errors.New("the witness's size kept changing")
}

func (s *Submitter) post(ctx context.Context, url, body string) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(url, "/")+"/add-checkpoint", strings.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxWitnessResponse))
	if err != nil {
		return 0, "", nil, err
	}
	ctype, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	return resp.StatusCode, strings.TrimSpace(ctype), b, nil
}

// pickCosignature returns the line of a witness's answer that is w's valid
// cosignature on the note; other lines are ignored, as the spec asks.
func pickCosignature(msg, resp []byte, w *CosignatureVerifier) (string, error) {
	text, _, _ := strings.Cut(string(msg), "\n\n")
	for _, line := range strings.SplitAfter(string(resp), "\n") {
		if !strings.HasPrefix(line, "— "+w.Name()+" ") || !strings.HasSuffix(line, "\n") {
			continue
		}
		if _, err := note.Open([]byte(text+"\n\n"+line), note.VerifierList(w)); err == nil {
			return line, nil
		}
	}
	return "", errors.New("the answer holds no valid cosignature by this witness")
}
