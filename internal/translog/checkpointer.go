package translog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// SignedCheckpoint is a checkpoint as the registry keeps it: the tree size,
// its root and the signed note.
type SignedCheckpoint struct {
	Size int64
	Root tlog.Hash
	Note []byte
}

// CheckpointStore is what the checkpointer needs from storage.
type CheckpointStore interface {
	LogSize(ctx context.Context) (int64, error)
	HashReader(ctx context.Context) tlog.HashReader
	LatestCheckpoint(ctx context.Context) (SignedCheckpoint, error)
	SaveCheckpoint(ctx context.Context, c SignedCheckpoint, at time.Time) error
}

// CheckpointLister is a CheckpointStore that lists every checkpoint it
// keeps: the checkpointer's fallback then finds the largest that verifies.
type CheckpointLister interface {
	Checkpoints(ctx context.Context) ([]SignedCheckpoint, error)
}

// Checkpointer signs a new checkpoint whenever the log has grown: at once
// when the log was idle, and at most every MinInterval under load, so a
// burst of signings costs one signature per interval, not one per record.
//
// It never signs a fork: the last checkpoint it signed is kept beside the
// key (Keyring.KeepSigned), and a tree that is not a consistent extension
// of it (smaller, another root at its size, or a consistency proof that
// does not verify) is refused. While refusing it serves the last signed
// checkpoint, signs nothing and Refusal says why.
type Checkpointer struct {
	Store       CheckpointStore
	Keys        *Keyring
	MinInterval time.Duration
	Now         func() time.Time
	Log         *slog.Logger
	// Signed are called, in order, with each newly signed checkpoint once
	// it is kept and stored (cosigning, publication). They run while the
	// signer waits, so they must hand work off and return at once.
	Signed []func(ctx context.Context, sc SignedCheckpoint)

	mu      sync.Mutex // one signer at a time
	latest  atomic.Pointer[SignedCheckpoint]
	loaded  bool              // last was read (under mu)
	last    *SignedCheckpoint // the last checkpoint signed (under mu)
	refusal atomic.Pointer[InconsistentError]
	logged  time.Time // when the refusal was last logged (under mu)

	nextMu sync.Mutex
	next   chan struct{} // closed when the next checkpoint is kept (under nextMu)
}

// ErrNoCheckpoint is Latest's answer while no checkpoint was ever signed.
var ErrNoCheckpoint = errors.New("no signed checkpoint yet")

// Latest is the latest signed checkpoint for the read path: it never signs
// or stores anything (checkpoints are made by Run alone, so a flood of
// look-ups costs no signatures and a full disk does not fail them). While
// the latest does not yet cover leaf index need (a record committed a
// moment ago; need < 0 asks for none) it waits up to wait for Run to sign
// one, then returns what there is. Before Run's first checkpoint it is
// the latest stored.
func (c *Checkpointer) Latest(ctx context.Context, need int64, wait time.Duration) (SignedCheckpoint, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		next := c.nextSigned()
		l := c.latest.Load()
		if l == nil {
			if stored, err := c.Store.LatestCheckpoint(ctx); err == nil {
				l = &stored
			} else if ctx.Err() != nil {
				return SignedCheckpoint{}, ctx.Err()
			}
		}
		if l != nil && (l.Size > need || c.refusal.Load() != nil) {
			return *l, nil
		}
		select {
		case <-next:
		case <-timer.C:
			if l != nil {
				return *l, nil
			}
			return SignedCheckpoint{}, ErrNoCheckpoint
		case <-ctx.Done():
			return SignedCheckpoint{}, ctx.Err()
		}
	}
}

// nextSigned is closed when the next checkpoint is kept.
func (c *Checkpointer) nextSigned() <-chan struct{} {
	c.nextMu.Lock()
	defer c.nextMu.Unlock()
	if c.next == nil {
		c.next = make(chan struct{})
	}
	return c.next
}

// keep makes sc the checkpoint served and wakes those waiting in Latest.
func (c *Checkpointer) keep(sc *SignedCheckpoint) {
	c.latest.Store(sc)
	c.nextMu.Lock()
	defer c.nextMu.Unlock()
	if c.next != nil {
		close(c.next)
		c.next = nil
	}
}

