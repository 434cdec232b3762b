package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// TestE2ESessionToken: POST /v1/scapi/token gives an authenticated caller
// a short-lived token, in the body and as an HttpOnly, SameSite=Strict
// cookie scoped to the event stream. The cookie alone opens the event
// stream; it authenticates nothing else (a cookie rides along with
// cross-site requests), a token in the URL counts for nothing, and a
// tampered or expired one is 401.
func TestE2ESessionToken(t *testing.T) {
	t.Parallel()
	extra := "auth:\n  tokenTTL: 2s\n  apiKeys:\n    - {sha256: " + testkit.KeyHash("crm-key") + ", application: crm}\n"
	base := startGuard(t, "--config", writeConfig(t, "", extra))
	send(t, http.MethodPost, base+"/v1/scapi/token", "").expect(t, http.StatusUnauthorized, "UNAUTHENTICATED")
	r := send(t, http.MethodPost, base+"/v1/scapi/token", "", "X-API-Key", "crm-key").expect(t, http.StatusOK, "")
	token, _ := r.body["token"].(string)
	setCookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"wwe_guard_session=" + token, "Path=/v1/events", "HttpOnly", "SameSite=Strict"} {
		if token == "" || !strings.Contains(setCookie, want) {
			t.Errorf("Set-Cookie %q lacks %q (token %q)", setCookie, want, token)
		}
	}
	cookie := "wwe_guard_session=" + token
	events := func(url string, headers ...string) int {
		resp := getStream(t, url, headers...)
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := events(base+"/v1/events", "Cookie", cookie); status != http.StatusOK {
		t.Fatalf("the event stream with the session cookie: %d", status)
	}
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Cookie", cookie).expect(t, http.StatusUnauthorized, "UNAUTHENTICATED")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`, "Cookie", cookie).expect(t, http.StatusUnauthorized, "UNAUTHENTICATED")
	other := startGuard(t, "--config", writeConfig(t, "", extra))
	othersToken := send(t, http.MethodPost, other+"/v1/scapi/token", "", "X-API-Key", "crm-key").expect(t, http.StatusOK, "").body["token"].(string)
	if status := events(other+"/v1/events", "Cookie", "wwe_guard_session="+othersToken); status != http.StatusOK {
		t.Fatalf("a guard refuses its own token: %d", status)
	}
	for name, status := range map[string]int{
		"token in the URL":       events(base + "/v1/events?token=" + token),
		"tampered":               events(base+"/v1/events", "Cookie", cookie[:len(cookie)-2]+"xx"),
		"another guard's token":  events(base+"/v1/events", "Cookie", "wwe_guard_session="+othersToken),
		"another guard's, at it": events(other+"/v1/events", "Cookie", "wwe_guard_session="+othersToken) - 200 + 401, // control: its own guard takes it
	} {
		if status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, status)
		}
	}
	time.Sleep(2100 * time.Millisecond)
	if status := events(base+"/v1/events", "Cookie", cookie); status != http.StatusUnauthorized {
		t.Errorf("an expired token: %d, want 401", status)
	}
	// Without caller authentication there is nothing to vouch for.
	plain := startGuard(t, "--config", writeConfig(t, "", ""))
	send(t, http.MethodPost, plain+"/v1/scapi/token", "").expect(t, http.StatusNotFound, "NOT_FOUND")
}
