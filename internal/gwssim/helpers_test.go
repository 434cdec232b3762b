package gwssim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

const redirectURI = "http://127.0.0.1:9/app"

// newSim serves a Sim with a short advice over real HTTP.
func newSim(tb testing.TB, cfg Config) (*Sim, *httptest.Server) {
	tb.Helper()
	if cfg.Advice == 0 {
		cfg.Advice = 300 * time.Millisecond
	}
	s := New(cfg)
	srv := httptest.NewServer(s)
	tb.Cleanup(func() { s.Close(); srv.Close() })
	return s, srv
}

// agentClient is one agent's HTTP client with its cookie jar and, after
// handshake, its CometD clientId.
type agentClient struct {
	tb       testing.TB
	base     string
	http     *http.Client
	clientID string
	msgID    int
}

func newAgentClient(tb testing.TB, srv *httptest.Server) *agentClient {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &agentClient{tb: tb, base: srv.URL, http: hc}
}

// do sends a request and returns the status and the body.
func (a *agentClient) do(method, path, contentType string, body []byte, header ...string) (int, []byte, http.Header) {
	a.tb.Helper()
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	if err != nil {
		a.tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := a.http.Do(req)
	if err != nil {
		a.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// post sends a v3 POST with a JSON body.
func (a *agentClient) post(path, body string) (int, workspace.Envelope) {
	a.tb.Helper()
	status, out, _ := a.do(http.MethodPost, "/workspace/v3"+path, "application/json", []byte(body))
	return status, mustEnvelope(a.tb, out)
}

// mustOK posts and fails the test unless the answer is 200 and a success.
func (a *agentClient) mustOK(path, body string) workspace.Envelope {
	a.tb.Helper()
	status, env := a.post(path, body)
	if status != http.StatusOK || !env.Succeeded() {
		a.tb.Fatalf("POST %s %s: %d %+v", path, body, status, env)
	}
	return env
}

func mustEnvelope(tb testing.TB, body []byte) workspace.Envelope {
	tb.Helper()
	var env workspace.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		tb.Fatalf("not an envelope: %s: %v", body, err)
	}
	return env
}

// signIn returns an authorization code for the agent.
func (a *agentClient) signIn(user string) string {
	a.tb.Helper()
	form := url.Values{"username": {`\` + user}, "password": {user}, "redirect_uri": {redirectURI}}
	status, body, h := a.do(http.MethodPost, "/auth/v3/sign-in", "application/x-www-form-urlencoded", []byte(form.Encode()))
	loc, err := url.Parse(h.Get("Location"))
	if status != http.StatusFound || err != nil || loc.Query().Get("code") == "" || !strings.HasPrefix(loc.String(), redirectURI+"?") {
		a.tb.Fatalf("sign-in: %d %s Location %q", status, body, h.Get("Location"))
	}
	return loc.Query().Get("code")
}

// start signs in, initializes, handshakes, subscribes to the
// initialization (returning WorkspaceInitializationComplete's data) and to
// channels, and activates the channels with extra fields in data.
func (a *agentClient) start(user, activateExtra string, channels ...string) map[string]any {
	a.tb.Helper()
	code := a.signIn(user)
	status, body, _ := a.do(http.MethodPost, "/workspace/v3/initialize-workspace?code="+code+"&redirect_uri="+url.QueryEscape(redirectURI), "", nil)
	if status != http.StatusOK {
		a.tb.Fatalf("initialize-workspace: %d %s", status, body)
	}
	a.handshake()
	msgs := a.bayeux("/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelInitialization})
	init := find(a.tb, msgs, workspace.ChannelInitialization)
	for _, ch := range channels {
		a.bayeux("/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: ch})
	}
	user0 := init["data"].(map[string]any)["user"].(map[string]any)
	a.mustOK("/activate-channels", `{"data":{"agentId":"`+user0["agentLogin"].(string)+`","placeName":"`+user0["defaultPlace"].(string)+`"`+activateExtra+`}}`)
	return init
}

func (a *agentClient) handshake() workspace.Message {
	a.tb.Helper()
	a.clientID = ""
	replies := a.bayeux("/handshake", workspace.Message{Channel: workspace.MetaHandshake, Version: "1.0",
		SupportedConnectionTypes: []string{"long-polling"}})
	if len(replies) != 1 || replies[0].Successful == nil || !*replies[0].Successful {
		a.tb.Fatalf("handshake: %+v", replies)
	}
	a.clientID = replies[0].ClientID
	return replies[0]
}

// bayeux posts one message (clientId and id filled in) to
// /workspace/v3/notifications+path and returns the reply's messages.
func (a *agentClient) bayeux(path string, m workspace.Message) []workspace.Message {
	a.tb.Helper()
	a.msgID++
	m.ID = strconv.Itoa(a.msgID)
	if m.Channel != workspace.MetaHandshake {
		m.ClientID = a.clientID
	}
	body, _ := json.Marshal([]workspace.Message{m})
	status, out, _ := a.do(http.MethodPost, "/workspace/v3/notifications"+path, "application/json;charset=UTF-8", body)
	var msgs []workspace.Message
	if err := json.Unmarshal(out, &msgs); status != http.StatusOK || err != nil {
		a.tb.Fatalf("bayeux %s: %d %s", path, status, out)
	}
	return msgs
}

// connect long-polls once and returns the data of the messages on
// non-meta channels, in order.
func (a *agentClient) connect() []workspace.Message {
	a.tb.Helper()
	var out []workspace.Message
	for _, m := range a.bayeux("/connect", workspace.Message{Channel: workspace.MetaConnect, ConnectionType: "long-polling"}) {
		if !m.IsMeta() {
			out = append(out, m)
		}
	}
	return out
}

// find is the data of the first message on channel, or fails.
func find(tb testing.TB, msgs []workspace.Message, channel string) map[string]any {
	tb.Helper()
	for _, m := range msgs {
		if m.Channel == channel {
			var data map[string]any
			if err := json.Unmarshal(m.Data, &data); err != nil {
				tb.Fatal(err)
			}
			return data
		}
	}
	tb.Fatalf("no message on %s in %+v", channel, msgs)
	return nil
}

// dataOf decodes every message's data.
func dataOf(tb testing.TB, msgs []workspace.Message) []map[string]any {
	tb.Helper()
	out := make([]map[string]any, 0, len(msgs))
	for _, m := range msgs {
		var data map[string]any
		if err := json.Unmarshal(m.Data, &data); err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// simPost posts to a /sim endpoint and returns the ids it placed.
func simPost(tb testing.TB, srv *httptest.Server, path, body string) []string {
	tb.Helper()
	resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Data map[string][]placed `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s: %d %v", path, resp.StatusCode, err)
	}
	var ids []string
	for _, list := range env.Data {
		for _, p := range list {
			ids = append(ids, p.ID)
		}
	}
	return ids
}
