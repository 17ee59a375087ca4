package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/jackc/pgx/v5"
)

// NewestCheckpoint is the size and signing time of the newest stored
// checkpoint, for the metrics; ok is false while none is stored.
func (db *DB) NewestCheckpoint(ctx context.Context) (size int64, signedAt time.Time, ok bool, err error) {
	var at int64
	err = db.pool.QueryRow(ctx, `SELECT size, created_at FROM checkpoints ORDER BY size DESC LIMIT 1`).Scan(&size, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, time.Time{}, false, nil
	}
	if err != nil {
		return 0, time.Time{}, false, err
	}
	return size, row.Time(at), true, nil
}

// IssuedCount is how many certificates were issued and stored (one
// issuance each; an erasure deletes the PDF, never the issuance).
func (db *DB) IssuedCount(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT COUNT(*) FROM issuances`).Scan(&n)
	return n, err
}
