package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

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
