package calendar

import (
	"errors"
	"fmt"
)

// Error codes. The API maps each to one HTTP status; everything that is not a
// *Error is internal and is logged, never shown.
const (
	EINVALID      = "invalid"      // the caller sent something wrong (400)
	EUNAUTHORIZED = "unauthorized" // no or wrong credentials (401)
	EFORBIDDEN    = "forbidden"    // credentials fine, action not allowed (403)
	ENOTFOUND     = "not_found"    // the thing does not exist (404)
	ECONFLICT     = "conflict"     // clashes with existing state (409)
	EINTERNAL     = "internal"     // our fault (500)
)

// Error is a domain error: a code and a message that is safe to show to the
// person who caused it. Details lists further problems when several were
// found at once (e.g. every invalid field of a request).
type Error struct {
	Code    string
	Message string
	Details []string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns a *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of the first *Error in err's chain,
// or a generic message for internal errors (whose text may hold secrets or
// SQL and must not reach a client).
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e.Message
	}
	return "Internal error."
}

// IsNotFound reports whether err is a not-found domain error.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }

// problems collects validation problems so that a caller hears about all of
// them at once instead of fixing one field per round trip.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// err returns nil when nothing was added, else one EINVALID error whose
// message is the first problem and whose Details hold them all.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	msg := p[0]
	if len(p) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems)", p[0], len(p)-1)
	}
	return &Error{Code: EINVALID, Message: msg, Details: append([]string(nil), p...)}
}
