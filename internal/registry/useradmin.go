package registry

import (
	"context"
	"time"
)

// UserAdminStore manages admin accounts, reads the audit trail, and counts
// the part of an event's participants that one officer may see.
type UserAdminStore interface {
	// Users lists the accounts scoped inside scope, by organization and
	// name; scope "/" lists the superadmins too, first.
	Users(ctx context.Context, scope string) ([]User, error)
	// SetUserAccess gives a user a role on an organization (0 for a
	// superadmin). Like SetUserActive, it fails with ECONFLICT rather than
	// leave the registry without an active superadmin.
	SetUserAccess(ctx context.Context, id int64, role Role, orgID int64) error
	// SetUserActive activates or deactivates a user. Deactivating ends the
	// user's sessions and deletes their API tokens, so reactivating revives
	// neither.
	SetUserActive(ctx context.Context, id int64, active bool) error
	// SetPassword replaces a user's password hash and ends their sessions
	// and API tokens.
	SetPassword(ctx context.Context, id int64, hash string) error
	// AuditLog lists the entries matching f, newest first, and how many
	// match in all.
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error)
	// AuditActions lists the distinct actions the audit trail holds.
	AuditActions(ctx context.Context) ([]string, error)
	// ScopedEventStats counts the participants of e whose organization lies
	// inside scope: what an officer of a regency sees of its province's
	// event. EventStats(ctx, e) is the same with the whole registry as scope.
	ScopedEventStats(ctx context.Context, e Event, scope string) (EventStats, error)
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	// Scope is an organization subtree; "/" also selects the entries about
	// no organization (superadmin accounts, command-line actions).
	Scope  string
	Action string // empty: every action
	UserID int64  // 0: every user
	// From and Until bound the entries' time: From ≤ At < Until; a zero
	// bound is open.
	From, Until time.Time
	Limit       int
	Offset      int
}
