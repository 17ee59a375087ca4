// Package publish pushes each new signed checkpoint of the registry to
// places outside its control: HTTPS endpoints that receive the checkpoint
// note in a POST, and directories that another system publishes, where
// each checkpoint is written as <size>.checkpoint and latest.checkpoint.
// A copy of the registry's history held elsewhere is what makes a later
// rollback or fork visible to anyone who kept one (docs/TRUST.md §13).
//
// Pushing never holds up signing: each target has a slot for the newest
// checkpoint only and a goroutine that pushes it, retrying with backoff.
package publish

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ikrar-id/ikrar/internal/seen"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// Target is one place checkpoints are pushed to: an https URL or a
// directory.
type Target struct {
	URL string // https://…, receives a POST of the note
	Dir string // absolute path of an existing directory
}

func (t Target) String() string {
	if t.Dir != "" {
		return "dir:" + t.Dir
	}
	return t.URL
}

// maxTargetsFile bounds the file of targets.
const maxTargetsFile = 64 << 10

// ParseTargets reads the targets file of --publish: one target a line,
// "https://host/path" or "dir:/absolute/path"; blank lines and lines
// starting with '#' are skipped.
func ParseTargets(text string) ([]Target, error) {
	if len(text) > maxTargetsFile {
		return nil, fmt.Errorf("publication targets: %d bytes, at most %d", len(text), maxTargetsFile)
	}
	var out []Target
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t, err := parseTarget(line)
		if err != nil {
			return nil, fmt.Errorf("publication targets, line %d: %w", n, err)
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("publication targets: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("publication targets: no target (one https:// URL or dir:/path a line)")
	}
	return out, nil
}

func parseTarget(line string) (Target, error) {
	if dir, ok := strings.CutPrefix(line, "dir:"); ok {
		if !filepath.IsAbs(dir) {
			return Target{}, fmt.Errorf("%q: the directory must be an absolute path", line)
		}
		info, err := os.Stat(dir)
		if err != nil {
			return Target{}, fmt.Errorf("%q: %w", line, err)
		}
		if !info.IsDir() {
			return Target{}, fmt.Errorf("%q is not a directory", dir)
		}
		return Target{Dir: filepath.Clean(dir)}, nil
	}
	u, err := url.Parse(line)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return Target{}, fmt.Errorf("%q: want an https:// URL (no user, no fragment) or dir:/path", line)
	}
	return Target{URL: u.String()}, nil
}

// Publisher pushes checkpoints to its targets.
type Publisher struct {
	Targets []Target
	// Client posts to URL targets; it must time out (default: 30 s).
	Client *http.Client
	// Note returns the checkpoint note of size as stored when it is
	// pushed, so a note cosigned since it was signed goes out cosigned;
	// nil, or an error, pushes the note as signed.
	Note func(ctx context.Context, size int64) ([]byte, error)
	Log  *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between attempts
	// (default 2 s and 5 min).
	MinBackoff, MaxBackoff time.Duration

	once  sync.Once
	slots []*slot
}

// slot holds the newest checkpoint not yet pushed to one target.
type slot struct {
	target  Target
	mu      sync.Mutex
	pending *translog.SignedCheckpoint
	wake    chan struct{}
}

func (p *Publisher) init() {
	p.once.Do(func() {
		for _, t := range p.Targets {
			p.slots = append(p.slots, &slot{target: t, wake: make(chan struct{}, 1)})
		}
	})
}

// Notify queues sc for every target, replacing a checkpoint still
// waiting there: only the newest matters. It never blocks; it is the
// Checkpointer's Signed hook.
func (p *Publisher) Notify(_ context.Context, sc translog.SignedCheckpoint) {
	p.init()
	for _, s := range p.slots {
		s.mu.Lock()
		if s.pending == nil || s.pending.Size <= sc.Size {
			c := sc
			s.pending = &c
		}
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// take returns the checkpoint waiting, if any, and empties the slot.
func (s *slot) take() *translog.SignedCheckpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.pending
	s.pending = nil
	return c
}

// Run pushes until ctx is done, one goroutine per target.
func (p *Publisher) Run(ctx context.Context) {
	p.init()
	var wg sync.WaitGroup
	for _, s := range p.slots {
		wg.Add(1)
		go func() { defer wg.Done(); p.run(ctx, s) }()
	}
	wg.Wait()
}

func (p *Publisher) run(ctx context.Context, s *slot) {
	minWait, maxWait := p.MinBackoff, p.MaxBackoff
	if minWait <= 0 {
		minWait = 2 * time.Second
	}
	if maxWait < minWait {
		maxWait = max(5*time.Minute, minWait)
	}
	var cur *translog.SignedCheckpoint
	wait, failures := minWait, 0
	for {
		if cur == nil {
			select {
			case <-ctx.Done():
				return
			case <-s.wake:
			}
			cur, wait, failures = s.take(), minWait, 0
			if cur == nil {
				continue
			}
		}
		err := p.push(ctx, s.target, *cur)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			if failures > 0 {
				p.Log.Info("checkpoint published after failures", "target", s.target.String(), "size", cur.Size, "failures", failures)
			}
			cur = nil
			continue
		}
		failures++
		p.Log.Warn("publish checkpoint failed; retrying", "target", s.target.String(), "size", cur.Size,
			"attempt", failures, "retry_in", wait.String(), "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		case <-s.wake: // a newer checkpoint replaces the one failing
		}
		if next := s.take(); next != nil {
			cur = next
		}
		wait = min(2*wait, maxWait)
	}
}

func (p *Publisher) push(ctx context.Context, t Target, sc translog.SignedCheckpoint) error {
	note := sc.Note
	if p.Note != nil {
		if stored, err := p.Note(ctx, sc.Size); err == nil && len(stored) > 0 {
			note = stored
		}
	}
	if t.Dir != "" {
		return writeDir(t.Dir, sc.Size, note)
	}
	return p.post(ctx, t.URL, note)
}

// maxResponse bounds how much of an endpoint's answer is read.
const maxResponse = 64 << 10

func (p *Publisher) post(ctx context.Context, u string, note []byte) error {
	client := p.Client
	if client == nil {
		// A target is the URL written down, not wherever it redirects
		// (an https target must not hand the push to plain http).
		client = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(note))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s: %.200s", u, res.Status, body)
	}
	return nil
}

// writeDir writes note as dir/<size>.checkpoint and dir/latest.checkpoint,
// each atomically; latest.checkpoint never goes back to a smaller size.
func writeDir(dir string, size int64, note []byte) error {
	if err := seen.WriteFileAtomic(filepath.Join(dir, strconv.FormatInt(size, 10)+".checkpoint"), note); err != nil {
		return err
	}
	latest := filepath.Join(dir, "latest.checkpoint")
	if b, err := os.ReadFile(latest); err == nil {
		if n, ok := noteSize(b); ok && n > size {
			return nil
		}
	}
	return seen.WriteFileAtomic(latest, note)
}

// noteSize reads the size line of a checkpoint note.
func noteSize(note []byte) (int64, bool) {
	lines := strings.SplitN(string(note), "\n", 3)
	if len(lines) < 3 {
		return 0, false
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	return n, err == nil
}
