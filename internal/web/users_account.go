package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

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
