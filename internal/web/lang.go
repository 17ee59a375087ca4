package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/registry"
)

const (
	langCookie = "ikrar_lang"
	langKey    = "lang"
	langParam  = "lang"
	langMaxAge = 365 * 24 * 60 * 60
)

// language picks the language of every response and keeps it on the
// request: ?lang=en|id, remembered in a cookie for a year; else that
// cookie; else Indonesian.
//
// Pages do not follow Accept-Language: many Indonesian officials run
// browsers set to English, and ikrar is Indonesian first, so English is
// only ever a choice made with the switch. The JSON API has no switch, so
// its error messages also follow Accept-Language when it prefers English;
// without either, API messages stay Indonesian as documented.
func (s *Server) language(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		c.Set(langKey, s.chooseLang(c))
		return next(c)
	}
}

func (s *Server) chooseLang(c *echo.Context) i18n.Lang {
	if l, ok := i18n.Parse(c.QueryParam(langParam)); ok {
		c.SetCookie(&http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: langMaxAge,
			HttpOnly: true, Secure: s.secureCookie(c), SameSite: http.SameSiteLaxMode})
		return l
	}
	if ck, err := c.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(ck.Value); ok {
			return l
		}
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		if l, ok := i18n.FromAcceptLanguage(c.Request().Header.Get("Accept-Language")); ok {
			return l
		}
	}
	return i18n.Default
}

// lang returns the language chosen for the request.
func (s *Server) lang(c *echo.Context) i18n.Lang {
	if l, ok := c.Get(langKey).(i18n.Lang); ok {
		return l
	}
	return s.chooseLang(c)
}

// langURLs returns, for each language, the link that shows the current page
// in it. A page answering a form post links to the page the form was on,
// since reloading a POST URL with GET would not show the same page. A
// refusal keeps only the path: it must not repeat what was asked, such as
// a NIP searched for in another tenant's organization.
func langURLs(c *echo.Context, status int) map[string]string {
	req := c.Request()
	u := &url.URL{Path: localPath(req.URL.Path), RawQuery: req.URL.RawQuery}
	if status >= 400 {
		u.RawQuery = ""
	} else if req.Method != http.MethodGet && req.Method != http.MethodHead {
		u = &url.URL{Path: "/"}
		if ref, err := url.Parse(req.Referer()); err == nil && ref.Host == req.Host && strings.HasPrefix(ref.Path, "/") {
			u = &url.URL{Path: localPath(ref.Path), RawQuery: ref.RawQuery}
		}
	}
	out := make(map[string]string, len(i18n.Langs))
	for _, l := range i18n.Langs {
		q := u.Query()
		q.Set(langParam, string(l))
		v := *u
		v.RawQuery = q.Encode()
		out[string(l)] = v.String()
	}
	return out
}

// localPath makes p a path on this site: a link to "//evil.example/x" (or
// "/\evil.example", which browsers read the same way) would leave it, so
// leading slashes and backslashes fold into one slash.
func localPath(p string) string {
	return "/" + strings.TrimLeft(p, "/\\")
}

// translate renders v in l: an Indonesian text, an i18n.Message, or an
// error, whose domain message is rebuilt from its format and arguments.
// Other errors get the generic message, so no detail leaks.
func translate(l i18n.Lang, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return l.T(v)
	case i18n.Message:
		return l.Say(v.Format, v.Args...)
	case error:
		var e *registry.Error
		if errors.As(v, &e) && e.Format != "" {
			return l.Say(e.Format, e.Args...)
		}
		return l.T(registry.ErrorMessage(v))
	case fmt.Stringer:
		return l.T(v.String())
	}
	return l.T(fmt.Sprint(v))
}
