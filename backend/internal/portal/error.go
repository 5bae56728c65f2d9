// Package portal is the domain of the customer portal: its types, the
// services the HTTP layer consumes, and the error codes every layer shares.
// It imports only the standard library and the tenants leaf package.
package portal

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status, in the http package.
const (
	ECONFLICT     = "conflict"     // the request conflicts with the current state (409)
	EINTERNAL     = "internal"     // a failure the client cannot fix; details only in logs (500)
	EINVALID      = "invalid"      // the request or one of its fields is invalid (400)
	ENOTFOUND     = "not_found"    // no such resource, or not visible to the caller (404)
	EUNAUTHORIZED = "unauthorized" // not signed in (401)
	EFORBIDDEN    = "forbidden"    // signed in but not allowed, or tenant suspended (403)
	EUNAVAILABLE  = "unavailable"  // a dependency is down; retry later (503)
	ERATELIMITED  = "rate_limited" // too many attempts; retry later (429)
	EUNSUPPORTED  = "unsupported"  // the body is of a media type the route does not take (415)
	ETOOLARGE     = "too_large"    // the request carries more than the route takes (413)
	// EUNPROCESSABLE: well-formed, but it names something that does not
	// exist, such as an unknown order of an upload (422).
	EUNPROCESSABLE = "unprocessable"
)

// Error is a domain error: a code, a message safe to show the client, and
// the invalid fields of a rejected input.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// FieldError names one invalid input field.
type FieldError struct {
	Field   string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("portal error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err: the *Error's message,
// or a generic one for internal errors, whose text may hold anything.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Internal error."
	}
}
