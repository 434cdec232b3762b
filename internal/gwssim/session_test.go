package gwssim

import (
	"github.com/wwe-guard/wwe-guard/internal/gwssim/gwstest"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSessionStartsWithACodeOnce(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	code := a.SignIn("JohnSmith")
	init := func(code, redirect string) (int, string) {
		status, body, h := a.Do(http.MethodPost, "/workspace/v3/initialize-workspace?code="+code+"&redirect_uri="+url.QueryEscape(redirect), "", nil)
		return status, string(body) + " " + h.Get("Set-Cookie")
	}
	if status, got := init(code, "http://elsewhere/"); status != http.StatusUnauthorized || !strings.Contains(got, `"code":401`) {
		t.Errorf("code with another redirect_uri: %d %s", status, got)
	}
	code = a.SignIn("JohnSmith")
	status, got := init(code, redirectURI)
	if status != http.StatusOK || !strings.HasPrefix(got, `{"status":{"code":1}} WORKSPACE_SESSIONID=`) ||
		!strings.Contains(got, "Path=/") || !strings.Contains(got, "HttpOnly") {
		t.Fatalf("initialize-workspace: %d %s", status, got)
	}
	if status, got := init(code, redirectURI); status != http.StatusUnauthorized {
		t.Errorf("a code used twice: %d %s", status, got)
	}
	status, body, _ := a.Do(http.MethodGet, "/workspace/v3/current-session", "", nil)
	env := gwstest.MustEnvelope(t, body)
	if status != http.StatusOK || env.Status.Code != 0 || !strings.Contains(string(env.Data), `"agentLogin":"7001"`) ||
		strings.Contains(string(env.Data), "activeSession") {
		t.Errorf("current-session before activation: %d %s", status, body)
	}
}

func TestSignInRefusesAWrongPassword(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	form := url.Values{"username": {"JohnSmith"}, "password": {"nope"}, "redirect_uri": {redirectURI}}
	status, body, h := a.Do(http.MethodPost, "/auth/v3/sign-in", "application/x-www-form-urlencoded", []byte(form.Encode()))
	if status != http.StatusUnauthorized || h.Get("Location") != "" || gwstest.MustEnvelope(t, body).Status.Code != 401 {
		t.Errorf("wrong password: %d %s", status, body)
	}
}

func TestSessionStartsWithABearerToken(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	form := url.Values{"grant_type": {"password"}, "username": {"JaneDoe"}, "password": {"JaneDoe"}, "client_id": {"x"}}
	status, body, _ := a.Do(http.MethodPost, "/auth/v3/oauth/token", "application/x-www-form-urlencoded", []byte(form.Encode()))
	tok := strings.Split(strings.Split(string(body), `"access_token":"`)[1], `"`)[0]
	if status != http.StatusOK || tok == "" {
		t.Fatalf("token: %d %s", status, body)
	}
	if status, body, _ := a.Do(http.MethodPost, "/workspace/v3/initialize-workspace", "", nil, "Authorization", "Bearer nope"); status != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d %s", status, body)
	}
	if status, body, _ := a.Do(http.MethodPost, "/workspace/v3/initialize-workspace", "", nil, "Authorization", "Bearer "+tok); status != http.StatusOK {
		t.Fatalf("Bearer: %d %s", status, body)
	}
	status, body, _ = a.Do(http.MethodGet, "/workspace/v3/current-session", "", nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"userName":"JaneDoe"`) {
		t.Errorf("current-session: %d %s", status, body)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	_, a := startAgent(t, Config{}, "/workspace/v3/voice")
	if status, body, h := a.Do(http.MethodGet, "/workspace/v3/logout?redirect_uri="+url.QueryEscape(redirectURI), "", nil); status != http.StatusFound || h.Get("Location") != redirectURI {
		t.Fatalf("logout: %d %s", status, body)
	}
	if status, body, _ := a.Do(http.MethodGet, "/workspace/v3/current-session", "", nil); status != http.StatusUnauthorized || gwstest.MustEnvelope(t, body).Status.Code != 401 {
		t.Errorf("current-session after logout: %d %s", status, body)
	}
	msgs := a.Bayeux("/connect", workspaceConnect())
	if len(msgs) != 1 || msgs[0].Error != "402::session_unknown" {
		t.Errorf("connect after logout: %+v", msgs)
	}
}

func TestAPIKeyWhenConfigured(t *testing.T) {
	t.Parallel()
	s, srv := newSim(t, Config{APIKey: "k1"})
	a := gwstest.NewAgent(t, srv.URL)
	status, body, _ := a.Do(http.MethodGet, "/workspace/v3/version", "", nil)
	if status != http.StatusForbidden || gwstest.MustEnvelope(t, body).Status.Code != 403 {
		t.Errorf("no key: %d %s", status, body)
	}
	status, body, _ = a.Do(http.MethodGet, "/workspace/v3/version", "", nil, "x-api-key", "k1")
	if status != http.StatusOK || string(body) != `{"name":"gws","version":"`+Version+`"}` {
		t.Errorf("with the key: %d %s", status, body)
	}
	if n := s.Received()["GET /workspace/v3/version"]; n != 2 {
		t.Errorf("counted %d version calls, want 2 (the refused one too)", n)
	}
}
