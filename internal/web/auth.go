package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const (
	sessionCookie = "ikrar_session"
	sessionTTL    = 12 * time.Hour
	userKey       = "user"
)

func (s *Server) actor(c *echo.Context) registry.Actor {
	u, _ := c.Get(userKey).(registry.User)
	return registry.Actor{User: u, IP: c.RealIP()}
}

// requireSession lets only signed-in admins through; others go to the login
// page.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		u, err := s.sessionUser(c)
		if err == nil {
			c.Set(userKey, u)
			return next(c)
		}
		if !registry.IsCode(err, registry.ENOTFOUND) {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/login")
	}
}

// sessionUser is the active user of the request's session cookie:
// ENOTFOUND without a live session.
func (s *Server) sessionUser(c *echo.Context) (registry.User, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return registry.User{}, registry.Errorf(registry.ENOTFOUND, "Sesi tidak ditemukan.")
	}
	return s.svc.SessionUser(c.Request().Context(), ck.Value)
}

// requireToken authenticates API calls with a bearer token.
func (s *Server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(token) == "" {
			return registry.Errorf(registry.EUNAUTHORIZED, "Token API wajib dikirim sebagai Authorization: Bearer TOKEN.")
		}
		u, err := s.svc.AuthenticateToken(c.Request().Context(), strings.TrimSpace(token))
		if err != nil {
			return err
		}
		c.Set(userKey, u)
		return next(c)
	}
}

func (s *Server) loginForm(c *echo.Context) error {
	return s.render(c, http.StatusOK, "login", map[string]any{"Title": "Masuk"})
}

// login signs an admin in. The attempt is counted against the address and
// the account before the password is hashed, and spends a failure unless
// the password proves right: a burst of guesses is refused before any of
// them costs argon2id's memory, and one refused for want of a hashing slot
// counts as a failure too.
func (s *Server) login(c *echo.Context) error {
	email, password := c.FormValue("email"), c.FormValue("password")
	fail := func(err error) error {
		if code := registry.ErrorCode(err); code != registry.EUNAUTHORIZED && code != registry.ETOOMANY && code != registry.EBUSY {
			return err
		}
		if registry.IsCode(err, registry.EBUSY) {
			c.Response().Header().Set("Retry-After", "5")
		}
		return s.render(c, statusOf(registry.ErrorCode(err)), "login", map[string]any{"Title": "Masuk", "Error": err, "Email": email})
	}
	done, err := s.fails.Begin(c.RealIP(), loginKey(email))
	if err != nil {
		s.opt.Metrics.RateLimited("login")
		return fail(err)
	}
	u, err := s.svc.Authenticate(c.Request().Context(), email, password, c.RealIP())
	done(err == nil)
	if err != nil {
		return fail(err)
	}
	token, err := s.svc.RandomToken()
	if err != nil {
		return err
	}
	if err := s.svc.StartSession(c.Request().Context(), u, token, sessionTTL); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secureCookie(c),
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	return c.Redirect(http.StatusSeeOther, "/admin")
}

// loginKey is the sign-in limit's key of an email: the address as stored,
// so that case and space variants share one budget.
func loginKey(email string) string { return "login:" + registry.NormalizeEmail(email) }

func (s *Server) logout(c *echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.svc.EndSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secureCookie(c), MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/login")
}
