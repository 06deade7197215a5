package ppks

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error so that transports can map it to a status code.
type Kind int

// Error kinds, one per canonical outcome a caller can act on.
const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindAlreadyExists
	KindFailedPrecondition
	KindAborted
	KindPermissionDenied
	KindUnauthenticated
	KindUnavailable
	KindResourceExhausted
)

// Violation is one problem with one field of a request.
type Violation struct {
	Field     string // path in the request, e.g. "beneficiary.nik"
	Reason    string // stable machine-readable code, e.g. "NIK_SERIAL"
	Message   string // English, for developers
	Localized string // Bahasa Indonesia, for the people using the apps
}

// Error is the error type of the domain.
type Error struct {
	Kind       Kind
	Reason     string // stable machine-readable code
	Message    string // English
	Localized  string // Bahasa Indonesia
	Violations []Violation
	Resource   string // the resource concerned, when it may be shown (e.g. the existing duplicate)
	Err        error  // cause, logged, never shown
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "; %s: %s", v.Field, v.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err, KindInternal for errors not from this package.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// NotFound reports a missing resource.
func NotFound(resource string) *Error {
	return &Error{
		Kind:      KindNotFound,
		Reason:    "NOT_FOUND",
		Message:   resource + " not found",
		Localized: "Data tidak ditemukan.",
	}
}

// FailedPrecondition reports an operation the resource's state does not allow.
func FailedPrecondition(reason, message, localized string) *Error {
	return &Error{Kind: KindFailedPrecondition, Reason: reason, Message: message, Localized: localized}
}

// Internal wraps an unexpected error; its text is logged, never shown.
func Internal(op string, err error) *Error {
	return &Error{Kind: KindInternal, Reason: "INTERNAL", Message: op, Localized: "Terjadi kesalahan pada server.", Err: err}
}

// violations collects field violations and turns them into one error.
type violations []Violation

func (vs *violations) add(field, reason, message, localized string) {
	*vs = append(*vs, Violation{Field: field, Reason: reason, Message: message, Localized: localized})
}

func (vs *violations) required(field string) {
	vs.add(field, "REQUIRED", "required", "Wajib diisi.")
}

func (vs violations) err() error {
	if len(vs) == 0 {
		return nil
	}
	return &Error{
		Kind:       KindInvalid,
		Reason:     "INVALID_ARGUMENT",
		Message:    "invalid request",
		Localized:  "Permintaan tidak valid; periksa isian yang ditandai.",
		Violations: vs,
	}
}

// invalid is a shortcut for a single-violation error.
func invalid(field, reason, message, localized string) error {
	var vs violations
	vs.add(field, reason, message, localized)
	return vs.err()
}

// withPrefix puts prefix before every violated field of err, so that a check written for
// a resource can report paths of the request that carried it.
func withPrefix(err error, prefix string) error {
	var e *Error
	if !errors.As(err, &e) || len(e.Violations) == 0 {
		return err
	}
	out := *e
	out.Violations = make([]Violation, len(e.Violations))
	for i, v := range e.Violations {
		v.Field = prefix + v.Field
		out.Violations[i] = v
	}
	return &out
}

// merge appends the violations of err (an invalid-argument error) to vs and reports
// whether err was of that kind; other errors are returned to the caller untouched.
func (vs *violations) merge(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Kind == KindInvalid {
		*vs = append(*vs, e.Violations...)
		return nil
	}
	return err
}

// Invalid returns an invalid-argument error for one field, for checks made by transports
// (a malformed resource name, say).
func Invalid(field, reason, message, localized string) error {
	return invalid(field, reason, message, localized)
}
