// Package gwstest drives a Workspace API v3 server (the reference GWS, or
// the guard in front of it) as a test's agent would: sign-in, session
// start, CometD long-polling and the v3 calls, over real HTTP with a cookie
// jar. Only tests import it.
package gwstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// RedirectURI is the redirect_uri the agents sign in with.
const RedirectURI = "http://127.0.0.1:9/app"

// placed is one call or interaction a /sim endpoint placed.
type placed struct {
	Agent string `json:"agent"`
	ID    string `json:"id"`
}

// Agent is one agent's HTTP client with its cookie jar and, after
// handshake, its CometD clientId.
type Agent struct {
	TB       testing.TB
	base     string
	http     *http.Client
	ClientID string
	msgID    int
}

func NewAgent(tb testing.TB, base string) *Agent {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Agent{TB: tb, base: base, http: hc}
}

// do sends a request and returns the status and the body.
func (a *Agent) Do(method, path, contentType string, body []byte, header ...string) (int, []byte, http.Header) {
	a.TB.Helper()
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	if err != nil {
		a.TB.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := a.http.Do(req)
	if err != nil {
		a.TB.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// post sends a v3 POST with a JSON body.
func (a *Agent) Post(path, body string) (int, workspace.Envelope) {
	a.TB.Helper()
	status, out, _ := a.Do(http.MethodPost, "/workspace/v3"+path, "application/json", []byte(body))
	return status, MustEnvelope(a.TB, out)
}

// mustOK posts and fails the test unless the answer is 200 and a success.
func (a *Agent) MustOK(path, body string) workspace.Envelope {
	a.TB.Helper()
	status, env := a.Post(path, body)
	if status != http.StatusOK || !env.Succeeded() {
		a.TB.Fatalf("POST %s %s: %d %+v", path, body, status, env)
	}
	return env
}

func MustEnvelope(tb testing.TB, body []byte) workspace.Envelope {
	tb.Helper()
	var env workspace.Envelope
	if err := json.Unmarshal(body, &env); err != nil {
		tb.Fatalf("not an envelope: %s: %v", body, err)
	}
	return env
}

// signIn returns an authorization code for the agent.
func (a *Agent) SignIn(user string) string {
	a.TB.Helper()
	form := url.Values{"username": {`\` + user}, "password": {user}, "redirect_uri": {RedirectURI}}
	status, body, h := a.Do(http.MethodPost, "/auth/v3/sign-in", "application/x-www-form-urlencoded", []byte(form.Encode()))
	loc, err := url.Parse(h.Get("Location"))
	if status != http.StatusFound || err != nil || loc.Query().Get("code") == "" || !strings.HasPrefix(loc.String(), RedirectURI+"?") {
		a.TB.Fatalf("sign-in: %d %s Location %q", status, body, h.Get("Location"))
	}
	return loc.Query().Get("code")
}

// start signs in, initializes, handshakes, subscribes to the
// initialization (returning WorkspaceInitializationComplete's data) and to
// channels, and activates the channels with extra fields in data.
func (a *Agent) Start(user, activateExtra string, channels ...string) map[string]any {
	a.TB.Helper()
	code := a.SignIn(user)
	status, body, _ := a.Do(http.MethodPost, "/workspace/v3/initialize-workspace?code="+code+"&redirect_uri="+url.QueryEscape(RedirectURI), "", nil)
	if status != http.StatusOK {
		a.TB.Fatalf("initialize-workspace: %d %s", status, body)
	}
	a.Handshake()
	msgs := a.Bayeux("/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelInitialization})
	init := Find(a.TB, msgs, workspace.ChannelInitialization)
	for _, ch := range channels {
		a.Bayeux("/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: ch})
	}
	user0 := init["data"].(map[string]any)["user"].(map[string]any)
	a.MustOK("/activate-channels", `{"data":{"agentId":"`+user0["agentLogin"].(string)+`","placeName":"`+user0["defaultPlace"].(string)+`"`+activateExtra+`}}`)
	return init
}

func (a *Agent) Handshake() workspace.Message {
	a.TB.Helper()
	a.ClientID = ""
	replies := a.Bayeux("/handshake", workspace.Message{Channel: workspace.MetaHandshake, Version: "1.0",
		SupportedConnectionTypes: []string{"long-polling"}})
	if len(replies) != 1 || replies[0].Successful == nil || !*replies[0].Successful {
		a.TB.Fatalf("handshake: %+v", replies)
	}
	a.ClientID = replies[0].ClientID
	return replies[0]
}

// bayeux posts one message (clientId and id filled in) to
// /workspace/v3/notifications+path and returns the reply's messages.
func (a *Agent) Bayeux(path string, m workspace.Message) []workspace.Message {
	a.TB.Helper()
	a.msgID++
	m.ID = strconv.Itoa(a.msgID)
	if m.Channel != workspace.MetaHandshake {
		m.ClientID = a.ClientID
	}
	body, _ := json.Marshal([]workspace.Message{m})
	status, out, _ := a.Do(http.MethodPost, "/workspace/v3/notifications"+path, "application/json;charset=UTF-8", body)
	var msgs []workspace.Message
	if err := json.Unmarshal(out, &msgs); status != http.StatusOK || err != nil {
		a.TB.Fatalf("bayeux %s: %d %s", path, status, out)
	}
	return msgs
}

// connect long-polls once and returns the data of the messages on
// non-meta channels, in order.
func (a *Agent) Connect() []workspace.Message {
	a.TB.Helper()
	var out []workspace.Message
	for _, m := range a.Bayeux("/connect", workspace.Message{Channel: workspace.MetaConnect, ConnectionType: "long-polling"}) {
		if !m.IsMeta() {
			out = append(out, m)
		}
	}
	return out
}

// find is the data of the first message on channel, or fails.
func Find(tb testing.TB, msgs []workspace.Message, channel string) map[string]any {
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
func DataOf(tb testing.TB, msgs []workspace.Message) []map[string]any {
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
func SimPost(tb testing.TB, base, path, body string) []string {
	tb.Helper()
	resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
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

// Cookies are the cookies the agent's jar holds for base.
func (a *Agent) Cookies(base string) []*http.Cookie {
	u, err := url.Parse(base)
	if err != nil {
		a.TB.Fatal(err)
	}
	return a.http.Jar.Cookies(u)
}
