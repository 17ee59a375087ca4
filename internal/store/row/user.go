package row

import "github.com/ikrar-id/ikrar/internal/registry"

// UserColumns are the columns a UserRow receives, from UserFrom.
const UserColumns = `u.id, u.email, u.name, u.password_hash, u.role, COALESCE(u.org_id, 0), COALESCE(o.path, ''), u.active, u.created_at`

// UserFrom joins a user to their organization, whose path is their scope.
const UserFrom = ` FROM users u LEFT JOIN organizations o ON o.id = u.org_id`

// UserRow receives UserColumns, alone (User) or beside other columns.
type UserRow struct {
	u       registry.User
	created int64
}

// Dest is where a scan puts UserColumns.
func (r *UserRow) Dest() []any {
	u := &r.u
	return []any{&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.OrgID, &u.OrgPath, &u.Active, &r.created}
}

// User is the user scanned; a superadmin's scope is the whole registry.
func (r *UserRow) User() registry.User {
	r.u.CreatedAt = Time(r.created)
	if r.u.Role == registry.RoleSuperadmin {
		r.u.OrgPath = "/"
	}
	return r.u
}

// User reads UserColumns.
func User(s Scanner) (registry.User, error) {
	var r UserRow
	err := s.Scan(r.Dest()...)
	return r.User(), err
}
