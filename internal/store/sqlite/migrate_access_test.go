package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// TestMigrateTokens: a database whose API tokens predate migration 006
// keeps them working, each with the default lifetime counted from the
// migration, not from its creation two years before.
func TestMigrateTokens(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := mustSchemaBefore(t, path, 6)
	created := time.Now().AddDate(-2, 0, 0)
	if _, err := raw.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, role, active, created_at)
		VALUES (1, 'lama@deliserdang.test', 'Petugas Lama', 'x', 'superadmin', 1, ?)`, row.Millis(created)); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, 1, ?)`,
		registry.HashToken("ikr_lama"), row.Millis(created)); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	before := time.Now()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, tok, err := db.TokenByHash(ctx, registry.HashToken("ikr_lama"))
	if err != nil {
		t.Fatalf("the old token after migration: %v", err)
	}
	want := before.Add(registry.DefaultTokenLifetime)
	if u.ID != 1 || tok.ID == 0 || tok.Name == "" || !tok.CreatedAt.Equal(row.Time(row.Millis(created))) || tok.ExpiresAt.Before(want.Add(-time.Minute)) ||
		tok.ExpiresAt.After(want.Add(time.Minute)) || tok.Expired(before) {
		t.Errorf("migrated token %+v of user %d: want an ID, a name, its creation kept and expiry about %s", tok, u.ID, want)
	}
	tokens, err := db.Tokens(ctx, 1)
	if err != nil || len(tokens) != 1 || tokens[0] != tok {
		t.Errorf("Tokens = %v, %v; want the migrated token", tokens, err)
	}
	if err := db.DeleteToken(ctx, 1, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.TokenByHash(ctx, registry.HashToken("ikr_lama")); !registry.IsCode(err, registry.ENOTFOUND) {
		t.Errorf("a deleted token: %v", err)
	}
}