// InconsistentError says how the stored tree disagrees with the last
// checkpoint the registry signed.
type InconsistentError struct {
	// Kind is "rollback" (the tree is smaller), "fork" (same size, other
	// root) or "rewritten" (a larger tree whose prefix is not the signed
	// one).
	Kind     string
	Last     SignedCheckpoint
	TreeSize int64
	// TreeRoot is the stored tree's root at Last.Size where it can be
	// computed (fork, rewritten), else the zero hash.
	TreeRoot tlog.Hash
	Err      error
}

func (e *InconsistentError) Error() string {
	switch e.Kind {
	case "rollback":
		return fmt.Sprintf("the stored tree has %d leaves but the registry signed a checkpoint of %d (root %s): leaves were removed (rollback)",
			e.TreeSize, e.Last.Size, e.Last.Root)
	case "fork":
		return fmt.Sprintf("the stored tree of %d leaves has root %s but the registry signed root %s for that size: signing it would be a fork",
			e.TreeSize, e.TreeRoot, e.Last.Root)
	}
	msg := fmt.Sprintf("the stored tree of %d leaves does not extend the signed checkpoint of %d (root %s)", e.TreeSize, e.Last.Size, e.Last.Root)
	if e.TreeRoot != (tlog.Hash{}) && e.TreeRoot != e.Last.Root {
		msg += fmt.Sprintf(": its first %d leaves now have root %s", e.Last.Size, e.TreeRoot)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *InconsistentError) Unwrap() error { return e.Err }

// Refusal is why the checkpointer refuses to sign, nil while the stored
// tree extends the last signed checkpoint.
func (c *Checkpointer) Refusal() *InconsistentError { return c.refusal.Load() }

// Check compares the stored tree with the last signed checkpoint, as at
// start-up, and returns the disagreement (an *InconsistentError), if any;
// the checkpointer then refuses to sign until the tree agrees again.
func (c *Checkpointer) Check(ctx context.Context) error {
	n, err := c.Store.LogSize(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(ctx); err != nil {
		return err
	}
	if c.last == nil {
		return nil
	}
	if err := c.extends(ctx, *c.last, n); err != nil {
		if ie, ok := errors.AsType[*InconsistentError](err); ok {
			c.refuse(ie)
		}
		return err
	}
	c.refusal.Store(nil)
	return nil
}

// Sign signs a checkpoint of the current log if it is larger than the
// latest one kept, and returns the latest. Every verification asks for it,
// so the latest is kept in memory. While the stored tree disagrees with the
// last signed checkpoint it returns that one and signs nothing.
func (c *Checkpointer) Sign(ctx context.Context) (SignedCheckpoint, error) {
	n, err := c.Store.LogSize(ctx)
	if err != nil {
		return SignedCheckpoint{}, err
	}
	if l := c.latest.Load(); l != nil && l.Size == n && c.refusal.Load() == nil {
		return *l, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.latest.Load(); l != nil && l.Size == n && c.refusal.Load() == nil {
		return *l, nil
	}
	if err := c.load(ctx); err != nil {
		return SignedCheckpoint{}, err
	}
	if last := c.last; last != nil {
		if err := c.extends(ctx, *last, n); err != nil {
			ie, ok := errors.AsType[*InconsistentError](err)
			if !ok {
				return SignedCheckpoint{}, err
			}
			c.refuse(ie)
			c.keep(last)
			return *last, nil
		}
		if c.refusal.Swap(nil) != nil {
			c.Log.Warn("the stored tree agrees with the last signed checkpoint again: signing resumes", "last_size", last.Size, "tree_size", n)
		}
		if n == last.Size {
			// A database whose checkpoints were deleted gets the last
			// signed one back; one stored already is left as it is.
			if err := c.Store.SaveCheckpoint(ctx, *last, c.Now()); err != nil {
				return SignedCheckpoint{}, fmt.Errorf("save checkpoint %d: %w", n, err)
			}
			c.keep(last)
			return *last, nil
		}
	}
	root, err := TreeHash(n, c.Store.HashReader(ctx))
	if err != nil {
		return SignedCheckpoint{}, err
	}
	note, err := c.Keys.SignCheckpoint(Checkpoint{Origin: c.Keys.Name(), Size: n, Root: root})
	if err != nil {
		return SignedCheckpoint{}, fmt.Errorf("sign checkpoint %d: %w", n, err)
	}
	sc := SignedCheckpoint{Size: n, Root: root, Note: note}
	// Kept before it is stored or served: a checkpoint anyone may have
	// seen is one the signer remembers.
	if err := c.Keys.KeepSigned(sc); err != nil {
		return SignedCheckpoint{}, err
	}
	c.last = &sc
	if err := c.Store.SaveCheckpoint(ctx, sc, c.Now()); err != nil {
		return SignedCheckpoint{}, fmt.Errorf("save checkpoint %d: %w", n, err)
	}
	c.keep(&sc)
	for _, f := range c.Signed {
		f(ctx, sc)
	}
	return sc, nil
}

// Cosigned makes sc, the latest checkpoint with cosignatures added to its
// note (witnesses'), the one served. Only the note may change: a
// checkpoint of another size or root is refused, so nothing but the
// signer's own checks decides what history is served.
func (c *Checkpointer) Cosigned(sc SignedCheckpoint) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.latest.Load()
	if l == nil || l.Size != sc.Size || l.Root != sc.Root {
		return fmt.Errorf("cosigned checkpoint %d is not the latest signed", sc.Size)
	}
	cp, err := OpenCheckpoint(sc.Note, c.Keys.Verifiers())
	if err != nil {
		return fmt.Errorf("cosigned checkpoint %d: %w", sc.Size, err)
	}
	if cp.Size != sc.Size || cp.Root != sc.Root {
		return fmt.Errorf("cosigned checkpoint %d: its note says size %d, root %s", sc.Size, cp.Size, cp.Root)
	}
	c.keep(&sc)
	return nil
}

// load reads the last signed checkpoint once. A data directory from before
// the file existed starts from the latest stored checkpoint that verifies
// with the keys, and keeps it from then on.
func (c *Checkpointer) load(ctx context.Context) error {
	if c.loaded {
		return nil
	}
	sc, ok, err := c.Keys.LastSigned()
	if err != nil {
		return err
	}
	if !ok {
		if sc, ok, err = c.latestVerifying(ctx); err != nil {
			return err
		}
		if !ok {
			c.Log.Info("no last signed checkpoint kept and none stored that verifies: the next checkpoint signed starts the signer's history", "file", LastSignedFile)
			c.loaded = true
			return nil
		}
		if err := c.Keys.KeepSigned(sc); err != nil {
			return err
		}
		c.Log.Warn("no last signed checkpoint kept: starting the signer's history from the latest stored checkpoint that verifies",
			"file", LastSignedFile, "size", sc.Size, "root", sc.Root.String())
	}
	c.last, c.loaded = &sc, true
	return nil
}

// latestVerifying is the largest stored checkpoint that verifies with the
// keys, read from its note, not its columns. A store that lists its
// checkpoints is searched from the largest down; another offers its latest
// only.
func (c *Checkpointer) latestVerifying(ctx context.Context) (SignedCheckpoint, bool, error) {
	var stored []SignedCheckpoint
	if l, ok := c.Store.(CheckpointLister); ok {
		all, err := l.Checkpoints(ctx)
		if err != nil {
			return SignedCheckpoint{}, false, fmt.Errorf("read stored checkpoints: %w", err)
		}
		stored = all
	} else if latest, err := c.Store.LatestCheckpoint(ctx); err == nil {
		stored = []SignedCheckpoint{latest}
	} else if ctx.Err() != nil {
		return SignedCheckpoint{}, false, err
	}
	var best *SignedCheckpoint
	for _, s := range stored {
		cp, err := OpenCheckpoint(s.Note, c.Keys.Verifiers())
		if err != nil {
			c.Log.Error("a stored checkpoint does not verify with the registry's keys: not taken as signed history", "stored_size", s.Size, "err", err)
			continue
		}
		if best == nil || cp.Size > best.Size {
			best = &SignedCheckpoint{Size: cp.Size, Root: cp.Root, Note: s.Note}
		}
	}
	if best == nil {
		return SignedCheckpoint{}, false, nil
	}
	return *best, true, nil
}

// extends checks that the stored tree of n leaves is a consistent extension
// of last; the error is an *InconsistentError when it is not.
func (c *Checkpointer) extends(ctx context.Context, last SignedCheckpoint, n int64) error {
	ie := &InconsistentError{Last: last, TreeSize: n}
	if n < last.Size {
		ie.Kind = "rollback"
		return ie
	}
	hr := c.Store.HashReader(ctx)
	root, err := TreeHash(last.Size, hr)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		ie.Kind, ie.Err = "rewritten", fmt.Errorf("root of its first %d leaves: %w", last.Size, err)
		return ie
	}
	ie.TreeRoot = root
	if root != last.Root {
		ie.Kind = "rewritten"
		if n == last.Size {
			ie.Kind = "fork"
		}
		return ie
	}
	if n == last.Size {
		return nil
	}
	newRoot, err := TreeHash(n, hr)
	if err == nil {
		var proof tlog.TreeProof
		if proof, err = ConsistencyProof(last.Size, n, hr); err == nil {
			err = CheckConsistency(proof, n, newRoot, last.Size, last.Root)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		ie.Kind, ie.Err = "rewritten", err
		return ie
	}
	return nil
}

// refuse records why signing stops and says so loudly: when the reason
// changes, and once a minute while it lasts.
func (c *Checkpointer) refuse(ie *InconsistentError) {
	prev := c.refusal.Swap(ie)
	now := time.Now()
	if prev != nil && prev.Kind == ie.Kind && prev.TreeSize == ie.TreeSize && now.Sub(c.logged) < time.Minute {
		return
	}
	c.logged = now
	c.Log.Error("REFUSING TO SIGN: the stored tree is not a consistent extension of the last checkpoint this registry signed; serving that checkpoint, signing nothing new (run ikrar audit --data)",
		"kind", ie.Kind, "signed_size", ie.Last.Size, "signed_root", ie.Last.Root.String(),
		"tree_size", ie.TreeSize, "tree_root_at_signed_size", ie.TreeRoot.String(), "err", ie.Error())
}

// recheckEvery is how often Run compares the stored tree with the last
// signed checkpoint while the log does not grow, so a rewrite of an idle
// log shows on /readyz too.
const recheckEvery = time.Minute

// Follow serves the latest stored checkpoint, for an instance that
// shares its store with the one that signs (several ikrar instances on one
// PostgreSQL database, where one of them at a time runs Run with the same
// keys): it reads the store at once, whenever changed fires, and at least
// every MinInterval (a second at the least) until ctx is done. A stored
// checkpoint is served only if it verifies with Keys and is larger than
// the one served, or the same with another note (cosignatures added).
// Follow never signs or stores anything.
func (c *Checkpointer) Follow(ctx context.Context, changed <-chan struct{}) {
	poll := time.NewTicker(max(c.MinInterval, time.Second))
	defer poll.Stop()
	for {
		c.follow(ctx)
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-poll.C:
		}
	}
}

// follow serves the latest stored checkpoint if it is newer than the one
// served and verifies.
func (c *Checkpointer) follow(ctx context.Context) {
	sc, err := c.Store.LatestCheckpoint(ctx)
	if err != nil {
		// None signed yet, or the store is away: the next read retries.
		return
	}
	if l := c.latest.Load(); l != nil && (sc.Size < l.Size || (sc.Size == l.Size && bytes.Equal(sc.Note, l.Note))) {
		return
	}
	cp, err := OpenCheckpoint(sc.Note, c.Keys.Verifiers())
	if err == nil && (cp.Size != sc.Size || cp.Root != sc.Root) {
		err = fmt.Errorf("its note says size %d, root %s", cp.Size, cp.Root)
	}
	if err != nil {
		c.Log.Error("a stored checkpoint does not verify with the log's keys: not served", "size", sc.Size, "err", err)
		return
	}
	c.keep(&sc)
}

// Run signs checkpoints as appended fires, until ctx is done.
func (c *Checkpointer) Run(ctx context.Context, appended <-chan struct{}) {
	if _, err := c.Sign(ctx); err != nil && ctx.Err() == nil {
		c.Log.Error("sign checkpoint", "err", err)
	}
	recheck := time.NewTicker(recheckEvery)
	defer recheck.Stop()
	// A growth whose signal another reader of appended took (or that came
	// while signing) is still signed within an interval: the read path
	// never signs in its place.
	poll := time.NewTicker(max(c.MinInterval, time.Second))
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
			n, err := c.Store.LogSize(ctx)
			if l := c.latest.Load(); err != nil || c.refusal.Load() != nil || (l != nil && l.Size == n) {
				continue
			}
		case <-recheck.C:
			if err := c.Check(ctx); err != nil && ctx.Err() == nil {
				if _, ok := errors.AsType[*InconsistentError](err); !ok {
					c.Log.Error("check the stored tree against the last signed checkpoint", "err", err)
				}
			}
			continue
		case <-appended:
		}
		if _, err := c.Sign(ctx); err != nil && ctx.Err() == nil {
			c.Log.Error("sign checkpoint", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(c.MinInterval):
		}
	}
}
