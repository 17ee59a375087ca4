package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// LastCommit is when the group commit last committed a batch; zero before
// the first.
func (db *DB) LastCommit() time.Time {
	return db.commits.LastCommit()
}

// ProbeWrite proves the writer can commit: an immediate transaction that
// rewrites the log's size row with its own value, so the commit writes a
// WAL frame and fsyncs like a signing. It fails while another connection
// holds the write lock (after the busy timeout), on a read-only database
// and when the disk refuses the write.
func (db *DB) ProbeWrite(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE log_state SET size = size WHERE id = 1`)
		return err
	})
}
