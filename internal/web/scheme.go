package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"
)

// requestScheme is the scheme the client reached the service by: https on a TLS
// connection, else what X-Forwarded-Proto says when the connection comes
// from one of the trusted proxies (--trusted-proxies). From anyone else the
// header never counts: echo's own Scheme() believes it from every client.
func (s *Server) requestScheme(c *echo.Context) string {
	req := c.Request()
	if req.TLS != nil {
		return "https"
	}
	if s.fromTrustedProxy(req) {
		// One value is what nginx and Caddy send; of a list, the first is
		// the one the client used.
		v, _, _ := strings.Cut(req.Header.Get(echo.HeaderXForwardedProto), ",")
		if v = strings.ToLower(strings.TrimSpace(v)); v == "https" {
			return "https"
		}
	}
	return "http"
}

// fromTrustedProxy reports whether the connection's peer is a trusted proxy.
func (s *Server) fromTrustedProxy(req *http.Request) bool {
	if len(s.opt.TrustedProxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		host = req.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.opt.TrustedProxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// secureCookie reports whether a cookie set now carries the Secure flag:
// always when the base URL is https, and whenever the client came over
// https, directly or through a trusted proxy.
func (s *Server) secureCookie(c *echo.Context) bool {
	return s.opt.SecureCookies || s.requestScheme(c) == "https"
}
