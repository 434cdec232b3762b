package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestE2ERateLimitsAfterOrigins: rate limits apply to admitted callers only,
// after the origin check, so a caller the policies refuse gets 403 however
// often it calls and never takes a bucket; at most rateLimits.maxCallers
// callers are tracked, the least recently seen forgotten first.
func TestE2ERateLimitsAfterOrigins(t *testing.T) {
	t.Parallel()
	t.Run("unlisted origins get no bucket", func(t *testing.T) {
		t.Parallel()
		options := e2eOptions + `  service-client-api.accepted-web-content-origins: "https://crm.example"
  service-client-api.rate-limit.interaction.getByInteractionId: 2
`
		base := startGuard(t, "--config", writeConfig(t, options, ""))
		for range 2 {
			send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm.example").expect(t, http.StatusOK, "")
		}
		send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm.example").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")
		for range 4 {
			send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://evil.example").expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
		}
	})
	t.Run("the least recently seen caller is forgotten", func(t *testing.T) {
		t.Parallel()
		options := e2eOptions + `  service-client-api.rate-limit.interaction.getByInteractionId: 2
`
		base := startGuard(t, "--config", writeConfig(t, options, "rateLimits:\n  maxCallers: 20\n"))
		for range 2 {
			send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm.example").expect(t, http.StatusOK, "")
		}
		send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm.example").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")
		// 19 other callers: crm is still tracked, and still limited.
		for i := range 19 {
			send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", fmt.Sprintf("https://c%d.example", i)).expect(t, http.StatusOK, "")
		}
		send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm.example").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")
		// 20 more: crm is the least recently seen and forgotten.
		for i := range 20 {
			send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", fmt.Sprintf("https://d%d.example", i)).expect(t, http.StatusOK, "")
		}
		send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm.example").expect(t, http.StatusOK, "")
	})
}

// TestE2EHeaderLimits: headers over the guard's limits are refused in the
// error shape before any other work (an Origin over 512 bytes, more than
// one Origin, 32 KiB of headers); Go's own bound answers 431 above that.
func TestE2EHeaderLimits(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	origin := "https://" + strings.Repeat("a", 512-len("https://"))
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", origin).expect(t, http.StatusOK, "")
	r := send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", origin+"a").expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	if r.body["errorMessage"] != "the Origin header is longer than 512 bytes" {
		t.Errorf("errorMessage = %v", r.body["errorMessage"])
	}
	before := snapshot(t, base)
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"x"}`, "Origin", origin+"a").expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	if got := snapshot(t, base); got != before {
		t.Error("a write with an oversize Origin changed the service")
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/v1/interactions/1", nil)
	req.Header.Add("Origin", "https://crm.example")
	req.Header.Add("Origin", "https://kb.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("two Origin headers: status %d, want 400", resp.StatusCode)
	}

	send(t, http.MethodGet, base+"/v1/interactions/1", "", "X-Pad", strings.Repeat("p", 30<<10)).expect(t, http.StatusOK, "")
	r = send(t, http.MethodGet, base+"/v1/interactions/1", "", "X-Pad", strings.Repeat("p", 33<<10)).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	if r.body["errorMessage"] != "the request headers are larger than 32768 bytes" {
		t.Errorf("errorMessage = %v", r.body["errorMessage"])
	}
	if r := send(t, http.MethodGet, base+"/v1/interactions/1", "", "X-Pad", strings.Repeat("p", 900<<10)); r.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("900 KiB of headers: status %d, want 431", r.status)
	}
}
