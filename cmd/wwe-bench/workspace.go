package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// defaultWorkspaceMix is the operation mix of --api workspace when --mix is
// not given: update-user-data allowed and refused, and current-session reads.
const defaultWorkspaceMix = "set=80,refused=10,get=10"

// The Workspace API load: one agent of the reference GWS, one session per
// target, one call rung for that session and answered. The call carries a
// key the guard's read-allowed list leaves out, so every notification about
// it is one the guard must filter.
const (
	wsAgent       = "JohnSmith"
	wsRedirectURI = "http://127.0.0.1:9/wwe-bench"
	hiddenValue   = "wwe-bench-hidden-value"
	wsAllowedBody = `{"data":{"userData":[{"key":"Notes","type":"str","value":"wwe-bench load"},{"key":"CustomerSegment","type":"str","value":"gold"}]}}`
	wsRefusedBody = `{"data":{"userData":[{"key":"SSN","type":"str","value":"000-00-0000"}]}}`
	wsRingBody    = `{"agent":"` + wsAgent + `","userData":[{"key":"BenchSecret","type":"str","value":"` + hiddenValue + `"}]}`
)

// workspaceOps are the ops --api workspace has requests for.
var workspaceOps = map[opKind]bool{opSet: true, opRefused: true, opGet: true}

// checkWorkspaceMix refuses a mix with ops the Workspace load cannot send.
func checkWorkspaceMix(m mix) error {
	for op, w := range m {
		if w > 0 && !workspaceOps[opKind(op)] {
			return fmt.Errorf("--api workspace: op %s is not in the Workspace mix (set, refused, get)", opKind(op))
		}
	}
	return nil
}

// newJarClient is newClient with a cookie jar: the Workspace API keeps the
// session in WORKSPACE_SESSIONID.
func newJarClient(concurrency int, timeout time.Duration) *http.Client {
	c := newClient(concurrency, timeout)
	c.Jar, _ = cookiejar.New(nil) // never fails without options
	return c
}

// workspacePlan starts a session through base (the target), rings a call
// for it through simURL (the reference GWS itself, which serves /sim/ring),
// answers it, and returns the plan of the load against that call.
func workspacePlan(ctx context.Context, client *http.Client, base, simURL string) (*plan, error) {
	if err := waitReady(ctx, client, base, "/ready", 10*time.Second); err != nil {
		return nil, err
	}
	s := &wsSession{client: client, base: base}
	if err := s.start(ctx); err != nil {
		return nil, fmt.Errorf("setup: start a Workspace session as %s: %w", wsAgent, err)
	}
	if _, _, err := s.exchange(ctx, http.MethodPost, simURL+"/sim/ring", "application/json", wsRingBody, http.StatusOK); err != nil {
		return nil, fmt.Errorf("setup: ring a call (--sim must be the reference GWS, wwe-sim --api workspace): %w", err)
	}
	id, err := s.ringingCall(ctx)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	callPath := workspace.BasePath + "/voice/calls/" + url.PathEscape(id)
	if _, _, err := s.exchange(ctx, http.MethodPost, base+callPath+"/answer", "application/json", `{}`, http.StatusOK); err != nil {
		return nil, fmt.Errorf("setup: answer call %s: %w", id, err)
	}
	if err := s.disconnect(ctx); err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	update := callPath + "/update-user-data"
	p := &plan{
		readyPath: "/ready",
		cleanup:   []request{{op: -1, method: http.MethodPost, path: workspace.BasePath + "/logout"}},
		watch:     &watch{hidden: []byte(hiddenValue)},
	}
	p.byOp[opSet] = []request{{op: opSet, method: http.MethodPost, path: update, body: wsAllowedBody}}
	p.byOp[opRefused] = []request{{op: opRefused, method: http.MethodPost, path: update, body: wsRefusedBody}}
	p.byOp[opGet] = []request{{op: opGet, method: http.MethodGet, path: workspace.BasePath + "/current-session"}}
	return p, nil
}

// wsSession is one Workspace API session of the tool: its client (whose
// jar holds the session cookie) and its CometD client id.
type wsSession struct {
	client   *http.Client
	base     string
	clientID string
	msgID    int
}

