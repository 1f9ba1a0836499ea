package civicspace

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: the HTTP layer maps each to one status code
// and clients may switch on them.
const (
	EINVALID      = "invalid"       // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"     // the thing does not exist (or must not be seen)
	ECONFLICT     = "conflict"      // a stale version: someone else changed it first (and nothing else)
	ESTATE        = "invalid_state" // what is stored does not allow this: a lifecycle move not allowed now, or replacing what is written once (a score, a key ID, a policy pack version)
	EUNAUTHORIZED = "unauthorized"  // no or bad credentials
	EFORBIDDEN    = "forbidden"     // credentials fine, permission missing
	ETIMEOUT      = "timeout"       // a deadline was exceeded (policy evaluation)
	EINTERNAL     = "internal"      // a bug or an unavailable dependency
)

// Error is the domain error: a stable code, a message safe to show to users,
// and optionally the list of problems found in an input and the cause
// (for operators' logs only).
type Error struct {
	Code     string
	Message  string
	Problems []Problem
	Err      error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Message, e.Err)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message that wraps err.
func WrapError(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the message of the
// first *Error in its chain, or a generic text that hides internal details.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorProblems returns the problems carried by the first *Error in err's
// chain, if any.
func ErrorProblems(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}

// Problem is one thing wrong with an input: where (a JSON Pointer, RFC 6901,
// into the document) and what, in words a user understands.
type Problem struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

func (p Problem) String() string { return p.Pointer + ": " + p.Detail }
