package web

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
)

// securityHeaders sets a strict CSP (no inline scripts or styles) and the
// usual hardening headers on every response; HSTS only when the client
// came over https (requestScheme), so that a plain-http laptop never pins itself.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.requestScheme(c) == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// requestLog logs each request without personal data: the path of a
// personal link or certificate is logged, never form values.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			s.handleError(c, err)
		}
		status := responseOf(c).Status
		if status == http.StatusServiceUnavailable && !s.log.Enabled(c.Request().Context(), slog.LevelDebug) {
			// Shed on purpose: under a login flood that is hundreds a
			// second, so they are summed up rather than logged one by one.
			s.shed.note(s.log, c.Path())
			return nil
		}
		if s.opt.AccessLog && status < 500 {
			s.accessLog(c, status, time.Since(start))
			return nil
		}
		if status >= 500 || s.log.Enabled(c.Request().Context(), slog.LevelDebug) {
			s.log.Log(c.Request().Context(), levelFor(status), "request", "request_id", requestIDOf(c),
				"method", c.Request().Method, "route", c.Path(), "status", status,
				"duration_ms", time.Since(start).Milliseconds(), "ip", c.RealIP())
		}
		return nil
	}
}

// responseOf is echo's record of c's response: its status, its size and
// whether it was sent.
func responseOf(c *echo.Context) *echo.Response {
	if r, err := echo.UnwrapResponse(c.Response()); err == nil {
		return r
	}
	// A handler replaced the writer with one that hides echo's: nothing
	// is known of what it sent.
	return &echo.Response{}
}

// shedLog sums up requests refused with 503 (password hashing at its
// bound) in one warning a minute at most, so that a flood cannot fill the
// disk with log lines.
type shedLog struct {
	mu     sync.Mutex
	since  time.Time
	n      int
	routes map[string]int
}

func (l *shedLog) note(log *slog.Logger, route string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.routes == nil {
		l.routes = map[string]int{}
	}
	l.n++
	l.routes[route]++
	if l.since.IsZero() {
		l.since = now
	}
	if now.Sub(l.since) < time.Minute && l.n > 1 {
		return
	}
	log.Warn("requests refused at capacity (503)", "count", l.n, "since", l.since.UTC().Format(time.RFC3339), "routes", l.routes)
	l.since, l.n, l.routes = now, 0, nil
}

func levelFor(status int) slog.Level {
	if status == http.StatusServiceUnavailable {
		// Load shed on purpose (password hashing at its bound) or a
		// readiness answer: worth seeing, not a failure.
		return slog.LevelWarn
	}
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelDebug
}

// csrf is the CSRF check of the pages, reading the token with lookup. Its
// cookie is Secure as secureCookie decides, request by request.
func (s *Server) csrf(lookup string, skip func(*echo.Context) bool) echo.MiddlewareFunc {
	plain := middleware.CSRFWithConfig(s.csrfConfig(lookup, skip, false))
	secure := middleware.CSRFWithConfig(s.csrfConfig(lookup, skip, true))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		p, sec := plain(next), secure(next)
		return func(c *echo.Context) error {
			if s.secureCookie(c) {
				return sec(c)
			}
			return p(c)
		}
	}
}

func (s *Server) csrfConfig(lookup string, skip func(*echo.Context) bool, secure bool) middleware.CSRFConfig {
	return middleware.CSRFConfig{
		Skipper:        skip,
		TokenLookup:    lookup,
		CookieName:     "ikrar_csrf",
		CookiePath:     "/",
		CookieSecure:   secure,
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(c *echo.Context, err error) error {
			return registry.Errorf(registry.EFORBIDDEN, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
		},
	}
}
