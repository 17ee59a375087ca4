package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// retryAfterFull is the Retry-After of a storage_full answer, in seconds.
const retryAfterFull = "120"

// statusOf maps a domain error code to its HTTP status: the one place where
// that mapping lives.
func statusOf(code string) int {
	switch code {
	case registry.EINVALID, registry.EBADINK:
		return http.StatusBadRequest
	case registry.ECONSENT, registry.EBADROSTER, registry.ENOTPARTICIPANT, registry.EBADSCAN:
		return http.StatusUnprocessableEntity
	case registry.EUNAUTHORIZED, registry.ETOKENEXPIRED:
		return http.StatusUnauthorized
	case registry.EFORBIDDEN, registry.EWRONGCODE, registry.ENOTELIGIBLE, registry.ENOMATCH:
		return http.StatusForbidden
	case registry.ENOTFOUND:
		return http.StatusNotFound
	case registry.ECONFLICT, registry.ENOTOPEN, registry.EALREADYSIGNED:
		return http.StatusConflict
	case registry.ENAMEREQUIRED:
		return http.StatusPreconditionRequired
	case registry.EMEDIATYPE:
		return http.StatusUnsupportedMediaType
	case registry.ETOOMANY:
		return http.StatusTooManyRequests
	case registry.EGONE:
		return http.StatusGone
	case registry.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case registry.EBUSY, registry.EFULL:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// handleError answers an error as JSON under /api/ and as a page elsewhere,
// in the request's language. Internal errors are logged with their cause
// and shown without it.
//
// echo's own errors are told by their status (echo.StatusCode), not by
// type: since echo v5 the router's 404 and 405 are not *echo.HTTPError,
// and a type assertion would answer them 500.
func (s *Server) handleError(c *echo.Context, err error) {
	if responseOf(c).Committed {
		return
	}
	code := registry.ErrorCode(err)
	var msg any = err // translated where shown
	status := statusOf(code)
	httpStatus := echo.StatusCode(err)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		httpStatus = http.StatusRequestEntityTooLarge
	}
	if httpStatus != 0 {
		status = httpStatus
		switch status {
		case http.StatusNotFound:
			code, msg = registry.ENOTFOUND, "Halaman tidak ditemukan."
		case http.StatusMethodNotAllowed:
			code, msg = "method_not_allowed", "Metode tidak diizinkan."
		case http.StatusRequestEntityTooLarge:
			code, msg = registry.ETOOLARGE, "Data yang dikirim terlalu besar."
		case http.StatusUnsupportedMediaType:
			code, msg = registry.EINVALID, "Jenis konten tidak didukung."
		case http.StatusBadRequest:
			code, msg = registry.EINVALID, "Permintaan tidak valid."
		default:
			if status < 500 {
				code, msg = registry.EINVALID, http.StatusText(status)
			}
		}
	}
	setRetryAfter(c, code)
	if status >= 500 && code != registry.EBUSY {
		s.log.Error("request failed", "request_id", requestIDOf(c), "method", c.Request().Method, "route", c.Path(), "err", err)
	}
	if p := c.Request().URL.Path; strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/log/") {
		c.JSON(status, apiError{Error: apiErrorBody{Code: code, Message: translate(s.lang(c), msg), RequestID: requestIDOf(c)}})
		return
	}
	if rerr := s.render(c, status, "error", map[string]any{"Title": "Terjadi kesalahan", "Message": msg, "Status": status, "RequestID": requestIDOf(c)}); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		c.String(status, translate(s.lang(c), msg))
	}
}

// setRetryAfter tells the client when to try again after an error whose
// cause passes.
func setRetryAfter(c *echo.Context, code string) {
	switch code {
	case registry.EBUSY:
		c.Response().Header().Set("Retry-After", "5")
	case registry.EFULL:
		// Space returns when the operator frees it: minutes, not seconds.
		c.Response().Header().Set("Retry-After", retryAfterFull)
	}
}

type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// RequestID is the request's X-Request-ID, for a report to the operator.
	RequestID string `json:"request_id,omitempty"`
}
