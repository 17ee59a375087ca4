package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateToken stores an API token's hash and sets t.ID.
func (db *DB) CreateToken(ctx context.Context, tokenHash string, t *registry.APIToken) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tokenHash, t.UserID, t.Name, row.Millis(t.CreatedAt), row.Millis(t.ExpiresAt))
		if err != nil {
			return mapErr(err, "Token")
		}
		t.ID, err = res.LastInsertId()
		return err
	})
}

// TokenByHash returns an API token and its user, if the user is active.
func (db *DB) TokenByHash(ctx context.Context, tokenHash string) (registry.User, registry.APIToken, error) {
	var u registry.User
	var created int64
	var r row.TokenRow
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.OrgID, &u.OrgPath, &u.Active, &created}, r.Dest()...)
	err := db.read.QueryRowContext(ctx, `SELECT `+row.UserColumns+`, `+row.TokenColumns+row.UserFrom+`
		JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = ? AND u.active = 1`, tokenHash).Scan(dest...)
	if err != nil {
		return registry.User{}, registry.APIToken{}, mapErr(err, "Token")
	}
	u.CreatedAt = row.Time(created)
	if u.Role == registry.RoleSuperadmin {
		u.OrgPath = "/"
	}
	return u, r.Token(), nil
}

// TouchToken records a token's last use.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, row.Millis(at), id)
		return err
	})
}

// Tokens lists a user's API tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]registry.APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+row.TokenColumns+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at DESC, t.id DESC`, userID)
	return collect(rows, err, func(sc row.Scanner) (registry.APIToken, error) {
		var r row.TokenRow
		err := sc.Scan(r.Dest()...)
		return r.Token(), err
	})
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
