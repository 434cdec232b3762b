package service

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

func TestRefused(t *testing.T) {
	t.Parallel()
	const unavailable = "the interaction service could not complete the request"
	tests := []struct {
		name   string
		status int
		body   string
		want   wwe.Error
	}{
		{"unknown code", http.StatusInternalServerError, `{"errorCode":"OOPS","errorMessage":"card 4111"}`,
			wwe.Error{Code: wwe.CodeServiceUnavailable, Message: unavailable}},
		{"not live", http.StatusConflict, `{"errorCode":"INTERACTION_NOT_LIVE","errorMessage":"card 4111"}`,
			wwe.Error{Code: wwe.CodeInteractionNotLive, Message: "the interaction is not live"}},
		{"not found", http.StatusNotFound, `{"errorCode":"CASE_NOT_FOUND","errorMessage":"case of 4111"}`,
			wwe.Error{Code: wwe.CodeCaseNotFound, Message: "the case was not found"}},
		{"a kept code with another status", http.StatusBadRequest, `{"errorCode":"INVALID_STATE","errorMessage":"x"}`,
			wwe.Error{Code: wwe.CodeServiceUnavailable, Message: unavailable}},
		{"a code of the guard's own", http.StatusForbidden, `{"errorCode":"USER_DATA_WRITE_NOT_ALLOWED","deniedKeys":["SSN"]}`,
			wwe.Error{Code: wwe.CodeServiceUnavailable, Message: unavailable}},
		{"markdone blocked", http.StatusConflict, `{"errorCode":"MARKDONE_BLOCKED","errorMessage":"4111","warningMessages":["Survey","Notes"],"reasons":[{"code":"X","message":"4111"}],"decisionId":"d"}`,
			wwe.Error{Code: wwe.CodeMarkdoneBlocked, Message: "Survey", WarningMessages: []string{"Survey", "Notes"}}},
		{"markdone blocked without warnings", http.StatusConflict, `{"errorCode":"MARKDONE_BLOCKED","errorMessage":"4111"}`,
			wwe.Error{Code: wwe.CodeMarkdoneBlocked, Message: "markdone is blocked"}},
		{"warnings of another type", http.StatusConflict, `{"errorCode":"MARKDONE_BLOCKED","warningMessages":[1]}`,
			wwe.Error{Code: wwe.CodeServiceUnavailable, Message: unavailable}},
		{"not JSON", http.StatusBadGateway, `<html>4111</html>`,
			wwe.Error{Code: wwe.CodeServiceUnavailable, Message: unavailable}},
		{"a redirect", http.StatusFound, ``,
			wwe.Error{Code: wwe.CodeServiceUnavailable, Message: unavailable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := refused(tt.status, []byte(tt.body))
			var e *wwe.Error
			if !errors.As(err, &e) {
				t.Fatalf("%v does not wrap a *wwe.Error", err)
			}
			if diff := cmp.Diff(tt.want, *e); diff != "" {
				t.Errorf("public error (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), tt.body) {
				t.Errorf("Error() = %q lacks what the service said", err)
			}
		})
	}
}

func TestRefusedCutsWhatTheServiceSaid(t *testing.T) {
	t.Parallel()
	body := "x" + strings.Repeat("é", maxSaidBytes) // two bytes a rune: byte maxSaidBytes is inside one
	err := refused(http.StatusInternalServerError, []byte(body))
	if got := err.said; len(got) > maxSaidBytes+len("...") || !strings.HasSuffix(got, "é...") {
		t.Errorf("said = %d bytes, ends %q", len(got), got[len(got)-8:])
	}
}
