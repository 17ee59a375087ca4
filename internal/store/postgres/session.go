package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// sessionPurgeAge is how long before a new session's expiry an old session
// must have expired to be purged: the store has no clock of its own, and
// sessions are checked against the service's (injectable) clock.
const sessionPurgeAge = 30 * 24 * time.Hour

// CreateSession stores a session token's hash and purges old sessions.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, row.Millis(expires.Add(-sessionPurgeAge))); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, tokenHash, userID, row.Millis(expires))
		return mapErr(err, "Sesi")
	})
}

// UserBySession returns the active user of an unexpired session.
func (db *DB) UserBySession(ctx context.Context, tokenHash string, now time.Time) (registry.User, error) {
	u, err := row.User(db.pool.QueryRow(ctx, `SELECT `+row.UserColumns+row.UserFrom+`
		JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active`, tokenHash, row.Millis(now)))
	return u, mapErr(err, "Sesi")
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
}
