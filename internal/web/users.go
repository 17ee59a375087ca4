package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// orgsByID lists the organizations u may see and indexes them by ID.
func (s *Server) orgsByID(ctx context.Context, u registry.User) ([]registry.Organization, map[int64]registry.Organization, error) {
	orgs, err := s.svc.Organizations(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]registry.Organization, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	return orgs, byID, nil
}

// mayOnRecord reports whether u may do act on the record sig, which in an
// event their organization joins depends on the signer's organization.
func (s *Server) mayOnRecord(ctx context.Context, u registry.User, act registry.Action, sig registry.Signature) bool {
	_, _, err := s.svc.AuthorizeRecord(ctx, u, act, sig)
	return err == nil
}

// userList lists the accounts the signed-in admin manages.
func (s *Server) userList(c *echo.Context) error {
	ctx := c.Request().Context()
	me := s.actor(c).User
	users, err := s.svc.ManagedUsers(ctx, me)
	if err != nil {
		return err
	}
	_, orgs, err := s.orgsByID(ctx, me)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "users", map[string]any{"Title": "Pengguna", "Users": users, "Orgs": orgs})
}

// userFormData is what the new-user form shows: the organizations and
// roles the admin may give, the values entered, and what went wrong.
func (s *Server) userFormData(c *echo.Context, form map[string]string, formErr error) (map[string]any, error) {
	me := s.actor(c).User
	orgs, err := s.svc.Organizations(c.Request().Context(), me)
	if err != nil {
		return nil, err
	}
	d := map[string]any{"Title": "Pengguna baru", "Orgs": orgs, "Roles": me.GrantableRoles(), "Form": form}
	if formErr != nil {
		d["Error"] = formErr
	}
	return d, nil
}

func (s *Server) userNew(c *echo.Context) error {
	if !s.actor(c).User.ManagesUsers() {
		return registry.Errorf(registry.EFORBIDDEN, "Peran Anda tidak mengizinkan pengelolaan pengguna.")
	}
	d, err := s.userFormData(c, map[string]string{"role": string(registry.RoleOperator)}, nil)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "user_new", d)
}

// userCreate creates an account with the password the admin typed or, when
// they left it empty, a random one, and shows it once.
func (s *Server) userCreate(c *echo.Context) error {
	ctx := c.Request().Context()
	form := map[string]string{"email": c.FormValue("email"), "name": c.FormValue("name"), "role": c.FormValue("role"),
		"organization_id": c.FormValue("organization_id")}
	u := &registry.User{Email: form["email"], Name: form["name"], Role: registry.Role(form["role"])}
	if u.Role != registry.RoleSuperadmin {
		u.OrgID, _ = strconv.ParseInt(form["organization_id"], 10, 64)
	}
	password := c.FormValue("password")
	generated := strings.TrimSpace(password) == ""
	if generated {
		var err error
		if password, err = s.svc.GeneratePassword(); err != nil {
			return err
		}
	}
	if err := s.svc.CreateUser(ctx, s.actor(c), u, password); err != nil {
		if registry.ErrorCode(err) == registry.EINTERNAL {
			return err
		}
		d, derr := s.userFormData(c, form, err)
		if derr != nil {
			return derr
		}
		return s.render(c, statusOf(registry.ErrorCode(err)), "user_new", d)
	}
	return s.renderSecret(c, *u, password, "created")
}

// renderSecret shows a password once: after an account is created or its
// password reset. The page is not cached (render sets no-store) and the
// password is stored nowhere but as its hash.
func (s *Server) renderSecret(c *echo.Context, u registry.User, password, what string) error {
	title := "Pengguna dibuat"
	if what == "reset" {
		title = "Kata sandi direset"
	}
	return s.render(c, http.StatusOK, "user_secret", map[string]any{"Title": title, "U": u, "Password": password, "What": what})
}

