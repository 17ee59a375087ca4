package registry

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Role is what an admin user may do within their organization subtree.
type Role string

const (
	RoleSuperadmin Role = "superadmin"
	RoleAdmin      Role = "admin"
	RoleOperator   Role = "operator"
	RoleViewer     Role = "viewer"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleSuperadmin || r == RoleAdmin || r == RoleOperator || r == RoleViewer
}

// Label is the role in Indonesian.
func (r Role) Label() string {
	switch r {
	case RoleSuperadmin:
		return "Superadmin"
	case RoleAdmin:
		return "Admin organisasi"
	case RoleOperator:
		return "Operator"
	}
	return "Peninjau"
}

// Action is something an admin may be allowed to do.
type Action int

const (
	ActView         Action = iota // read rosters, events, signatures
	ActManageRoster               // import and edit employees
	ActManageEvents               // create, open and close events
	ActRevoke                     // revoke or erase a record
	ActManageOrgs                 // create organizations below one's own
	ActManageUsers                // create users and tokens
	// ActViewLinks: see and hand out participants' personal links, with
	// which anyone may sign as their owner. Viewers may not.
	ActViewLinks
)

// User is an admin account scoped to an organization subtree. A superadmin's
// scope is the whole registry (OrgID 0).
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Role         Role
	OrgID        int64
	OrgPath      string // the scope's materialized path; "/" for a superadmin
	Active       bool
	CreatedAt    time.Time
}

// Can reports whether u may do act on an organization with the given path.
func (u User) Can(act Action, orgPath string) bool {
	if !u.Active {
		return false
	}
	if u.Role != RoleSuperadmin && (u.OrgPath == "" || !strings.HasPrefix(orgPath, u.OrgPath)) {
		return false
	}
	switch u.Role {
	case RoleSuperadmin, RoleAdmin:
		return true
	case RoleOperator:
		return act == ActView || act == ActManageRoster || act == ActManageEvents || act == ActViewLinks
	case RoleViewer:
		return act == ActView
	}
	return false
}

// Scope returns the path prefix of everything u may see.
func (u User) Scope() string {
	if u.Role == RoleSuperadmin {
		return "/"
	}
	return u.OrgPath
}

// Validate normalises and checks a user before it is stored.
func (u *User) Validate() error {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return Errorf(EINVALID, "Alamat email tidak valid.")
	}
	if u.Name == "" {
		return Errorf(EINVALID, "Nama pengguna wajib diisi.")
	}
	if !u.Role.Valid() {
		return Errorf(EINVALID, "Peran harus superadmin, admin, operator atau viewer.")
	}
	if u.Role != RoleSuperadmin && u.OrgID == 0 {
		return Errorf(EINVALID, "Pengguna selain superadmin harus terikat pada satu organisasi.")
	}
	return nil
}

// NormalizeEmail is the one form of an email address that is stored,
// looked up and counted in sign-in limits: trimmed, in Unicode NFC and
// lower case, so that " Admin@X.id " is the account admin@x.id and spends
// its failures.
func NormalizeEmail(email string) string {
	return strings.ToLower(norm.NFC.String(strings.TrimSpace(email)))
}

// AuditEntry is one admin action in the audit trail.
type AuditEntry struct {
	ID       int64
	At       time.Time
	UserID   int64
	UserName string
	Action   string
	OrgID    int64
	Target   string
	Detail   string
	IP       string
}

// PendingAudit is the audit entry of an action on its way to the store: the
// store writes it in the action's transaction and marks it written once
// that committed.
type PendingAudit struct {
	Entry AuditEntry
	// Finish, if set, completes Entry with what the action's own writes
	// decided, such as a new row's ID; the store calls it in the
	// transaction, just before writing the entry.
	Finish  func(*AuditEntry)
	written bool
}

// Written reports whether the entry was committed with its action.
func (p *PendingAudit) Written() bool { return p.written }

// MarkWritten records that the transaction holding the entry committed.
func (p *PendingAudit) MarkWritten() { p.written = true }

type pendingAuditKey struct{}

// WithAudit returns ctx carrying p, for the store's next transaction.
func WithAudit(ctx context.Context, p *PendingAudit) context.Context {
	return context.WithValue(ctx, pendingAuditKey{}, p)
}

// AuditOf is the entry ctx carries that no transaction has committed yet,
// or nil.
func AuditOf(ctx context.Context) *PendingAudit {
	p, _ := ctx.Value(pendingAuditKey{}).(*PendingAudit)
	if p == nil || p.written {
		return nil
	}
	return p
}
