package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// tokenPage shows the signed-in admin's API tokens and the form that
// creates one; created is a token just created, shown this once.
func (s *Server) tokenPage(c *echo.Context, status int, created string, formErr error) error {
	a := s.actor(c)
	tokens, err := s.svc.APITokens(c.Request().Context(), a.User, a.User.ID)
	if err != nil {
		return err
	}
	tz, err := s.zoneOf(c.Request().Context(), a.User)
	if err != nil {
		return err
	}
	d := map[string]any{"Title": "Token API", "Tokens": tokens, "Now": s.now(), "Created": created, "TZ": tz,
		"DefaultDays": int(registry.DefaultTokenLifetime / (24 * time.Hour)), "MaxDays": int(registry.MaxTokenLifetime / (24 * time.Hour))}
	if formErr != nil {
		d["Error"] = formErr
	}
	return s.render(c, status, "user_tokens", d)
}

func (s *Server) accountTokens(c *echo.Context) error {
	return s.tokenPage(c, http.StatusOK, "", nil)
}

// accountTokenCreate issues a token for the signed-in admin and shows it
// once.
func (s *Server) accountTokenCreate(c *echo.Context) error {
	a := s.actor(c)
	days, err := strconv.Atoi(c.FormValue("days"))
	if err != nil {
		days = 0
	}
	token, _, err := s.svc.IssueAPIToken(c.Request().Context(), a, a.User, c.FormValue("name"), time.Duration(days)*24*time.Hour)
	if err != nil {
		if registry.ErrorCode(err) == registry.EINTERNAL {
			return err
		}
		return s.tokenPage(c, statusOf(registry.ErrorCode(err)), "", err)
	}
	return s.tokenPage(c, http.StatusOK, token, nil)
}

// accountTokenRevoke ends one of the signed-in admin's tokens.
func (s *Server) accountTokenRevoke(c *echo.Context) error {
	a := s.actor(c)
	id, err := strconv.ParseInt(c.Param("token"), 10, 64)
	if err != nil {
		return registry.Errorf(registry.ENOTFOUND, "Token tidak ditemukan.")
	}
	if err := s.svc.RevokeAPIToken(c.Request().Context(), a, a.User.ID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/account/tokens")
}

// userTokenRevoke ends a token of an account the admin manages.
func (s *Server) userTokenRevoke(c *echo.Context) error {
	uid, err := idParam(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("token"), 10, 64)
	if err != nil {
		return registry.Errorf(registry.ENOTFOUND, "Token tidak ditemukan.")
	}
	if err := s.svc.RevokeAPIToken(c.Request().Context(), s.actor(c), uid, id); err != nil {
		return s.userActionFailed(c, uid, err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/users/%d#tokens", uid))
}
