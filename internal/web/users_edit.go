package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

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
