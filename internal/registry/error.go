package registry

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error codes are stable: the API returns them to machines, tests match on
// them, and the web layer maps each to an HTTP status in one place.
const (
	EINVALID      = "invalid_input"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOMANY      = "rate_limited"
	EINTERNAL     = "internal"
	EGONE         = "gone"
	ETOOLARGE     = "too_large"
	// EBUSY: the server is at capacity for this kind of work (password
	// hashing); the request may be retried shortly.
	EBUSY = "busy"
	// EFULL: the server's storage is full (SQLite reported SQLITE_FULL,
	// the OS ENOSPC, or a certificate would eat into the room kept for
	// signings); nothing of the request was stored and it may be retried
	// once space returns.
	EFULL = "storage_full"
	// ETOKENEXPIRED: an API token that was valid has expired.
	ETOKENEXPIRED = "token_expired"

	// Signing-specific codes, so a signer's client can tell them apart.
	EWRONGCODE   = "wrong_event_code"
	ENOTELIGIBLE = "not_eligible"
	ENOTOPEN     = "signing_not_open"
	ECONSENT     = "consent_required"
	EBADINK      = "invalid_signature_image"
	EBADROSTER   = "invalid_roster"
	// ENAMEREQUIRED: identification from an address or for an event that
	// spent its failure budget also needs the signer's own name.
	ENAMEREQUIRED = "name_required"
	// ENOMATCH: NIP, event code or name do not match, without saying which.
	ENOMATCH = "identity_mismatch"
	// EMEDIATYPE: a JSON endpoint was sent something other than JSON.
	EMEDIATYPE = "unsupported_media_type"

	// Paper signatures (POST /api/v1/events/{id}/paper-signatures).
	// EALREADYSIGNED: the person has a standing record of the event.
	EALREADYSIGNED = "already_signed"
	// ENOTPARTICIPANT: the NIP is not an eligible participant.
	ENOTPARTICIPANT = "not_participant"
	// EBADSCAN: the scan is not a well-formed PDF, PNG or JPEG in bounds.
	EBADSCAN = "invalid_scan"
)

// Error is a domain error: a stable code for machines and a message in
// Indonesian for people. Err keeps the cause for logs. An error made by
// Errorf also keeps the format and arguments of its message, so the web
// layer can say it again in the user's language.
type Error struct {
	Code    string
	Message string
	Format  string
	Args    []any
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a domain error with a formatted Indonesian message. It
// is the one way to make a user-facing error (an AST test in internal/i18n
// holds the module to it): format is a literal the catalog has, so the web
// layer translates the error by looking its format up, not its text. An
// argument may be another domain error, which the message quotes by its own
// message ("Tanda tangan pejabat: %s") and a translation by its own format.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, messages(args)...), Format: format, Args: args}
}

// messages returns args with each error replaced by its user-facing message.
func messages(args []any) []any {
	var out []any
	for i, a := range args {
		if err, ok := a.(error); ok {
			if out == nil {
				out = slices.Clone(args)
			}
			out[i] = ErrorMessage(err)
		}
	}
	if out == nil {
		return args
	}
	return out
}

// MessageFormat returns the format and arguments of e's message, so that it
// can be said again in another language.
func (e *Error) MessageFormat() (string, []any) { return e.Format, e.Args }

// Wrapf is Errorf keeping err as the cause, for logs and errors.Is.
func Wrapf(err error, code, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Err = err
	return e
}

// Wrap is Wrapf for a message without arguments, for the helpers that
// pass a message on (such as ink's bad); err may be nil.
func Wrap(err error, code, message string) *Error {
	return &Error{Code: code, Message: message, Format: strings.ReplaceAll(message, "%", "%%"), Err: err}
}

// ErrorCode returns the code of the first domain error in err's chain, or
// EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Terjadi kesalahan pada server. Silakan coba lagi."
}

// IsCode reports whether err carries the given domain code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }

// ErrScrubPending is returned, wrapped, by an erasure that committed but
// whose old values the store could not yet scrub from its files (readers
// held an old snapshot); the store keeps trying. The erasure stands.
var ErrScrubPending = errors.New("erased, but the storage is not yet scrubbed")

// IsScrubPending reports whether err is ErrScrubPending.
func IsScrubPending(err error) bool { return errors.Is(err, ErrScrubPending) }
