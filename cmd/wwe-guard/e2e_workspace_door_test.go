package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeGWS answers the Workspace API v3 calls a door test makes and records
// every request that reaches it.
type fakeGWS struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "METHOD path body"
}

const fakeSession = `{"status":{"code":0},"data":{"user":{"activeSession":{"autoCompleteCall":true,"calls":[` +
	`{"id":"c1","connId":"c1","state":"Established","callType":"Inbound","userData":[` +
	`{"key":"Notes","type":"str","value":"shown"},{"key":"Secret","type":"str","value":"hidden"},` +
	`{"key":"Hidden","type":"kvlist","value":[{"key":"Notes","type":"str","value":"deep"}]}]}]}}}}`

func newFakeGWS(t *testing.T) *fakeGWS {
	g := &fakeGWS{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.seen = append(g.seen, r.Method+" "+r.URL.Path+" "+string(body))
		g.mu.Unlock()
		switch r.URL.Path {
		case "/workspace/v3/initialize-workspace":
			http.SetCookie(w, &http.Cookie{Name: "WORKSPACE_SESSIONID", Value: "s1", Path: "/", Domain: "gws.example", Secure: true, HttpOnly: true})
			w.Write([]byte(`{"status":{"code":0}}`))
		case "/workspace/v3/current-session":
			if !strings.Contains(r.Header.Get("Cookie"), "WORKSPACE_SESSIONID=s1") {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.Write([]byte(fakeSession))
		case "/workspace/v3/logout":
			http.Redirect(w, r, g.URL+"/workspace/v3/login?after=logout", http.StatusFound)
		case "/workspace/v3/notifications/connect":
			w.Write([]byte(`[{"channel":"/workspace/v3/voice","data":{"messageType":"CallStateChanged","call":` +
				`{"id":"c1","connId":"c1","state":"Released","userData":[{"key":"Secret","type":"str","value":"x"},{"key":"Notes","type":"str","value":"y"}]}}},` +
				`{"id":"2","channel":"/meta/connect","successful":true,"advice":{"timeout":100}}]`))
		case "/workspace/v3/voice/calls/c1/answer":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("<html>TypeError: internals</html>"))
		default:
			w.Write([]byte(`{"status":{"code":1},"operationId":"op"}`))
		}
	}))
	t.Cleanup(g.Close)
	return g
}

// received returns what reached GWS and forgets it.
func (g *fakeGWS) received() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.seen
	g.seen = nil
	return out
}

const doorOptions = "options:\n  service-client-api.user-data.read-allowed: \"Notes\"\n"

// TestE2EWorkspaceDoorSessionAndReads: the session flow passes through with
// the client's cookies, GWS's cookies and redirects come back pointing at
// the guard, and a key read-allowed does not list never reaches the client
// — in a snapshot or a long-poll, nor a listed name nested inside it —
// while a listed one does.
func TestE2EWorkspaceDoorSessionAndReads(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp := do(t, client, http.MethodPost, base+"/workspace/v3/initialize-workspace?code=42", "", "")
	cookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(cookie, "WORKSPACE_SESSIONID=s1") ||
		strings.Contains(strings.ToLower(cookie), "domain") || strings.Contains(cookie, "Secure") {
		t.Fatalf("initialize-workspace: %d, Set-Cookie %q; want the session cookie, host-only, not Secure over http", resp.StatusCode, cookie)
	}
	session := "WORKSPACE_SESSIONID=s1"

	snap := body(t, do(t, client, http.MethodGet, base+"/workspace/v3/current-session", "", session))
	if !strings.Contains(snap, `"shown"`) || strings.Contains(snap, "Secret") || strings.Contains(snap, "hidden") || strings.Contains(snap, "deep") {
		t.Errorf("current-session as the client reads it: %s", snap)
	}
	poll := body(t, do(t, client, http.MethodPost, base+"/workspace/v3/notifications/connect",
		`[{"id":"2","channel":"/meta/connect","connectionType":"long-polling","clientId":"c"}]`, session))
	if !strings.Contains(poll, `"Notes"`) || strings.Contains(poll, "Secret") {
		t.Errorf("long-poll as the client reads it: %s", poll)
	}
	out := do(t, client, http.MethodGet, base+"/workspace/v3/logout", "", session)
	if loc := out.Header.Get("Location"); out.StatusCode != http.StatusFound || loc != base+"/workspace/v3/login?after=logout" {
		t.Errorf("logout redirect: %d to %q, want it rewritten to the guard", out.StatusCode, loc)
	}
	for _, r := range gws.received() {
		if strings.Contains(r, "current-session") && !strings.Contains(r, "GET /workspace/v3/current-session") {
			t.Errorf("unexpected: %s", r)
		}
	}
}

