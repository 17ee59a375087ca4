package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const (
	sessionCookie = "ikrar_session"
	sessionTTL    = 12 * time.Hour
	userKey       = "user"
)

func (s *Server) actor(c echo.Context) registry.Actor {
	u, _ := c.Get(userKey).(registry.User)
	return registry.Actor{User: u, IP: c.RealIP()}
}

// requireSession lets only signed-in admins through; others go to the login
// page.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil && ck.Value != "" {
			u, err := s.store.UserBySession(c.Request().Context(), registry.HashToken(ck.Value), s.now())
			if err == nil {
				c.Set(userKey, u)
				return next(c)
			}
			if !registry.IsCode(err, registry.ENOTFOUND) {
				return err
			}
		}
		return c.Redirect(http.StatusSeeOther, "/login")
	}
}

// requireToken authenticates API calls with a bearer token.
func (s *Server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(token) == "" {
			return registry.Errorf(registry.EUNAUTHORIZED, "Token API wajib dikirim sebagai Authorization: Bearer TOKEN.")
		}
		u, err := s.store.UserByToken(c.Request().Context(), registry.HashToken(strings.TrimSpace(token)))
		if registry.IsCode(err, registry.ENOTFOUND) {
			return registry.Errorf(registry.EUNAUTHORIZED, "Token API tidak valid.")
		}
		if err != nil {
			return err
		}
		c.Set(userKey, u)
		return next(c)
	}
}

func (s *Server) loginForm(c echo.Context) error {
	return s.render(c, http.StatusOK, "login", map[string]any{"Title": "Masuk"})
}

func (s *Server) login(c echo.Context) error {
	email, password := c.FormValue("email"), c.FormValue("password")
	if err := s.fails.Blocked(c.RealIP(), "login:"+strings.ToLower(email)); err != nil {
		return s.render(c, http.StatusTooManyRequests, "login", map[string]any{"Title": "Masuk", "Error": err, "Email": email})
	}
	u, err := s.svc.Authenticate(c.Request().Context(), email, password, c.RealIP())
	if registry.IsCode(err, registry.EUNAUTHORIZED) {
		s.fails.Failed(c.RealIP(), "login:"+strings.ToLower(email))
		return s.render(c, http.StatusUnauthorized, "login", map[string]any{"Title": "Masuk", "Error": err, "Email": email})
	}
	if err != nil {
		return err
	}
	token, err := s.svc.RandomToken()
	if err != nil {
		return err
	}
	if err := s.store.CreateSession(c.Request().Context(), registry.HashToken(token), u.ID, s.now().Add(sessionTTL)); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.opt.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	return c.Redirect(http.StatusSeeOther, "/admin")
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(c.Request().Context(), registry.HashToken(ck.Value)); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.opt.SecureCookies, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/login")
}
