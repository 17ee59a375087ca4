package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"time"
)

// Defaults of the WAL's upkeep (MaintainWAL): SQLite's own automatic
// checkpoints keep the log near 4 MB but never shrink its file, which a
// long reader can have grown to hundreds of MB.
const (
	WALCheckInterval = 30 * time.Second
	WALTruncateAbove = 16 << 20
)

// WALSize is the size in bytes of the database's write-ahead log file, 0
// when there is none: the disk the log holds beyond the database itself.
func (db *DB) WALSize() (int64, error) {
	st, err := os.Stat(db.path + "-wal")
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// WALCheckpoint is what one CheckpointWAL did.
type WALCheckpoint struct {
	// Truncated: every frame was copied into the database and the log
	// file cut to zero bytes. False while a reader still needs old frames.
	Truncated bool
	// Before and After are the log file's sizes in bytes.
	Before, After int64
	// Held is how long the writer connection was taken from signings.
	Held time.Duration
}

// CheckpointWAL copies the write-ahead log into the database and truncates
// its file (PRAGMA wal_checkpoint(TRUNCATE)) on the writer connection,
// between two group commits. It waits at most a moment for readers: one
// that still reads old frames leaves the log as it is, for the next try.
func (db *DB) CheckpointWAL(ctx context.Context) (WALCheckpoint, error) {
	var c WALCheckpoint
	var err error
	if c.Before, err = db.WALSize(); err != nil {
		return c, err
	}
	start := time.Now()
	c.Truncated, err = db.checkpointTruncate(ctx)
	c.Held = time.Since(start)
	if err != nil {
		return c, err
	}
	c.After, err = db.WALSize()
	return c, err
}

// MaintainWAL checkpoints and truncates the write-ahead log every interval
// while its file is larger than above, until ctx ends, so the disk a long
// outside reader made the log take returns once that reader ends.
func (db *DB) MaintainWAL(ctx context.Context, every time.Duration, above int64, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	pinned := 0 // tries in a row a reader kept from completing
	for {
		select {
		case <-ctx.Done():
			return
		case <-db.stop:
			return
		case <-t.C:
		}
		size, err := db.WALSize()
		if err != nil {
			log.Warn("WAL upkeep: read the WAL's size", "err", err)
			continue
		}
		if size <= above {
			pinned = 0
			continue
		}
		c, err := db.CheckpointWAL(ctx)
		switch {
		case err != nil:
			log.Warn("WAL upkeep: checkpoint", "wal_bytes", size, "err", err)
		case c.Truncated:
			pinned = 0
			log.Info("WAL checkpointed and truncated", "wal_bytes_before", c.Before, "wal_bytes_after", c.After, "writer_held", c.Held)
		default:
			pinned++
			if pinned%10 == 1 {
				// Once in a while, not every interval: the reader may be
				// a long backup.
				log.Warn("WAL upkeep: a reader keeps the WAL from being truncated", "wal_bytes", size, "tries", pinned)
			}
		}
	}
}
