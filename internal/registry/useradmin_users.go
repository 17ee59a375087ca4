package registry

import (
	"context"
	"fmt"
)

// GeneratePassword returns a random password an admin reads out or passes
// on once: four groups of four Crockford base32 characters (80 bits), with
// no letters that are mistaken for digits.
func (s *Service) GeneratePassword() (string, error) {
	code, err := s.RandomCode(16)
	if err != nil {
		return "", err
	}
	return code[0:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:16], nil
}

// ManagesUsers reports whether u manages the accounts of their scope (and
// so reads its audit trail): superadmins and admins.
func (u User) ManagesUsers() bool { return u.Can(ActManageUsers, u.Scope()) }

// GrantableRoles lists the roles u may give: only a superadmin makes
// superadmins.
func (u User) GrantableRoles() []Role {
	switch {
	case !u.ManagesUsers():
		return nil
	case u.Role == RoleSuperadmin:
		return []Role{RoleSuperadmin, RoleAdmin, RoleOperator, RoleViewer}
	}
	return []Role{RoleAdmin, RoleOperator, RoleViewer}
}

// ManagedUsers lists the accounts the actor manages: everyone scoped in
// their subtree (a superadmin: everyone).
func (s *Service) ManagedUsers(ctx context.Context, actor User) ([]User, error) {
	if !actor.ManagesUsers() {
		return nil, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan pengelolaan pengguna.")
	}
	users, err := s.Store.Users(ctx, actor.Scope())
	if err != nil {
		return nil, fmt.Errorf("list users in %s: %w", actor.Scope(), err)
	}
	return users, nil
}

// ManagedUser returns an account the actor manages. An account outside
// their subtree — a superadmin, for anyone but a superadmin — does not
// exist for them.
func (s *Service) ManagedUser(ctx context.Context, actor User, id int64) (User, error) {
	notFound := Errorf(ENOTFOUND, "Pengguna tidak ditemukan.")
	u, err := s.Store.User(ctx, id)
	if IsCode(err, ENOTFOUND) {
		return User{}, notFound
	}
	if err != nil {
		return User{}, err
	}
	if !actor.Can(ActView, u.OrgPath) {
		return User{}, notFound
	}
	if !actor.Can(ActManageUsers, u.OrgPath) {
		return User{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan pengelolaan pengguna.")
	}
	return u, nil
}

// SetUserRole gives a user a role on an organization. Only a superadmin
// makes superadmins; an admin grants roles in their subtree only; nobody
// changes their own role, so nobody demotes themselves out of the console.
func (s *Service) SetUserRole(ctx context.Context, a Actor, id int64, role Role, orgID int64) (User, error) {
	u, err := s.ManagedUser(ctx, a.User, id)
	if err != nil {
		return User{}, err
	}
	if u.ID == a.User.ID {
		return User{}, Errorf(EFORBIDDEN, "Anda tidak dapat mengubah peran akun Anda sendiri; minta admin lain melakukannya.")
	}
	if !role.Valid() {
		return User{}, Errorf(EINVALID, "Peran harus superadmin, admin, operator atau viewer.")
	}
	var org Organization
	if role == RoleSuperadmin {
		if a.User.Role != RoleSuperadmin {
			return User{}, Errorf(EFORBIDDEN, "Hanya superadmin yang dapat menjadikan pengguna superadmin.")
		}
		orgID = 0
	} else {
		if orgID == 0 {
			return User{}, Errorf(EINVALID, "Pengguna selain superadmin harus terikat pada satu organisasi.")
		}
		if org, err = s.authorize(ctx, a.User, ActManageUsers, orgID); err != nil {
			return User{}, err
		}
	}
	if role == u.Role && orgID == u.OrgID {
		return u, nil
	}
	detail := fmt.Sprintf("%s → %s", u.Role, role)
	if orgID != u.OrgID && orgID != 0 {
		detail += "; organisasi: " + org.Name
	}
	auditOrg := orgID
	if auditOrg == 0 {
		auditOrg = u.OrgID
	}
	err = s.audited(ctx, a.User, a.IP, "user.role", auditOrg, u.Email, detail, func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetUserAccess(ctx, u.ID, role, orgID)
	})
	if err != nil {
		return User{}, fmt.Errorf("set role of user %d: %w", u.ID, err)
	}
	u.Role, u.OrgID, u.OrgPath = role, orgID, org.Path
	if role == RoleSuperadmin {
		u.OrgPath = "/"
	}
	return u, nil
}

// SetUserActive deactivates or reactivates an account. A deactivated user
// cannot sign in, and their sessions and API tokens end. Nobody
// deactivates themselves.
func (s *Service) SetUserActive(ctx context.Context, a Actor, id int64, active bool) (User, error) {
	u, err := s.ManagedUser(ctx, a.User, id)
	if err != nil {
		return User{}, err
	}
	if u.ID == a.User.ID && !active {
		return User{}, Errorf(EFORBIDDEN, "Anda tidak dapat menonaktifkan akun Anda sendiri.")
	}
	if u.Active == active {
		return u, nil
	}
	action := "user.activate"
	if !active {
		action = "user.deactivate"
	}
	err = s.audited(ctx, a.User, a.IP, action, u.OrgID, u.Email, "", func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SetUserActive(ctx, u.ID, active)
	})
	if err != nil {
		return User{}, fmt.Errorf("set user %d active=%v: %w", u.ID, active, err)
	}
	u.Active = active
	return u, nil
}

// ResetPassword gives an account a new random password, returned to be
// passed on once, and ends the account's sessions and API tokens. One's own password is
// changed with ChangePassword instead, which asks for the current one.
func (s *Service) ResetPassword(ctx context.Context, a Actor, id int64) (User, string, error) {
	u, err := s.ManagedUser(ctx, a.User, id)
	if err != nil {
		return User{}, "", err
	}
	if u.ID == a.User.ID {
		return User{}, "", Errorf(EFORBIDDEN, "Untuk akun Anda sendiri gunakan menu Ubah kata sandi.")
	}
	password, err := s.GeneratePassword()
	if err != nil {
		return User{}, "", err
	}
	err = s.audited(ctx, a.User, a.IP, "user.reset_password", u.OrgID, u.Email, "", func(ctx context.Context, _ *PendingAudit) error {
		return s.setPassword(ctx, u.ID, password)
	})
	if err != nil {
		return User{}, "", err
	}
	return u, password, nil
}

// ChangePassword changes the actor's own password after checking the
// current one, and ends all their sessions and API tokens.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, next string) error {
	u, err := s.Store.User(ctx, a.User.ID)
	if err != nil {
		return err
	}
	ok, err := s.Hasher.Check(ctx, u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(EUNAUTHORIZED, "Kata sandi saat ini salah.")
	}
	if next == current {
		return Errorf(EINVALID, "Kata sandi baru harus berbeda dari kata sandi saat ini.")
	}
	if err := CheckPasswordPolicy(next, u); err != nil {
		return err
	}
	return s.audited(ctx, a.User, a.IP, "user.password", u.OrgID, u.Email, "", func(ctx context.Context, _ *PendingAudit) error {
		return s.setPassword(ctx, u.ID, next)
	})
}

// setPassword stores the hash of a password that passed the policy or was
// generated.
func (s *Service) setPassword(ctx context.Context, id int64, password string) error {
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, id, hash); err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	return nil
}
