package web

import (
	"net/http"

	"github.com/labstack/echo/v5"
)

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
