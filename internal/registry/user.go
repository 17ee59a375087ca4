package registry

import (
	"context"
	"fmt"
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

// JoinsEventsOf reports whether u's scope lies inside the subtree of the
// organization with path orgPath: the officer of a regency joins the events
// its province runs. They see such an event, and their own participants in
// it, but only the event organization's admins (or those above) manage it.
func (u User) JoinsEventsOf(orgPath string) bool {
	return u.Active && u.Role != RoleSuperadmin && u.OrgPath != "" && orgPath != "" && strings.HasPrefix(u.OrgPath, orgPath)
}

// Authenticate checks an admin's email and password.
//
// Sign-ins go to the audit trail: "user.login" as the user, and
// "user.login_failed" against an existing account (its owner's
// organization sees someone tried it). Attempts on emails that have no
// account are not recorded: they would fill the trail with whatever an
// attacker types, and the rate limiter already answers them. Either way the
// password is hashed once, through the Hasher's slots, so an unknown email
// costs the caller what a known one does; when no slot comes free the
// error is EBUSY.
func (s *Service) Authenticate(ctx context.Context, email, password, ip string) (User, error) {
	bad := Errorf(EUNAUTHORIZED, "Email atau kata sandi salah.")
	if len(password) > 4*MaxPasswordLen {
		return User{}, bad
	}
	u, err := s.Store.UserByEmail(ctx, NormalizeEmail(email))
	if IsCode(err, ENOTFOUND) {
		if _, err := s.Hasher.Check(ctx, s.Hasher.dummy, password); err != nil {
			return User{}, err
		}
		return User{}, bad
	}
	if err != nil {
		return User{}, err
	}
	ok, err := s.Hasher.Check(ctx, u.PasswordHash, password)
	if err != nil {
		return User{}, err
	}
	if !ok || !u.Active {
		detail := Detailf("kata sandi salah")
		if !u.Active {
			detail = Detailf("akun nonaktif")
		}
		if err := s.audit(ctx, notSignedIn, ip, "user.login_failed", u.OrgID, u.Email, detail); err != nil {
			return User{}, err
		}
		return User{}, bad
	}
	return u, s.audit(ctx, u, ip, "user.login", u.OrgID, u.Email, Detail{})
}

// notSignedIn is the actor of a failed sign-in in the audit trail.
var notSignedIn = User{Name: "(belum masuk)"}

// CreateUser adds an admin user (the CLI bootstraps the first superadmin
// with Actor{User: System}).
func (s *Service) CreateUser(ctx context.Context, a Actor, u *User, password string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if u.Role == RoleSuperadmin && a.User.Role != RoleSuperadmin {
		return Errorf(EFORBIDDEN, "Hanya superadmin yang dapat membuat superadmin.")
	}
	if u.OrgID != 0 {
		if _, err := s.authorize(ctx, a.User, ActManageUsers, u.OrgID); err != nil {
			return err
		}
	}
	if err := CheckPasswordPolicy(password, *u); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	u.Active = true
	u.CreatedAt = s.now()
	err = s.audited(ctx, a.User, a.IP, "user.create", u.OrgID, u.Email, Plain(string(u.Role)), func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.CreateUser(ctx, u)
	})
	if err != nil {
		if IsCode(err, ECONFLICT) {
			return Errorf(ECONFLICT, "Email sudah terdaftar.")
		}
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UserStore keeps admin accounts, their sessions and API tokens, and the
// audit trail.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	CreateSession(ctx context.Context, tokenHash string, userID int64, expires time.Time) error
	UserBySession(ctx context.Context, tokenHash string, now time.Time) (User, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// CreateToken stores an API token by its hash and sets t.ID.
	CreateToken(ctx context.Context, tokenHash string, t *APIToken) error
	// TokenByHash returns an API token, expired or not, and its user if
	// the user is active (ENOTFOUND otherwise).
	TokenByHash(ctx context.Context, tokenHash string) (User, APIToken, error)
	// TouchToken records that a token was used at at.
	TouchToken(ctx context.Context, id int64, at time.Time) error
	// Tokens lists a user's API tokens, newest first.
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	// DeleteToken revokes one of a user's API tokens (ENOTFOUND if the
	// user has no such token).
	DeleteToken(ctx context.Context, userID, id int64) error
	AppendAudit(ctx context.Context, a AuditEntry) error
	Audit(ctx context.Context, scope string, limit int) ([]AuditEntry, error)
}

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
	change := fmt.Sprintf("%s → %s", u.Role, role)
	detail := Plain(change)
	if orgID != u.OrgID && orgID != 0 {
		detail = Detailf("%s; organisasi: %s", change, org.Name)
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
	err = s.audited(ctx, a.User, a.IP, action, u.OrgID, u.Email, Detail{}, func(ctx context.Context, _ *PendingAudit) error {
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
	err = s.audited(ctx, a.User, a.IP, "user.reset_password", u.OrgID, u.Email, Detail{}, func(ctx context.Context, _ *PendingAudit) error {
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
	return s.audited(ctx, a.User, a.IP, "user.password", u.OrgID, u.Email, Detail{}, func(ctx context.Context, _ *PendingAudit) error {
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
