package sqlite

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestMigrateTokens: a database whose API tokens predate migration 006
// keeps them working, each with the default lifetime counted from the
// migration, not from its creation two years before.
func TestMigrateTokens(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasPrefix(filepath.Base(name), "006_") {
			break
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		version := strings.SplitN(filepath.Base(name), "_", 2)[0]
		if _, err := raw.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, 0)`, version); err != nil {
			t.Fatal(err)
		}
	}
	created := time.Now().AddDate(-2, 0, 0)
	if _, err := raw.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, role, active, created_at)
		VALUES (1, 'lama@deliserdang.test', 'Petugas Lama', 'x', 'superadmin', 1, ?)`, ms(created)); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?, 1, ?)`,
		registry.HashToken("ikr_lama"), ms(created)); err != nil {
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
	if u.ID != 1 || tok.ID == 0 || tok.Name == "" || !tok.CreatedAt.Equal(fromMS(ms(created))) || tok.ExpiresAt.Before(want.Add(-time.Minute)) ||
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