// TestE2EWorkspaceDoorRefusesWithoutForwarding: what the door refuses never
// reaches GWS, and is answered in v3's envelope.
func TestE2EWorkspaceDoorRefusesWithoutForwarding(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions))
	client := &http.Client{}
	for name, tc := range map[string]struct {
		method, path, body string
		header             [2]string
		status             int
		code               string
	}{
		"encoded slash":        {http.MethodPost, "/workspace/v3/voice/calls/x%2F..%2Fy/answer", "{}", [2]string{}, 400, "INVALID_REQUEST"},
		"dot dot":              {http.MethodPost, "/workspace/v3/voice/calls/../calls/c1/answer", "{}", [2]string{}, 400, "INVALID_REQUEST"},
		"path parameter":       {http.MethodPost, "/workspace/v3/voice/calls/c1;x=1/answer", "{}", [2]string{}, 400, "INVALID_REQUEST"},
		"unknown route":        {http.MethodPost, "/workspace/v3/voice/calls/c1/no-such-thing", "{}", [2]string{}, 404, "NOT_FOUND"},
		"upgrade":              {http.MethodGet, "/workspace/v3/notifications", "", [2]string{"Upgrade", "websocket"}, 400, "INVALID_REQUEST"},
		"wildcard subscribe":   {http.MethodPost, "/workspace/v3/notifications/", `[{"channel":"/meta/subscribe","subscription":"/workspace/v3/**"}]`, [2]string{}, 403, "REQUEST_NOT_ALLOWED"},
		"publish":              {http.MethodPost, "/workspace/v3/notifications/", `[{"channel":"/workspace/v3/voice","data":{}}]`, [2]string{}, 403, "REQUEST_NOT_ALLOWED"},
		"callback polling":     {http.MethodPost, "/workspace/v3/notifications/connect", `[{"channel":"/meta/connect","connectionType":"callback-polling"}]`, [2]string{}, 400, "INVALID_REQUEST"},
		"get notifications":    {http.MethodGet, "/workspace/v3/notifications/connect", "", [2]string{}, 404, "NOT_FOUND"},
		"session cookie twice": {http.MethodGet, "/workspace/v3/current-session", "", [2]string{"Cookie", "WORKSPACE_SESSIONID=a; WORKSPACE_SESSIONID=b"}, 400, "INVALID_REQUEST"},
		"undecided write":      {http.MethodPost, "/workspace/v3/voice/calls/c1/update-user-data", `{"data":{"userData":[{"key":"Notes","type":"str","value":"x"}]}}`, [2]string{}, 501, "NOT_IMPLEMENTED"},
		"undecided complete":   {http.MethodPost, "/workspace/v3/voice/calls/c1/complete", `{"data":{"userData":[]}}`, [2]string{}, 501, "NOT_IMPLEMENTED"},
	} {
		req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
		if tc.header[0] != "" {
			req.Header.Set(tc.header[0], tc.header[1])
		}
		req.URL.Opaque = tc.path // sent as written, not cleaned by the client
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Status    struct{ Code int } `json:"status"`
			ErrorCode string             `json:"errorCode"`
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(raw, &got); err != nil || resp.StatusCode != tc.status || got.ErrorCode != tc.code || got.Status.Code != 3 {
			t.Errorf("%s: %d %s, want %d with status code 3 and %s", name, resp.StatusCode, raw, tc.status, tc.code)
		}
	}
	if seen := gws.received(); len(seen) != 0 {
		t.Errorf("refused requests reached GWS: %q", seen)
	}
}

// TestE2EWorkspaceDoorUpstreamAnswers: activate-channels goes out holding
// auto-completion; an error GWS answers in HTML keeps its status with a
// body Genesys' client can read, GWS's text only in the log; an
// unreachable GWS is 502 in the envelope.
func TestE2EWorkspaceDoorUpstreamAnswers(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions))
	client := &http.Client{}
	do(t, client, http.MethodPost, base+"/workspace/v3/activate-channels", `{"data":{"agentId":"a","autoCompleteCall":true}}`, "WORKSPACE_SESSIONID=s1")
	if seen := gws.received(); len(seen) != 1 || !strings.Contains(seen[0], `"autoCompleteCall":false`) || !strings.Contains(seen[0], `"agentId":"a"`) {
		t.Errorf("activate-channels reached GWS as %q", seen)
	}
	answer := do(t, client, http.MethodPost, base+"/workspace/v3/voice/calls/c1/answer", `{"data":{}}`, "")
	if got := body(t, answer); answer.StatusCode != http.StatusInternalServerError || got != `{"status":{"code":4,"message":"upstream error"}}` {
		t.Errorf("GWS's HTML error: %d %s", answer.StatusCode, got)
	}
	gws.Close()
	down := do(t, client, http.MethodGet, base+"/workspace/v3/current-session", "", "WORKSPACE_SESSIONID=s1")
	if got := body(t, down); down.StatusCode != http.StatusBadGateway || !strings.Contains(got, `"SERVICE_UNAVAILABLE"`) || !strings.Contains(got, `"code":3`) {
		t.Errorf("GWS down: %d %s", down.StatusCode, got)
	}
}

func do(t *testing.T, client *http.Client, method, url, reqBody, cookie string) *http.Response {
	t.Helper()
	var rd io.Reader
	if reqBody != "" {
		rd = strings.NewReader(reqBody)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
