package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const userColumns = `u.id, u.email, u.name, u.password_hash, u.role, COALESCE(u.org_id, 0), COALESCE(o.path, ''), u.active, u.created_at`

const userFrom = ` FROM users u LEFT JOIN organizations o ON o.id = u.org_id`

func scanUser(s scanner) (registry.User, error) {
	var u registry.User
	var created int64
	err := s.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.OrgID, &u.OrgPath, &u.Active, &created)
	u.CreatedAt = fromMS(created)
	if u.Role == registry.RoleSuperadmin {
		u.OrgPath = "/"
	}
	return u, err
}

// CreateUser inserts u and sets its ID.
func (db *DB) CreateUser(ctx context.Context, u *registry.User) error {
	var org any
	if u.OrgID != 0 {
		org = u.OrgID
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, password_hash, role, org_id, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.Email, u.Name, u.PasswordHash, u.Role, org, u.Active, ms(u.CreatedAt))
		if err != nil {
			return mapErr(err, "Pengguna")
		}
		u.ID, err = res.LastInsertId()
		return err
	})
}

// User returns one user.
func (db *DB) User(ctx context.Context, id int64) (registry.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = ?`, id))
	return u, mapErr(err, "Pengguna")
}

// UserByEmail returns the user with an email.
func (db *DB) UserByEmail(ctx context.Context, email string) (registry.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE u.email = ?`, email))
	return u, mapErr(err, "Pengguna")
}

// CreateSession stores a session token's hash and purges old sessions.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The store has no clock of its own: sessions are checked against the
		// service's (injectable) clock, so purging by time.Now() would drop
		// live sessions whenever the two differ. A session that expired a
		// month before this one will has certainly expired, for any session
		// lifetime shorter than that.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, ms(expires.Add(-sessionPurgeAge))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)`, tokenHash, userID, ms(expires))
		return err
	})
}

// sessionPurgeAge is how long before a new session's expiry an old session
// must have expired to be purged; see CreateSession.
const sessionPurgeAge = 30 * 24 * time.Hour

// UserBySession returns the active user of an unexpired session.
func (db *DB) UserBySession(ctx context.Context, tokenHash string, now time.Time) (registry.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+`
		JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1`, tokenHash, ms(now)))
	return u, mapErr(err, "Sesi")
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
}

// CreateToken stores an API token's hash and sets t.ID.
func (db *DB) CreateToken(ctx context.Context, tokenHash string, t *registry.APIToken) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tokenHash, t.UserID, t.Name, ms(t.CreatedAt), ms(t.ExpiresAt))
		if err != nil {
			return mapErr(err, "Token")
		}
		t.ID, err = res.LastInsertId()
		return err
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
	var u registry.User
	var created int64
	var r tokenRow
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.OrgID, &u.OrgPath, &u.Active, &created}, r.dest()...)
	err := db.read.QueryRowContext(ctx, `SELECT `+userColumns+`, `+tokenColumns+userFrom+`
		JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = ? AND u.active = 1`, tokenHash).Scan(dest...)
	if err != nil {
		return registry.User{}, registry.APIToken{}, mapErr(err, "Token")
	}
	u.CreatedAt = fromMS(created)
	if u.Role == registry.RoleSuperadmin {
		u.OrgPath = "/"
	}
	return u, r.token(), nil
}

// TouchToken records a token's last use.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, ms(at), id)
		return err
	})
}

// Tokens lists a user's API tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]registry.APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.APIToken
	for rows.Next() {
		var r tokenRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		out = append(out, r.token())
	}
	return out, rows.Err()
}

// DeleteToken revokes one of a user's API tokens.
func (db *DB) DeleteToken(ctx context.Context, userID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, id, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return registry.Errorf(registry.ENOTFOUND, "Token tidak ditemukan.")
		}
		return nil
	})
}

// AppendAudit writes one audit entry on its own.
func (db *DB) AppendAudit(ctx context.Context, a registry.AuditEntry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return insertAudit(ctx, tx, a)
	})
}

func insertAudit(ctx context.Context, tx *sql.Tx, a registry.AuditEntry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, user_id, user_name, action, org_id, target, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ms(a.At), a.UserID, a.UserName, a.Action, a.OrgID, a.Target, a.Detail, a.IP)
	return err
}

// writeAudit writes p, an action's pending audit entry, in the action's
// transaction; nil writes nothing.
func writeAudit(ctx context.Context, tx *sql.Tx, p *registry.PendingAudit) error {
	if p == nil {
		return nil
	}
	if p.Finish != nil {
		p.Finish(&p.Entry)
	}
	return insertAudit(ctx, tx, p.Entry)
}

// Audit lists the newest entries about organizations inside scope.
func (db *DB) Audit(ctx context.Context, scope string, limit int) ([]registry.AuditEntry, error) {
	entries, _, err := db.AuditLog(ctx, registry.AuditFilter{Scope: scope, Limit: limit})
	return entries, err
}
