package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateSession stores a session token's hash and purges old sessions.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The store has no clock of its own: sessions are checked against the
		// service's (injectable) clock, so purging by time.Now() would drop
		// live sessions whenever the two differ. A session that expired a
		// month before this one will has certainly expired, for any session
		// lifetime shorter than that.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, row.Millis(expires.Add(-sessionPurgeAge))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)`, tokenHash, userID, row.Millis(expires))
		return err
	})
}

// sessionPurgeAge is how long before a new session's expiry an old session
// must have expired to be purged; see CreateSession.
const sessionPurgeAge = 30 * 24 * time.Hour

// UserBySession returns the active user of an unexpired session.
func (db *DB) UserBySession(ctx context.Context, tokenHash string, now time.Time) (registry.User, error) {
	u, err := row.User(db.read.QueryRowContext(ctx, `SELECT `+row.UserColumns+row.UserFrom+`
		JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1`, tokenHash, row.Millis(now)))
	return u, mapErr(err, "Sesi")
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}
