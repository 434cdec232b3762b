package gwssim

import (
	"net/http"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// session is one agent's Workspace session, named by its
// WORKSPACE_SESSIONID cookie.
type session struct {
	id           string
	agent        *Agent
	activated    bool
	autoComplete bool
	place        string
	dn           dn
	calls        []*call
	interactions []*interaction
	clients      map[string]*client
}

// initializeWorkspace is POST /workspace/v3/initialize-workspace with
// ?code=&redirect_uri= or Authorization: Bearer. It sets the session cookie
// and answers {"status":{"code":1}}: the rest comes on CometD.
func (s *Sim) initializeWorkspace(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var a *Agent
	if code := r.URL.Query().Get("code"); code != "" {
		a = s.redeem(code, r.URL.Query().Get("redirect_uri"))
	} else if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		a = s.bearer(strings.TrimSpace(tok))
	}
	if a == nil {
		fail(w, http.StatusUnauthorized, "a valid code or Bearer token is required")
		return
	}
	if len(s.sessions) >= s.cfg.MaxSessions {
		fail(w, http.StatusServiceUnavailable, "too many sessions")
		return
	}
	sess := &session{id: randomHex(16), agent: a, autoComplete: true, clients: map[string]*client{},
		dn: dn{Number: a.DN, AgentID: a.AgentLogin, AgentState: "LoggedOut"}}
	s.sessions[sess.id] = sess
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sess.id, Path: "/", HttpOnly: true})
	writeJSON(w, http.StatusOK, workspace.Envelope{Status: workspace.Status{Code: workspace.CodeAsync}})
}

// sessionOf is the request's session, from its cookie. Caller holds s.mu.
func (s *Sim) sessionOf(r *http.Request) (*session, error) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil, errorf(http.StatusUnauthorized, "no %s cookie", cookieName)
	}
	sess, ok := s.sessions[c.Value]
	if !ok {
		return nil, errorf(http.StatusUnauthorized, "unknown or ended session")
	}
	return sess, nil
}

// logout is POST or GET /workspace/v3/logout: the session ends (its CometD
// clients with it) and the cookie is cleared. GET with redirect_uri answers
// 302 there, anything else {"status":{"code":0}}.
func (s *Sim) logout(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	sess, err := s.sessionOf(r)
	if err == nil {
		s.endSession(sess)
	}
	s.mu.Unlock()
	if err != nil {
		failWith(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, MaxAge: -1})
	if to := r.URL.Query().Get("redirect_uri"); r.Method == http.MethodGet && to != "" {
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	writeJSON(w, http.StatusOK, workspace.Envelope{})
}

// endSession drops a session and its CometD clients. Caller holds s.mu.
func (s *Sim) endSession(sess *session) {
	for id := range sess.clients {
		s.dropClient(id)
	}
	delete(s.sessions, sess.id)
}

// keepAlive is GET /workspace/v3/auth-keep-alive.
func (s *Sim) keepAlive(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	_, err := s.sessionOf(r)
	s.mu.Unlock()
	if err != nil {
		failWith(w, err)
		return
	}
	writeJSON(w, http.StatusOK, workspace.Envelope{})
}

// version is GET /workspace/v3/version and /workspace/v3/info; no session
// needed.
func (s *Sim) version(w http.ResponseWriter, _ *http.Request, _ []byte) {
	writeJSON(w, http.StatusOK, map[string]string{"name": "gws", "version": Version})
}

// Version is what GET /workspace/v3/version reports.
const Version = "9.0.001-wwe-sim"
