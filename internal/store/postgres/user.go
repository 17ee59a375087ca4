package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const userColumns = `u.id, u.email, u.name, u.password_hash, u.role, COALESCE(u.org_id, 0), COALESCE(o.path, ''), u.active, u.created_at`

const userFrom = ` FROM users u LEFT JOIN organizations o ON o.id = u.org_id`

// userRow receives the user columns of a row.
type userRow struct {
	u       registry.User
	created int64
}

func (r *userRow) dest() []any {
	u := &r.u
	return []any{&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.OrgID, &u.OrgPath, &u.Active, &r.created}
}

func (r *userRow) user() registry.User {
	r.u.CreatedAt = fromMS(r.created)
	if r.u.Role == registry.RoleSuperadmin {
		r.u.OrgPath = "/"
	}
	return r.u
}

func scanUser(s pgx.Row) (registry.User, error) {
	var r userRow
	err := s.Scan(r.dest()...)
	return r.user(), err
}

// CreateUser inserts u and sets its ID.
func (db *DB) CreateUser(ctx context.Context, u *registry.User) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, org_id, active, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, u.Email, u.Name, u.PasswordHash, u.Role, nullID(u.OrgID),
			u.Active, ms(u.CreatedAt)).Scan(&u.ID)
		return mapErr(err, "Pengguna")
	})
}

// User returns one user.
func (db *DB) User(ctx context.Context, id int64) (registry.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = $1`, id))
	return u, mapErr(err, "Pengguna")
}

// UserByEmail returns the user with an email.
func (db *DB) UserByEmail(ctx context.Context, email string) (registry.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+userFrom+` WHERE u.email = $1`, email))
	return u, mapErr(err, "Pengguna")
}

// sessionPurgeAge is how long before a new session's expiry an old session
// must have expired to be purged: the store has no clock of its own, and
// sessions are checked against the service's (injectable) clock.
const sessionPurgeAge = 30 * 24 * time.Hour

// CreateSession stores a session token's hash and purges old sessions.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, ms(expires.Add(-sessionPurgeAge))); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, tokenHash, userID, ms(expires))
		return mapErr(err, "Sesi")
	})
}

// UserBySession returns the active user of an unexpired session.
func (db *DB) UserBySession(ctx context.Context, tokenHash string, now time.Time) (registry.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+userFrom+`
		JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active`, tokenHash, ms(now)))
	return u, mapErr(err, "Sesi")
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
		return err
	})
}

// CreateToken stores an API token's hash and sets t.ID.
func (db *DB) CreateToken(ctx context.Context, tokenHash string, t *registry.APIToken) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, tokenHash, t.UserID, t.Name, ms(t.CreatedAt), ms(t.ExpiresAt)).Scan(&t.ID)
		return mapErr(err, "Token")
	})
}

const tokenColumns = `t.id, t.user_id, t.name, t.created_at, t.expires_at, t.last_used_at`

// tokenRow receives the token columns of a row.
type tokenRow struct {
	t                      registry.APIToken
	created, expires, used int64
}

func (r *tokenRow) dest() []any {
	return []any{&r.t.ID, &r.t.UserID, &r.t.Name, &r.created, &r.expires, &r.used}
}

func (r *tokenRow) token() registry.APIToken {
	r.t.CreatedAt, r.t.ExpiresAt, r.t.LastUsedAt = fromMS(r.created), fromMS(r.expires), fromMS(r.used)
	return r.t
}

// TokenByHash returns an API token and its user, if the user is active.
func (db *DB) TokenByHash(ctx context.Context, tokenHash string) (registry.User, registry.APIToken, error) {
	var u userRow
	var t tokenRow
	err := db.pool.QueryRow(ctx, `SELECT `+userColumns+`, `+tokenColumns+userFrom+`
		JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1 AND u.active`, tokenHash).Scan(append(u.dest(), t.dest()...)...)
	if err != nil {
		return registry.User{}, registry.APIToken{}, mapErr(err, "Token")
	}
	return u.user(), t.token(), nil
}

// TouchToken records a token's last use.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, ms(at), id)
		return err
	})
}

// Tokens lists a user's API tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]registry.APIToken, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.user_id = $1
		ORDER BY t.created_at DESC, t.id DESC`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.APIToken, error) {
		var t tokenRow
		err := r.Scan(t.dest()...)
		return t.token(), err
	})
}

// DeleteToken revokes one of a user's API tokens.
func (db *DB) DeleteToken(ctx context.Context, userID, id int64) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Token tidak ditemukan.")
		}
		return nil
	})
}
