package row

import "github.com/ikrar-id/ikrar/internal/registry"

// TokenColumns are the columns a TokenRow receives, of api_tokens t.
const TokenColumns = `t.id, t.user_id, t.name, t.created_at, t.expires_at, t.last_used_at`

// TokenRow receives TokenColumns, beside other columns.
type TokenRow struct {
	t                      registry.APIToken
	created, expires, used int64
}

// Dest is where a scan puts TokenColumns.
func (r *TokenRow) Dest() []any {
	return []any{&r.t.ID, &r.t.UserID, &r.t.Name, &r.created, &r.expires, &r.used}
}

// Token is the token scanned.
func (r *TokenRow) Token() registry.APIToken {
	r.t.CreatedAt, r.t.ExpiresAt, r.t.LastUsedAt = Time(r.created), Time(r.expires), Time(r.used)
	return r.t
}
