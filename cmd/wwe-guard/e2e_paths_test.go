package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// pathOptions admit the key literally named %4eotes besides the e2e keys.
const pathOptions = `
  service-client-api.user-data.write-allowed: "DispositionCode, Notes, CustomerSegment, %4eotes"
  service-client-api.user-data.read-allowed: "*"
`

// TestE2EPathKeysDecodedOnce: a REST path segment is percent-decoded exactly
// once, so DELETE .../user-data/%254eotes deletes the key named %4eotes (and
// write-allowed decides on that name), never Notes; with a remote service the
// key reaches it escaped once more, as the same name.
func TestE2EPathKeysDecodedOnce(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"embedded", "http"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := writeConfig(t, pathOptions, "")
			var svc *upstream
			if kind == "http" {
				svc = startUpstream(t)
				cfg = writeHTTPConfig(t, svc.url, pathOptions, "")
			}
			base := startGuard(t, "--config", cfg)
			send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"keep","%4eotes":"literal"}`).expect(t, http.StatusOK, "")

			r := send(t, http.MethodDelete, base+"/v1/interactions/1/user-data/%254eotes", "").expect(t, http.StatusOK, "")
			if ud := r.userData(); ud["Notes"] != "keep" || ud["%4eotes"] != nil {
				t.Errorf("DELETE .../%%254eotes: want %%4eotes deleted and Notes kept, got %s", r.raw)
			}
			// Another escape elsewhere in the path makes the router read the raw
			// path: still decoded once.
			send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"%4eotes":"again"}`).expect(t, http.StatusOK, "")
			r = send(t, http.MethodDelete, base+"/v1/interactions/%31/user-data/%254eotes", "").expect(t, http.StatusOK, "")
			if ud := r.userData(); ud["Notes"] != "keep" || ud["%4eotes"] != nil {
				t.Errorf("DELETE /v1/interactions/%%31/user-data/%%254eotes: want %%4eotes deleted and Notes kept, got %s", r.raw)
			}
			r = send(t, http.MethodDelete, base+"/v1/interactions/1/user-data/%2543ustomerSegment", "").expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
			if got := fmt.Sprint(r.body["deniedKeys"]); got != "[%43ustomerSegment]" {
				t.Errorf("deniedKeys = %s, want [%%43ustomerSegment]", got)
			}
			if got := send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, ""); got.userData()["CustomerSegment"] != "gold" {
				t.Errorf("a refused delete changed CustomerSegment: %s", got.raw)
			}
			// An escape that was not needed still decodes (once): %4e is N.
			r = send(t, http.MethodDelete, base+"/v1/interactions/1/user-data/%4eotes", "").expect(t, http.StatusOK, "")
			if _, ok := r.userData()["Notes"]; ok {
				t.Errorf("DELETE .../%%4eotes did not delete Notes: %s", r.raw)
			}
			if svc != nil {
				want := []string{"DELETE /v1/interactions/1/user-data/%254eotes", "DELETE /v1/interactions/1/user-data/%254eotes", "DELETE /v1/interactions/1/user-data/Notes"}
				var got []string
				for _, line := range svc.requests() {
					if strings.HasPrefix(line, http.MethodDelete) {
						got = append(got, line)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("deletes that reached the service = %q, want %q", got, want)
				}
			}
		})
	}
}

// TestE2EDotSegmentsRefused: "." and ".." as an id or a key would reach a
// remote service as path segments (escaping cannot hide them: "." is
// unreserved), so both doors refuse them with 400 and nothing reaches the
// service; the same calls with ordinary names go through first.
func TestE2EDotSegmentsRefused(t *testing.T) {
	t.Parallel()
	svc := startUpstream(t)
	base := startGuard(t, "--config", writeHTTPConfig(t, svc.url, "", ""))
	scapi := func(ref, request, params string) string {
		return fmt.Sprintf(`{"request":"interaction.%s","parameters":%s,"referenceId":%q,"userAgent":"WWE Client","protocolVersion":2}`, request, params, ref)
	}

	// The same calls with ordinary names reach the service.
	send(t, http.MethodDelete, base+"/v1/interactions/1/user-data/Notes", "").expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/scapi", scapi("a", "deleteUserData", `["1","Notes"]`)).expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/cases/case-1/select", "").expect(t, http.StatusNoContent, "")
	if got := svc.requests(); !slices.Contains(got, "DELETE /v1/interactions/1/user-data/Notes") || !slices.Contains(got, "POST /v1/cases/case-1/select") {
		t.Fatalf("allowed calls did not reach the service: %q", got)
	}
	before := len(svc.requests())

	rest := []struct{ method, path, body string }{
		{http.MethodGet, "/v1/interactions/.", ""},
		{http.MethodGet, "/v1/interactions/..", ""},
		{http.MethodGet, "/v1/interactions/%2e%2e", ""},
		{http.MethodDelete, "/v1/interactions/1/user-data/..", ""},
		{http.MethodDelete, "/v1/interactions/1/user-data/.", ""},
		{http.MethodDelete, "/v1/interactions/1/user-data/%2E%2e", ""},
		{http.MethodPatch, "/v1/interactions/../user-data", `{"Notes":"x"}`},
		{http.MethodPost, "/v1/interactions/%2e/markdone", ""},
		{http.MethodPost, "/v1/cases/../select", ""},
		{http.MethodPost, "/v1/cases/%2E/select", ""},
	}
	for _, c := range rest {
		send(t, c.method, base+c.path, c.body).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	}
	envelopes := []struct{ request, params string }{
		{"getByInteractionId", `[".."]`},
		{"deleteUserData", `["1","."]`},
		{"deleteUserData", `["1",".."]`},
		{"setUserData", `["..",{"Notes":"x"}]`},
		{"markdone", `["."]`},
		{"selectCaseByCaseId", `[".."]`},
	}
	for i, e := range envelopes {
		ref := fmt.Sprint("dot-", i)
		r := send(t, http.MethodPost, base+"/v1/scapi", scapi(ref, e.request, e.params)).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
		if r.body["referenceId"] != ref {
			t.Errorf("%s%s: referenceId %v, want %s", e.request, e.params, r.body["referenceId"], ref)
		}
	}
	if got := svc.requests()[before:]; len(got) != 0 {
		t.Errorf("refused dot segments reached the service: %q", got)
	}
}