// userEditPage shows an account with the forms that change it; formErr is
// what a form just sent went wrong with.
func (s *Server) userEditPage(c *echo.Context, status int, u registry.User, formErr error) error {
	me := s.actor(c).User
	orgs, byID, err := s.orgsByID(c.Request().Context(), me)
	if err != nil {
		return err
	}
	tokens, err := s.svc.APITokens(c.Request().Context(), me, u.ID)
	if err != nil {
		return err
	}
	d := map[string]any{"Title": u.Name, "U": u, "Org": byID[u.OrgID], "Orgs": orgs, "Roles": me.GrantableRoles(), "Self": u.ID == me.ID,
		"Tokens": tokens, "Now": s.now()}
	if formErr != nil {
		d["Error"] = formErr
	}
	return s.render(c, status, "user_edit", d)
}

func (s *Server) userShow(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	u, err := s.svc.ManagedUser(c.Request().Context(), s.actor(c).User, id)
	if err != nil {
		return err
	}
	return s.userEditPage(c, http.StatusOK, u, nil)
}

// userActionFailed answers a refused change of account id: on the
// account's page with the reason, if the admin may see the account at all.
func (s *Server) userActionFailed(c *echo.Context, id int64, err error) error {
	if registry.ErrorCode(err) == registry.EINTERNAL {
		return err
	}
	u, lerr := s.svc.ManagedUser(c.Request().Context(), s.actor(c).User, id)
	if lerr != nil {
		return lerr
	}
	return s.userEditPage(c, statusOf(registry.ErrorCode(err)), u, err)
}

func (s *Server) userRole(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	role := registry.Role(c.FormValue("role"))
	orgID, _ := strconv.ParseInt(c.FormValue("organization_id"), 10, 64)
	if _, err := s.svc.SetUserRole(c.Request().Context(), s.actor(c), id, role, orgID); err != nil {
		return s.userActionFailed(c, id, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", id))
}

func (s *Server) userSetActive(active bool) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		if _, err := s.svc.SetUserActive(c.Request().Context(), s.actor(c), id, active); err != nil {
			return s.userActionFailed(c, id, err)
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d", id))
	}
}

// userResetPassword gives an account a new random password, shown once;
// the account's sessions end.
func (s *Server) userResetPassword(c *echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	u, password, err := s.svc.ResetPassword(c.Request().Context(), s.actor(c), id)
	if err != nil {
		return s.userActionFailed(c, id, err)
	}
	return s.renderSecret(c, u, password, "reset")
}

// accountPassword is the form where a signed-in admin changes their own
// password, such as the one-time password an admin passed on to them.
func (s *Server) accountPassword(c *echo.Context) error {
	return s.render(c, http.StatusOK, "user_account", map[string]any{"Title": "Ubah kata sandi"})
}

// accountPasswordChange changes the admin's own password. All their
// sessions and API tokens end, this one included: they sign in again with
// the new one.
func (s *Server) accountPasswordChange(c *echo.Context) error {
	a := s.actor(c)
	key := "password:" + strconv.FormatInt(a.User.ID, 10)
	fail := func(err error) error {
		if registry.ErrorCode(err) == registry.EINTERNAL {
			return err
		}
		return s.render(c, statusOf(registry.ErrorCode(err)), "user_account", map[string]any{"Title": "Ubah kata sandi", "Error": err})
	}
	// Counted before the current password is hashed, as a sign-in is.
	done, err := s.fails.Begin(a.IP, key)
	if err != nil {
		s.opt.Metrics.RateLimited("login")
		return fail(err)
	}
	next := c.FormValue("new_password")
	if next != c.FormValue("confirm_password") {
		done(true)
		return fail(registry.Errorf(registry.EINVALID, "Kata sandi baru dan ulangannya tidak sama."))
	}
	err = s.svc.ChangePassword(c.Request().Context(), a, c.FormValue("current_password"), next)
	done(!registry.IsCode(err, registry.EUNAUTHORIZED) && !registry.IsCode(err, registry.EBUSY))
	if err != nil {
		return fail(err)
	}
	return s.render(c, http.StatusOK, "user_account", map[string]any{"Title": "Ubah kata sandi", "Done": true})
}
