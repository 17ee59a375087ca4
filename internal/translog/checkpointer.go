package translog

import (
	"context"
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

// Checkpointer signs a new checkpoint whenever the log has grown: at once
// when the log was idle, and at most every MinInterval under load, so a
// burst of signings costs one signature per interval, not one per record.
type Checkpointer struct {
	Store       CheckpointStore
	Keys        *Keyring
	MinInterval time.Duration
	Now         func() time.Time
	Log         *slog.Logger
	// OnSigned, if set, is called with each newly signed checkpoint, after
	// it is saved; it must not block.
	OnSigned func(SignedCheckpoint)

	mu     sync.Mutex // one signer at a time
	latest atomic.Pointer[SignedCheckpoint]
}

// Sign signs a checkpoint of the current log if it is larger than the
// latest one kept, and returns the latest. Every verification asks for it,
// so the latest is kept in memory.
func (c *Checkpointer) Sign(ctx context.Context) (SignedCheckpoint, error) {
	n, err := c.Store.LogSize(ctx)
	if err != nil {
		return SignedCheckpoint{}, err
	}
	if l := c.latest.Load(); l != nil && l.Size >= n {
		return *l, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.latest.Load(); l != nil && l.Size >= n {
		return *l, nil
	}
	latest, err := c.Store.LatestCheckpoint(ctx)
	if err == nil && latest.Size >= n {
		c.latest.Store(&latest)
		return latest, nil
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
	if err := c.Store.SaveCheckpoint(ctx, sc, c.Now()); err != nil {
		return SignedCheckpoint{}, fmt.Errorf("save checkpoint %d: %w", n, err)
	}
	c.latest.Store(&sc)
	if c.OnSigned != nil {
		c.OnSigned(sc)
	}
	return sc, nil
}

// Run signs checkpoints as appended fires, until ctx is done.
func (c *Checkpointer) Run(ctx context.Context, appended <-chan struct{}) {
	if _, err := c.Sign(ctx); err != nil && ctx.Err() == nil {
		c.Log.Error("sign checkpoint", "err", err)
	}
	for {
		select {
		case <-ctx.Done():
			return
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
