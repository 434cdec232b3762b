package service

import (
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// maxSaidBytes bounds how much of a refusal's body goes to the guard's log.
const maxSaidBytes = 1024

// refusalError is an answer of the remote service that is not a success, as
// the guard passes it on (DESIGN.md §9.1 "Service errors"). It wraps the
// *wwe.Error the guard's client may see; Error() adds what the service
// said, which belongs in the guard's log and never in an answer: a
// service's message may quote user data the client may not read.
type refusalError struct {
	status int        // the HTTP status the service answered
	said   string     // the start of the service's answer, as it sent it
	public *wwe.Error // what the guard's client sees
}

// Error implements error: the public error and what the service said.
func (r *refusalError) Error() string {
	return fmt.Sprintf("%v (the service answered %d: %s)", r.public, r.status, r.said)
}

// Unwrap returns the error the guard's client may see.
func (r *refusalError) Unwrap() error { return r.public }

// keptCodes are the service's error codes the guard passes on, each with the
// status the contract gives it and the guard's own message for it.
var keptCodes = map[wwe.Code]struct {
	status  int
	message string
}{
	wwe.CodeInteractionNotFound: {http.StatusNotFound, "the interaction was not found"},
	wwe.CodeCaseNotFound:        {http.StatusNotFound, "the case was not found"},
	wwe.CodeInteractionNotLive:  {http.StatusConflict, "the interaction is not live"},
	wwe.CodeInvalidState:        {http.StatusConflict, "the interaction is not in a state that allows this request"},
	wwe.CodeInteractionChanged:  {http.StatusConflict, "the interaction changed while the request was decided; try again"},
	wwe.CodeMarkdoneBlocked:     {http.StatusConflict, "markdone is blocked"},
}

// refused maps a failed answer (status, body) of the service. A code of
// keptCodes, answered with the status the contract gives it, keeps its
// status and code with the guard's own message; MARKDONE_BLOCKED keeps its
// warningMessages too, and like the guard's own refusal says the first of
// them. Anything else is SERVICE_UNAVAILABLE. Nothing else of the body
// reaches the client.
func refused(status int, body []byte) *refusalError {
	r := &refusalError{status: status, said: said(body),
		public: wwe.Errorf(wwe.CodeServiceUnavailable, "the interaction service could not complete the request")}
	var answer struct {
		Code            wwe.Code `json:"errorCode"`
		WarningMessages []string `json:"warningMessages"`
	}
	if json.Unmarshal(body, &answer) != nil {
		return r
	}
	kept, ok := keptCodes[answer.Code]
	if !ok || kept.status != status {
		return r
	}
	r.public = &wwe.Error{Code: answer.Code, Message: kept.message}
	if answer.Code == wwe.CodeMarkdoneBlocked && len(answer.WarningMessages) > 0 {
		r.public.WarningMessages = answer.WarningMessages
		r.public.Message = answer.WarningMessages[0]
	}
	return r
}

// said is the start of body for the log, cut at a rune boundary.
func said(body []byte) string {
	if len(body) <= maxSaidBytes {
		return string(body)
	}
	cut := maxSaidBytes
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return string(body[:cut]) + "..."
}
