package web

import (
	"crypto/rand"
	"encoding/base32"
	"regexp"
	"strings"
	"time"

	"github.com/labstack/echo/v5"
)

// requestIDKey holds the request's ID in the echo context.
const requestIDKey = "ikrar.requestid"

// wellFormedRequestID is what a trusted proxy's X-Request-ID may be: nginx's
// $request_id (32 hex digits), a UUID, or any short token of that kind.
// Anything else (too long, spaces, control characters that could forge a
// log line) is replaced by an ID of our own.
var wellFormedRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestIDEncoding spells a new ID in upper-case letters and digits 2-7:
// short enough to read out over the phone.
var requestIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// requestID gives each request an ID: a trusted proxy's X-Request-ID when
// it is well formed, else a new one. It is sent back in X-Request-ID, shown
// on error pages and in JSON errors, and logged with the request.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if !s.fromTrustedProxy(req) || !wellFormedRequestID.MatchString(id) {
			id = newRequestID()
		}
		c.Set(requestIDKey, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func newRequestID() string {
	var b [10]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return requestIDEncoding.EncodeToString(b[:])
}

// requestIDOf is the ID requestID gave the request.
func requestIDOf(c *echo.Context) string {
	id, _ := c.Get(requestIDKey).(string)
	return id
}

// accessLog logs a finished request at info level when --access-log is on.
// It logs nothing personal: the route and the path without its query
// string (a NIP or a download key can be in one), with a personal link's
// token, which signs in its holder's name, masked, and any NIP-long run
// of digits in the path masked too (a NIP typed where a code belongs); no
// client address, no user agent, no form value.
func (s *Server) accessLog(c *echo.Context, status int, took time.Duration) {
	s.log.Info("access", "request_id", requestIDOf(c), "method", c.Request().Method, "route", c.Path(),
		"path", loggablePath(c), "status", status, "bytes", responseOf(c).Size, "duration_ms", took.Milliseconds())
}

// secretParams are the route parameters whose value is a secret.
var secretParams = map[string]bool{"token": true}

// nipLike is a NIP (18 digits) or a longer run of digits in a path.
var nipLike = regexp.MustCompile(`[0-9]{18,}`)

func loggablePath(c *echo.Context) string {
	p := c.Request().URL.EscapedPath()
	for _, pv := range c.PathValues() {
		if secretParams[pv.Name] && pv.Value != "" {
			p = strings.Replace(p, pv.Value, "-", 1)
		}
	}
	return nipLike.ReplaceAllString(p, "-")
}