// start signs in, initializes the workspace, handshakes, subscribes to the
// initialization and voice channels and activates the agent's channels.
func (s *wsSession) start(ctx context.Context) error {
	form := url.Values{"username": {`\` + wsAgent}, "password": {wsAgent}, "redirect_uri": {wsRedirectURI}}
	_, h, err := s.exchange(ctx, http.MethodPost, s.base+"/auth/v3/sign-in", "application/x-www-form-urlencoded", form.Encode(), http.StatusFound)
	if err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	loc, err := url.Parse(h.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return fmt.Errorf("sign-in: redirected to %q, with no code", h.Get("Location"))
	}
	q := url.Values{"code": {loc.Query().Get("code")}, "redirect_uri": {wsRedirectURI}}
	if _, _, err := s.exchange(ctx, http.MethodPost, s.base+workspace.BasePath+"/initialize-workspace?"+q.Encode(), "", "", http.StatusOK); err != nil {
		return fmt.Errorf("initialize-workspace: %w", err)
	}
	if err := s.handshake(ctx); err != nil {
		return err
	}
	msgs, err := s.bayeux(ctx, "/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelInitialization})
	if err != nil {
		return err
	}
	var init struct {
		Data struct {
			User struct {
				AgentLogin   string `json:"agentLogin"`
				DefaultPlace string `json:"defaultPlace"`
			} `json:"user"`
		} `json:"data"`
	}
	for _, m := range msgs {
		if m.Channel == workspace.ChannelInitialization {
			_ = json.Unmarshal(m.Data, &init) // checked below
		}
	}
	user := init.Data.User
	if user.AgentLogin == "" {
		return fmt.Errorf("subscribe %s: no WorkspaceInitializationComplete with the agent's login", workspace.ChannelInitialization)
	}
	if _, err := s.bayeux(ctx, "/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelVoice}); err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"data": map[string]string{"agentId": user.AgentLogin, "placeName": user.DefaultPlace}})
	if _, _, err := s.exchange(ctx, http.MethodPost, s.base+workspace.BasePath+"/activate-channels", "application/json", string(body), http.StatusOK); err != nil {
		return fmt.Errorf("activate-channels: %w", err)
	}
	return nil
}

// ringingCall long-polls until a call rings for the session and returns
// its id.
func (s *wsSession) ringingCall(ctx context.Context) (string, error) {
	for range 20 {
		msgs, err := s.bayeux(ctx, "/connect", workspace.Message{Channel: workspace.MetaConnect, ConnectionType: "long-polling"})
		if err != nil {
			return "", err
		}
		for _, m := range msgs {
			var d struct {
				MessageType string `json:"messageType"`
				Call        struct {
					ID    string `json:"id"`
					State string `json:"state"`
				} `json:"call"`
			}
			if m.Channel == workspace.ChannelVoice && json.Unmarshal(m.Data, &d) == nil &&
				d.MessageType == "CallStateChanged" && d.Call.State == "Ringing" && d.Call.ID != "" {
				return d.Call.ID, nil
			}
		}
	}
	return "", fmt.Errorf("no ringing call announced on %s", workspace.ChannelVoice)
}

// handshake opens a CometD client for the session.
func (s *wsSession) handshake(ctx context.Context) error {
	s.clientID = ""
	msgs, err := s.bayeux(ctx, "/handshake", workspace.Message{Channel: workspace.MetaHandshake, Version: "1.0",
		SupportedConnectionTypes: []string{"long-polling"}})
	if err != nil {
		return err
	}
	if len(msgs) == 0 || msgs[0].Successful == nil || !*msgs[0].Successful || msgs[0].ClientID == "" {
		return fmt.Errorf("handshake refused: %+v", msgs)
	}
	s.clientID = msgs[0].ClientID
	return nil
}

// disconnect ends the session's CometD client.
func (s *wsSession) disconnect(ctx context.Context) error {
	_, err := s.bayeux(ctx, "/disconnect", workspace.Message{Channel: workspace.MetaDisconnect})
	s.clientID = ""
	return err
}

// bayeux posts one message (id and clientId filled in) to the
// notifications path and returns the reply's messages.
func (s *wsSession) bayeux(ctx context.Context, path string, m workspace.Message) ([]workspace.Message, error) {
	s.msgID++
	m.ID = fmt.Sprint(s.msgID)
	if m.Channel != workspace.MetaHandshake {
		m.ClientID = s.clientID
	}
	body, _ := json.Marshal([]workspace.Message{m})
	out, _, err := s.exchange(ctx, http.MethodPost, s.base+workspace.BasePath+"/notifications"+path, "application/json;charset=UTF-8", string(body), http.StatusOK)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.Channel, err)
	}
	var msgs []workspace.Message
	if err := json.Unmarshal(out, &msgs); err != nil {
		return nil, fmt.Errorf("%s: the reply is not a Bayeux batch: %w", m.Channel, err)
	}
	return msgs, nil
}

// exchange sends one request and returns the answer's body and header, or
// an error when the status is not want.
func (s *wsSession) exchange(ctx context.Context, method, u, contentType, body string, want int) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody*16))
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != want {
		return nil, nil, fmt.Errorf("%s %s answered %d, want %d: %s", method, u, resp.StatusCode, want, bytes.TrimSpace(out))
	}
	return out, resp.Header, nil
}
