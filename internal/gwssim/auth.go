package gwssim

import (
	"net/http"
	"net/url"
	"time"
)

// A grant is an authorization code or an access token: who it is for, and
// until when.
type grant struct {
	agent       *Agent
	redirectURI string
	expires     time.Time
}

const (
	codeLife   = 5 * time.Minute
	tokenLife  = 30 * time.Minute
	maxGrants  = 4096 // codes or tokens outstanding, each
	cookieName = "WORKSPACE_SESSIONID"
)

// issue stores a new grant in m under a random id, dropping expired ones
// first; it fails when m is full.
func issue(m map[string]grant, g grant) (string, error) {
	now := time.Now()
	for id, old := range m {
		if now.After(old.expires) {
			delete(m, id)
		}
	}
	if len(m) >= maxGrants {
		return "", errorf(http.StatusServiceUnavailable, "too many outstanding grants")
	}
	id := randomHex(16)
	m[id] = g
	return id, nil
}

// signIn is POST /auth/v3/sign-in (form: username, password, redirect_uri
// or wweURI): 302 to redirect_uri?code=… for a known agent.
func (s *Sim) signIn(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		fail(w, http.StatusBadRequest, "malformed form")
		return
	}
	redirect := form.Get("redirect_uri")
	if redirect == "" {
		redirect = form.Get("wweURI")
	}
	target, err := url.Parse(redirect)
	if redirect == "" || err != nil {
		fail(w, http.StatusBadRequest, "redirect_uri is required")
		return
	}
	a := s.agent(form.Get("username"))
	if a == nil || a.Password != form.Get("password") {
		fail(w, http.StatusUnauthorized, "unknown user or wrong password")
		return
	}
	s.mu.Lock()
	code, err := issue(s.codes, grant{agent: a, redirectURI: redirect, expires: time.Now().Add(codeLife)})
	s.mu.Unlock()
	if err != nil {
		failWith(w, err)
		return
	}
	q := target.Query()
	q.Set("code", code)
	target.RawQuery = q.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// token is POST /auth/v3/oauth/token (form): grant_type=password with
// username and password, or authorization_code with code and redirect_uri.
// Client credentials are not checked.
func (s *Sim) token(w http.ResponseWriter, _ *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		fail(w, http.StatusBadRequest, "malformed form")
		return
	}
	var a *Agent
	switch form.Get("grant_type") {
	case "password":
		if a = s.agent(form.Get("username")); a != nil && a.Password != form.Get("password") {
			a = nil
		}
	case "authorization_code":
		s.mu.Lock()
		a = s.redeem(form.Get("code"), form.Get("redirect_uri"))
		s.mu.Unlock()
	default:
		fail(w, http.StatusBadRequest, "grant_type must be password or authorization_code")
		return
	}
	if a == nil {
		fail(w, http.StatusUnauthorized, "invalid grant")
		return
	}
	s.mu.Lock()
	tok, err := issue(s.tokens, grant{agent: a, expires: time.Now().Add(tokenLife)})
	s.mu.Unlock()
	if err != nil {
		failWith(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer",
		"expires_in": int(tokenLife.Seconds()), "scope": "*"})
}

// redeem uses up an authorization code; redirectURI must be the one it was
// issued for. Caller holds s.mu.
func (s *Sim) redeem(code, redirectURI string) *Agent {
	g, ok := s.codes[code]
	if !ok {
		return nil
	}
	delete(s.codes, code)
	if time.Now().After(g.expires) || g.redirectURI != redirectURI {
		return nil
	}
	return g.agent
}

// bearer is the agent of a valid access token. Caller holds s.mu.
func (s *Sim) bearer(tok string) *Agent {
	g, ok := s.tokens[tok]
	if !ok || time.Now().After(g.expires) {
		return nil
	}
	return g.agent
}
