package main

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// appOnlyRule refuses CustomerSegment to every application but crm.
const appOnlyRule = `package wwe.userdata

deny contains {"key": w.key, "code": "APP_ONLY", "message": "only the crm writes CustomerSegment"} if {
	some w in input.writes
	w.key == "CustomerSegment"
	input.caller.application != "crm"
}
`

// TestE2EAPIKeys: with auth.apiKeys the /v1 and SCAPI doors need a valid
// X-API-Key; a call without one, or with a wrong one, is 401 and never
// reaches the service, after the same call with a valid key went through.
// The key's application reaches the policies and the decision log, owns
// the caller's markdone block at the service, and keys the rate limits.
// Health, readiness, metrics and CORS preflights need no key, but a wrong
// key presented there is 401 too.
func TestE2EAPIKeys(t *testing.T) {
	t.Parallel()
	up := startUpstream(t)
	options := e2eOptions + "  service-client-api.rate-limit.interaction.getByInteractionId: 1\n"
	extra := "auth:\n  apiKeys:\n    - {sha256: " + testkit.KeyHash("crm-key") + ", application: crm}\n    - {sha256: " + strings.ToUpper(testkit.KeyHash("ivr-key")) + ", application: ivr}\n" +
		"policies:\n  bundled: true\n  paths: [policy]\n"
	cfg := writeHTTPConfig(t, up.url, options, extra)
	mustWrite(t, filepath.Join(filepath.Dir(cfg), "policy", "app.rego"), appOnlyRule)
	base := startGuard(t, "--config", cfg)
	write := base + "/v1/interactions/1/user-data"
	patches := func() int {
		return len(slices.DeleteFunc(up.requests(), func(r string) bool { return !strings.HasPrefix(r, "PATCH ") }))
	}

	id := send(t, http.MethodPatch, write, `{"Notes":"n"}`, "X-API-Key", "crm-key").expect(t, http.StatusOK, "").header.Get("X-Decision-Id")
	if patches() != 1 {
		t.Fatalf("the allowed write did not reach the service: %v", up.requests())
	}
	if log := readLogUntil(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"), id); !strings.Contains(log, `"application":"crm"`) {
		t.Errorf("the decision log lacks caller.application crm:\n%s", log)
	}
	for name, headers := range map[string][]string{
		"no key":    nil,
		"wrong key": {"X-API-Key", "guess"},
		"empty key": {"X-API-Key", " "},
	} {
		r := send(t, http.MethodPatch, write, `{"Notes":"n"}`, headers...).expect(t, http.StatusUnauthorized, "UNAUTHENTICATED")
		if strings.Contains(r.raw, "interactionId") || r.header.Get("X-Decision-Id") != "" {
			t.Errorf("%s: the 401 says more than the error: %s", name, r.raw)
		}
	}
	send(t, http.MethodPost, base+"/v1/scapi", `{"request":"interaction.getInteractions","parameters":[],"referenceId":"1"}`).expect(t, http.StatusUnauthorized, "UNAUTHENTICATED")
	send(t, http.MethodGet, base+"/v1/events", "").expect(t, http.StatusUnauthorized, "UNAUTHENTICATED")
	if patches() != 1 {
		t.Errorf("an unauthenticated write reached the service: %v", up.requests())
	}

	send(t, http.MethodGet, base+"/health", "").expect(t, http.StatusOK, "")
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusOK, "")
	send(t, http.MethodGet, base+"/metrics", "").expect(t, http.StatusOK, "")
	send(t, http.MethodGet, base+"/health", "", "X-API-Key", "guess").expect(t, http.StatusUnauthorized, "UNAUTHENTICATED")
	if r := send(t, http.MethodOptions, write, "", "Origin", "https://crm.example", "Access-Control-Request-Method", "PATCH"); r.status == http.StatusUnauthorized {
		t.Errorf("a CORS preflight was asked for a key: %d %s", r.status, r.raw)
	}

	send(t, http.MethodPatch, write, `{"CustomerSegment":"x"}`, "X-API-Key", "crm-key").expect(t, http.StatusOK, "")
	send(t, http.MethodPatch, write, `{"CustomerSegment":"x"}`, "X-API-Key", "ivr-key").expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	// The header the guard tells the service the application with is not
	// an identity a client can claim.
	send(t, http.MethodPatch, write, `{"CustomerSegment":"x"}`, "X-API-Key", "ivr-key", "X-Caller-Application", "crm").expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")

	// Markdone blocks belong to the application, whatever the origin.
	block := base + "/v1/interactions/1/markdone-block"
	send(t, http.MethodPut, block, `{"warningMessage":"crm is busy"}`, "X-API-Key", "crm-key", "Origin", "https://a.example").expect(t, http.StatusOK, "")
	send(t, http.MethodPut, block, `{"warningMessage":"ivr is busy"}`, "X-API-Key", "ivr-key", "Origin", "https://a.example").expect(t, http.StatusOK, "")
	send(t, http.MethodDelete, block, "", "X-API-Key", "crm-key", "Origin", "https://b.example").expect(t, http.StatusOK, "")
	blocks := send(t, http.MethodGet, base+"/v1/interactions/1", "", "X-API-Key", "crm-key").expect(t, http.StatusOK, "").body["markdoneBlocks"]
	want := []any{map[string]any{"warningMessage": "ivr is busy", "origin": "https://a.example", "application": "ivr"}}
	if diff := cmp.Diff(want, blocks); diff != "" {
		t.Errorf("markdone blocks (-want +got), want only ivr's:\n%s", diff)
	}

	// Rate limits are per application (one read a minute): crm has had its
	// read, ivr has not, from the same origin.
	send(t, http.MethodGet, base+"/v1/interactions/2", "", "X-API-Key", "crm-key").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")
	send(t, http.MethodGet, base+"/v1/interactions/2", "", "X-API-Key", "ivr-key").expect(t, http.StatusOK, "")

	expectRefusedConfig(t, writeConfig(t, "", "auth:\n  apiKeys:\n    - {sha256: abc, application: crm}\n    - {sha256: "+testkit.KeyHash("x")+"}\n"),
		"auth.apiKeys[0].sha256: want the 64 hex digits of a SHA-256", "auth.apiKeys[1].application: required")
}
