package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// CreateToken stores an API token's hash and sets t.ID.
func (db *DB) CreateToken(ctx context.Context, tokenHash string, t *registry.APIToken) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, tokenHash, t.UserID, t.Name, row.Millis(t.CreatedAt), row.Millis(t.ExpiresAt)).Scan(&t.ID)
		return mapErr(err, "Token")
	})
}

// TokenByHash returns an API token and its user, if the user is active.
func (db *DB) TokenByHash(ctx context.Context, tokenHash string) (registry.User, registry.APIToken, error) {
	var u row.UserRow
	var t row.TokenRow
	err := db.pool.QueryRow(ctx, `SELECT `+row.UserColumns+`, `+row.TokenColumns+row.UserFrom+`
		JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = $1 AND u.active`, tokenHash).Scan(append(u.Dest(), t.Dest()...)...)
	if err != nil {
		return registry.User{}, registry.APIToken{}, mapErr(err, "Token")
	}
	return u.User(), t.Token(), nil
}

// TouchToken records a token's last use.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, row.Millis(at), id)
		return err
	})
}

// Tokens lists a user's API tokens, newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]registry.APIToken, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+row.TokenColumns+` FROM api_tokens t WHERE t.user_id = $1
		ORDER BY t.created_at DESC, t.id DESC`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.APIToken, error) {
		var t row.TokenRow
		err := r.Scan(t.Dest()...)
		return t.Token(), err
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
