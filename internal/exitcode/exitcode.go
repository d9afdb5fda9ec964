// Package exitcode is the exit-status contract every brickops command keeps,
// so that a CI script can tell "the answer is no" from "the input is wrong"
// from "the tool could not find out":
//
//	0  success
//	1  a check said no: a policy denied the plan, a gate refused, drift was
//	   found, a configuration is invalid
//	2  bad usage or input: flags, arguments, unreadable or malformed files,
//	   an unknown environment or model
//	3  could not complete: API unreachable, authentication, Terraform failed
//
// The package that knows what went wrong marks the error (Refused, Invalid,
// Failed); wrapping with fmt.Errorf("...: %w", err) keeps the mark, and the
// outermost mark wins. An unmarked error means the command could not
// complete (3): an error nobody classified is not evidence of a "no".
package exitcode

import (
	"errors"
	"fmt"
)

// The four exit statuses.
const (
	OK         = 0
	No         = 1
	BadInput   = 2
	Incomplete = 3
)

// Help is the contract as `brickops --help` and the docs state it.
const Help = `Exit status (every command):
  0  success
  1  a check said no: policy denied the plan, a gate refused, drift found,
     configuration invalid
  2  bad usage or input: flags, arguments, unreadable or malformed files,
     unknown environment or model
  3  could not complete: API unreachable, authentication, Terraform failed`

// Error carries the exit status an error should end the command with.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func mark(code int, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Refused marks a check that said no (status 1).
func Refused(err error) error { return mark(No, err) }

// Invalid marks bad usage or input (status 2).
func Invalid(err error) error { return mark(BadInput, err) }

// Failed marks an operation that could not complete (status 3).
func Failed(err error) error { return mark(Incomplete, err) }

// Refusedf, Invalidf and Failedf format a new marked error.
func Refusedf(format string, a ...any) error { return Refused(fmt.Errorf(format, a...)) }

// Invalidf formats a new bad-input error (status 2).
func Invalidf(format string, a ...any) error { return Invalid(fmt.Errorf(format, a...)) }

// Failedf formats a new could-not-complete error (status 3).
func Failedf(format string, a ...any) error { return Failed(fmt.Errorf(format, a...)) }

// Of is the exit status err ends a command with: 0 for nil, the outermost
// mark, and Incomplete for an error nobody marked.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Incomplete
}
