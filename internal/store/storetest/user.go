package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// A session lets its user in until it expires, is ended, or the user is
// deactivated; a superadmin's scope is the whole registry.
func testUsersAndSessions(t *testing.T, s Store) {
	tr := mustTree(t, s)
	root := mustUser(t, s, "root@example.id", registry.RoleSuperadmin, 0)
	admin := mustUser(t, s, "admin@kab1.example.id", registry.RoleAdmin, tr.regency1.ID)
	operator := mustUser(t, s, "op@dinas.example.id", registry.RoleOperator, tr.agency.ID)
	mustUser(t, s, "admin@kab2.example.id", registry.RoleAdmin, tr.regency2.ID)
	dup := registry.User{Email: admin.Email, Name: "x", PasswordHash: "h", Role: registry.RoleViewer, Active: true, CreatedAt: at}
	wantCode(t, "an email taken", s.CreateUser(ctx, &dup), registry.ECONFLICT)

	if u, err := s.UserByEmail(ctx, admin.Email); err != nil || u.ID != admin.ID || u.OrgPath != tr.regency1.Path ||
		u.Role != registry.RoleAdmin || !u.Active || !u.CreatedAt.Equal(at) {
		t.Errorf("UserByEmail: %+v, %v", u, err)
	}
	if u, err := s.User(ctx, root.ID); err != nil || u.OrgPath != "/" || u.OrgID != 0 {
		t.Errorf("superadmin: %+v, %v; want scope /", u, err)
	}
	_, err := s.UserByEmail(ctx, "nobody@example.id")
	wantCode(t, "an email no user has", err, registry.ENOTFOUND)

	users, err := s.Users(ctx, tr.regency1.Path)
	if err != nil {
		t.Fatal(err)
	}
	userIDs := func(us []registry.User) []int64 { return ids(us, func(u registry.User) int64 { return u.ID }) }
	if got, want := userIDs(users), []int64{admin.ID, operator.ID}; !slices.Equal(got, want) {
		t.Errorf("Users(regency): %v, want %v", got, want)
	}
	if all, err := s.Users(ctx, "/"); err != nil || len(all) != 4 || all[0].ID != root.ID {
		t.Errorf("Users(/): %v, %v; want the superadmin first of 4", userIDs(all), err)
	}

	expires := at.Add(8 * time.Hour)
	if err := s.CreateSession(ctx, "session-1", admin.ID, expires); err != nil {
		t.Fatal(err)
	}
	if u, err := s.UserBySession(ctx, "session-1", expires.Add(-time.Millisecond)); err != nil || u.ID != admin.ID {
		t.Errorf("a live session: %+v, %v", u, err)
	}
	_, err = s.UserBySession(ctx, "session-1", expires)
	wantCode(t, "an expired session", err, registry.ENOTFOUND)
	if err := s.DeleteSession(ctx, "session-1"); err != nil {
		t.Fatal(err)
	}
	_, err = s.UserBySession(ctx, "session-1", at)
	wantCode(t, "an ended session", err, registry.ENOTFOUND)

	if err := s.CreateSession(ctx, "session-2", operator.ID, expires); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserActive(ctx, operator.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err = s.UserBySession(ctx, "session-2", at)
	wantCode(t, "the session of a deactivated user", err, registry.ENOTFOUND)
	if err := s.SetUserActive(ctx, operator.ID, true); err != nil {
		t.Fatal(err)
	}
	_, err = s.UserBySession(ctx, "session-2", at)
	wantCode(t, "a session ended by deactivation, after reactivation", err, registry.ENOTFOUND)

	// A new session purges sessions that expired long before it.
	if err := s.CreateSession(ctx, "old", admin.ID, at.Add(-60*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, "new", admin.ID, expires); err != nil {
		t.Fatal(err)
	}
	_, err = s.UserBySession(ctx, "old", at.Add(-61*24*time.Hour))
	wantCode(t, "a session purged", err, registry.ENOTFOUND)

	if err := s.SetUserAccess(ctx, operator.ID, registry.RoleViewer, tr.regency2.ID); err != nil {
		t.Fatal(err)
	}
	if u, err := s.User(ctx, operator.ID); err != nil || u.Role != registry.RoleViewer || u.OrgPath != tr.regency2.Path {
		t.Errorf("after SetUserAccess: %+v, %v", u, err)
	}
}

// API tokens: found by hash with their user, touched, listed newest first,
// revoked one at a time, and all ended by a password change.
func testTokens(t *testing.T, s Store) {
	tr := mustTree(t, s)
	admin := mustUser(t, s, "admin@kab1.example.id", registry.RoleAdmin, tr.regency1.ID)
	other := mustUser(t, s, "admin@kab2.example.id", registry.RoleAdmin, tr.regency2.ID)
	older := registry.APIToken{UserID: admin.ID, Name: "rekap", CreatedAt: at, ExpiresAt: at.Add(90 * 24 * time.Hour)}
	newer := registry.APIToken{UserID: admin.ID, Name: "sinkron", CreatedAt: at.Add(time.Hour), ExpiresAt: at.Add(24 * time.Hour)}
	for hash, tok := range map[string]*registry.APIToken{"hash-older": &older, "hash-newer": &newer} {
		if err := s.CreateToken(ctx, hash, tok); err != nil || tok.ID == 0 {
			t.Fatalf("CreateToken: ID %d, %v", tok.ID, err)
		}
	}
	dup := registry.APIToken{UserID: other.ID, CreatedAt: at, ExpiresAt: at}
	wantCode(t, "a token hash taken", s.CreateToken(ctx, "hash-older", &dup), registry.ECONFLICT)

	u, tok, err := s.TokenByHash(ctx, "hash-older")
	if err != nil || u.ID != admin.ID || u.OrgPath != tr.regency1.Path || tok != older {
		t.Errorf("TokenByHash: %+v %+v, %v; want %+v", u, tok, err, older)
	}
	used := at.Add(2 * time.Hour)
	if err := s.TouchToken(ctx, older.ID, used); err != nil {
		t.Fatal(err)
	}
	toks, err := s.Tokens(ctx, admin.ID)
	if err != nil || len(toks) != 2 || toks[0].ID != newer.ID || toks[1].ID != older.ID || !toks[1].LastUsedAt.Equal(used) ||
		!toks[0].LastUsedAt.IsZero() {
		t.Errorf("Tokens: %+v, %v; want the newer first, the older used at %v", toks, err, used)
	}
	wantCode(t, "revoking another user's token", s.DeleteToken(ctx, other.ID, older.ID), registry.ENOTFOUND)
	if err := s.DeleteToken(ctx, admin.ID, older.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.TokenByHash(ctx, "hash-older")
	wantCode(t, "a revoked token", err, registry.ENOTFOUND)

	if err := s.CreateSession(ctx, "session", admin.ID, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, admin.ID, "new hash"); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.TokenByHash(ctx, "hash-newer")
	wantCode(t, "a token after a password change", err, registry.ENOTFOUND)
	_, err = s.UserBySession(ctx, "session", at)
	wantCode(t, "a session after a password change", err, registry.ENOTFOUND)
	if u, err := s.User(ctx, admin.ID); err != nil || u.PasswordHash != "new hash" {
		t.Errorf("password hash %q, %v", u.PasswordHash, err)
	}
	wantCode(t, "the password of no user", s.SetPassword(ctx, 9999, "x"), registry.ENOTFOUND)
}

// The registry always keeps an active superadmin.
func testLastSuperadmin(t *testing.T, s Store) {
	tr := mustTree(t, s)
	root := mustUser(t, s, "root@example.id", registry.RoleSuperadmin, 0)
	wantCode(t, "deactivating the last superadmin", s.SetUserActive(ctx, root.ID, false), registry.ECONFLICT)
	wantCode(t, "demoting the last superadmin", s.SetUserAccess(ctx, root.ID, registry.RoleAdmin, tr.province.ID), registry.ECONFLICT)
	if u, err := s.User(ctx, root.ID); err != nil || !u.Active || u.Role != registry.RoleSuperadmin {
		t.Errorf("the refused changes changed the superadmin: %+v, %v", u, err)
	}
	second := mustUser(t, s, "root2@example.id", registry.RoleSuperadmin, 0)
	if err := s.SetUserActive(ctx, root.ID, false); err != nil {
		t.Errorf("deactivating one of two superadmins: %v", err)
	}
	wantCode(t, "deactivating the other", s.SetUserActive(ctx, second.ID, false), registry.ECONFLICT)
}
