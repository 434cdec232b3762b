package wwe

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is a stable errorCode, as clients see it.
type Code string

// The error codes of the contract (DESIGN.md §2.3).
const (
	CodeInvalidRequest          Code = "INVALID_REQUEST"
	CodeUnauthenticated         Code = "UNAUTHENTICATED"
	CodeUserDataWriteNotAllowed Code = "USER_DATA_WRITE_NOT_ALLOWED"
	CodeRequestNotAllowed       Code = "REQUEST_NOT_ALLOWED"
	CodeInteractionNotFound     Code = "INTERACTION_NOT_FOUND"
	CodeCaseNotFound            Code = "CASE_NOT_FOUND"
	CodeMarkdoneBlocked         Code = "MARKDONE_BLOCKED"
	CodeInteractionNotLive      Code = "INTERACTION_NOT_LIVE"
	CodeInvalidState            Code = "INVALID_STATE"
	CodeInteractionChanged      Code = "INTERACTION_CHANGED"
	CodeRequestTooLarge         Code = "REQUEST_TOO_LARGE"
	CodeUnsupportedMediaType    Code = "UNSUPPORTED_MEDIA_TYPE"
	CodeRateLimited             Code = "RATE_LIMITED"
	CodePolicyError             Code = "POLICY_ERROR"
	CodeServiceUnavailable      Code = "SERVICE_UNAVAILABLE"
	CodeNotReady                Code = "NOT_READY"
	CodeNotImplemented          Code = "NOT_IMPLEMENTED"
	CodeNotFound                Code = "NOT_FOUND"
	CodeMethodNotAllowed        Code = "METHOD_NOT_ALLOWED"
)

// Reason is one deny or block a policy gave.
type Reason struct {
	Code    string `json:"code"`
	Key     string `json:"key,omitempty"`
	Message string `json:"message"`
}

// Error is the one error every layer returns to a client. Message is safe to
// show; internal detail goes to logs, never here.
type Error struct {
	Code            Code     `json:"errorCode"`
	Message         string   `json:"errorMessage"`
	DeniedKeys      []string `json:"deniedKeys,omitempty"`
	Reasons         []Reason `json:"reasons,omitempty"`
	WarningMessages []string `json:"warningMessages,omitempty"`
	DecisionID      string   `json:"decisionId,omitempty"`
	// RetryAfter is the number of seconds a rate-limited caller should wait.
	RetryAfter int `json:"-"`
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err when it is or wraps an *Error, and
// SERVICE_UNAVAILABLE otherwise: an error the guard cannot classify came from
// talking to the service.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeServiceUnavailable
}

// statuses is the one map from error code to HTTP status (DESIGN.md §2.3).
var statuses = map[Code]int{
	CodeInvalidRequest:          http.StatusBadRequest,
	CodeUnauthenticated:         http.StatusUnauthorized,
	CodeUserDataWriteNotAllowed: http.StatusForbidden,
	CodeRequestNotAllowed:       http.StatusForbidden,
	CodeInteractionNotFound:     http.StatusNotFound,
	CodeCaseNotFound:            http.StatusNotFound,
	CodeNotFound:                http.StatusNotFound,
	CodeMethodNotAllowed:        http.StatusMethodNotAllowed,
	CodeMarkdoneBlocked:         http.StatusConflict,
	CodeInteractionNotLive:      http.StatusConflict,
	CodeInvalidState:            http.StatusConflict,
	CodeInteractionChanged:      http.StatusConflict,
	CodeRequestTooLarge:         http.StatusRequestEntityTooLarge,
	CodeUnsupportedMediaType:    http.StatusUnsupportedMediaType,
	CodeRateLimited:             http.StatusTooManyRequests,
	CodePolicyError:             http.StatusInternalServerError,
	CodeServiceUnavailable:      http.StatusBadGateway,
	CodeNotReady:                http.StatusServiceUnavailable,
	CodeNotImplemented:          http.StatusNotImplemented,
}

// Status is the HTTP status a failure with code c answers; a code the
// guard does not know (from a misbehaving service) is a bad gateway.
func (c Code) Status() int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusBadGateway
}
