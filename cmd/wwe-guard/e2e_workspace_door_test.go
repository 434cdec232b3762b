package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGWS answers the Workspace API v3 calls a door test makes and records
// every request that reaches it.
type fakeGWS struct {
	*httptest.Server
	mu    sync.Mutex
	seen  []string // "METHOD path body"
	types []string // the Content-Type of each
}

const fakeSession = `{"status":{"code":0},"data":{"user":{"activeSession":{"autoCompleteCall":true,"calls":[` +
	`{"id":"c1","connId":"c1","state":"Established","callType":"Inbound","userData":[` +
	`{"key":"Notes","type":"str","value":"shown"},{"key":"Secret","type":"str","value":"hidden"},` +
	`{"key":"Hidden","type":"kvlist","value":[{"key":"Notes","type":"str","value":"deep"}]}]}]}}}}`

func newFakeGWS(t *testing.T) *fakeGWS {
	g := &fakeGWS{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin")) // GWS reflects any origin
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		g.mu.Lock()
		g.seen = append(g.seen, r.Method+" "+r.URL.Path+" "+string(body))
		g.types = append(g.types, r.Header.Get("Content-Type"))
		g.mu.Unlock()
		if r.Header.Get("Accept-Encoding") != "" { // the door reads what it filters: it never asks for compression
			http.Error(w, "Accept-Encoding reached GWS", http.StatusTeapot)
			return
		}
		if r.URL.Query().Get("hang") != "" { // a GWS that never answers
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		if r.URL.Query().Get("garbage") != "" || strings.Contains(r.Header.Get("Cookie"), "GARBLED=1") {
			w.Write([]byte("<html>not JSON"))
			return
		}
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
	g.seen, g.types = nil, nil
	return out
}

const doorOptions = "options:\n  service-client-api.user-data.read-allowed: \"Notes\"\n  service-client-api.user-data.write-allowed: \"Notes\"\n"

// TestE2EWorkspaceDoorSessionAndReads: the session flow passes through with
// the client's cookies, GWS's cookies and redirects come back pointing at
// the guard, and a key read-allowed does not list never reaches the client
// — in a snapshot or a long-poll, nor a listed name nested inside it —
// while a listed one does.
func TestE2EWorkspaceDoorSessionAndReads(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions))
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	init := send(t, http.MethodPost, base+"/workspace/v3/initialize-workspace?code=42", "")
	cookie := init.header.Get("Set-Cookie")
	if init.status != http.StatusOK || !strings.HasPrefix(cookie, "WORKSPACE_SESSIONID=s1") ||
		strings.Contains(strings.ToLower(cookie), "domain") || strings.Contains(cookie, "Secure") {
		t.Fatalf("initialize-workspace: %d, Set-Cookie %q; want the session cookie, host-only, not Secure over http", init.status, cookie)
	}
	session := "WORKSPACE_SESSIONID=s1"

	snap := send(t, http.MethodGet, base+"/workspace/v3/current-session", "", "Cookie", session).raw
	if !strings.Contains(snap, `"shown"`) || strings.Contains(snap, "Secret") || strings.Contains(snap, "hidden") || strings.Contains(snap, "deep") {
		t.Errorf("current-session as the client reads it: %s", snap)
	}
	poll := send(t, http.MethodPost, base+"/workspace/v3/notifications/connect",
		`[{"id":"2","channel":"/meta/connect","connectionType":"long-polling","clientId":"c"}]`, "Cookie", session).raw
	if !strings.Contains(poll, `"Notes"`) || strings.Contains(poll, "Secret") {
		t.Errorf("long-poll as the client reads it: %s", poll)
	}
	out := sendWith(t, noRedirects, http.MethodGet, base+"/workspace/v3/logout", "", "Cookie", session)
	if loc := out.header.Get("Location"); out.status != http.StatusFound || loc != base+"/workspace/v3/login?after=logout" {
		t.Errorf("logout redirect: %d to %q, want it rewritten to the guard", out.status, loc)
	}
}

// expectV3 fails unless r is a refusal in v3's envelope with status and code.
func expectV3(t *testing.T, name string, r reply, status int, code string) {
	t.Helper()
	st, _ := r.body["status"].(map[string]any)
	if r.status != status || r.body["errorCode"] != code || st["code"] != 3.0 {
		t.Errorf("%s: %d %s, want %d with status code 3 and %s", name, r.status, r.raw, status, code)
	}
}

// TestE2EWorkspaceDoorRefusesWithoutForwarding: what the door refuses never
// reaches GWS, and is answered in v3's envelope.
func TestE2EWorkspaceDoorRefusesWithoutForwarding(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions))
	for name, tc := range map[string]struct {
		method, path, body string
		header             []string
		status             int
		code               string
	}{
		"encoded slash":        {http.MethodPost, "/workspace/v3/voice/calls/x%2F..%2Fy/answer", "{}", nil, 400, "INVALID_REQUEST"},
		"dot dot":              {http.MethodPost, "/workspace/v3/voice/calls/../calls/c1/answer", "{}", nil, 400, "INVALID_REQUEST"},
		"path parameter":       {http.MethodPost, "/workspace/v3/voice/calls/c1;x=1/answer", "{}", nil, 400, "INVALID_REQUEST"},
		"unknown route":        {http.MethodPost, "/workspace/v3/voice/calls/c1/no-such-thing", "{}", nil, 404, "NOT_FOUND"},
		"upgrade":              {http.MethodGet, "/workspace/v3/notifications", "", []string{"Upgrade", "websocket"}, 400, "INVALID_REQUEST"},
		"wildcard subscribe":   {http.MethodPost, "/workspace/v3/notifications/", `[{"channel":"/meta/subscribe","subscription":"/workspace/v3/**"}]`, nil, 403, "REQUEST_NOT_ALLOWED"},
		"publish":              {http.MethodPost, "/workspace/v3/notifications/", `[{"channel":"/workspace/v3/voice","data":{}}]`, nil, 403, "REQUEST_NOT_ALLOWED"},
		"callback polling":     {http.MethodPost, "/workspace/v3/notifications/connect", `[{"channel":"/meta/connect","connectionType":"callback-polling"}]`, nil, 400, "INVALID_REQUEST"},
		"get notifications":    {http.MethodGet, "/workspace/v3/notifications/connect", "", nil, 404, "NOT_FOUND"},
		"session cookie twice": {http.MethodGet, "/workspace/v3/current-session", "", []string{"Cookie", "WORKSPACE_SESSIONID=a; WORKSPACE_SESSIONID=b"}, 400, "INVALID_REQUEST"},
		"refused key":          {http.MethodPost, "/workspace/v3/voice/calls/c1/update-user-data", `{"data":{"userData":[{"key":"SSN","type":"str","value":"x"}]}}`, nil, 403, "USER_DATA_WRITE_NOT_ALLOWED"},
		"value not its type":   {http.MethodPost, "/workspace/v3/voice/calls/c1/update-user-data", `{"data":{"userData":[{"key":"Notes","type":"int","value":"x"}]}}`, nil, 400, "INVALID_REQUEST"},
		"unknown type object":  {http.MethodPost, "/workspace/v3/voice/calls/c1/update-user-data", `{"data":{"userData":[{"key":"Notes","type":"blob","value":{"SSN":"1"}}]}}`, nil, 400, "INVALID_REQUEST"},
		"user data on answer":  {http.MethodPost, "/workspace/v3/voice/calls/c1/answer", `{"data":{"reasons":[],"userData":[{"key":"SSN","type":"str","value":"1"}]}}`, nil, 403, "REQUEST_NOT_ALLOWED"},
		"nested user data":     {http.MethodPost, "/workspace/v3/media/workitem/interactions/i1/accept", `{"data":{"extension":[],"x":{"addedProperties":[]}}}`, nil, 403, "REQUEST_NOT_ALLOWED"},
		"encoded body":         {http.MethodPost, "/workspace/v3/voice/calls/c1/update-user-data", "\x1f\x8b", []string{"Content-Encoding", "gzip"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		"markdone unseen":      {http.MethodPost, "/workspace/v3/voice/calls/c1/complete", `{"data":{"userData":[]}}`, nil, 404, "INTERACTION_NOT_FOUND"},
	} {
		expectV3(t, name, sendRaw(t, tc.method, base, tc.path, tc.body, tc.header...), tc.status, tc.code)
	}
	if seen := gws.received(); len(seen) != 0 {
		t.Errorf("refused requests reached GWS: %q", seen)
	}
}

// sendRaw is send with the path put on the wire as written, not cleaned or
// re-escaped by the client.
func sendRaw(t *testing.T, method, base, path, body string, headers ...string) reply {
	t.Helper()
	return sendWith(t, &http.Client{Transport: rawPath{path}}, method, base+"/raw", body, headers...)
}

// rawPath sends every request with its path replaced by the one it holds.
type rawPath struct{ path string }

func (p rawPath) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Opaque = p.path
	return http.DefaultTransport.RoundTrip(r)
}

// TestE2EWorkspaceDoorUpstreamAnswers: activate-channels goes out holding
// auto-completion; an error GWS answers in HTML keeps its status with a
// body Genesys' client can read, GWS's text only in the log; an
// unreachable GWS is 502 in the envelope.
func TestE2EWorkspaceDoorUpstreamAnswers(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions))
	send(t, http.MethodPost, base+"/workspace/v3/activate-channels", `{"data":{"agentId":"a","autoCompleteCall":true}}`, "Cookie", "WORKSPACE_SESSIONID=s1")
	if seen := gws.received(); len(seen) != 1 || !strings.Contains(seen[0], `"autoCompleteCall":false`) || !strings.Contains(seen[0], `"agentId":"a"`) {
		t.Errorf("activate-channels reached GWS as %q", seen)
	}
	answer := send(t, http.MethodPost, base+"/workspace/v3/voice/calls/c1/answer", `{"data":{}}`)
	if answer.status != http.StatusInternalServerError || answer.raw != `{"status":{"code":4,"message":"upstream error"}}` {
		t.Errorf("GWS's HTML error: %d %s", answer.status, answer.raw)
	}
	gws.Close()
	expectV3(t, "GWS down", send(t, http.MethodGet, base+"/workspace/v3/current-session", "", "Cookie", "WORKSPACE_SESSIONID=s1"),
		http.StatusBadGateway, "SERVICE_UNAVAILABLE")
}

// TestE2EWorkspaceDoorRuleScope: on the door, origin filters do not apply
// (GWS authenticates the caller) and workspace.serviceClientOptions: ignore
// lifts the shipped write-allowed rule, which applies by default. A data
// file may not set what the config says.
func TestE2EWorkspaceDoorRuleScope(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	origins := doorOptions + "  service-client-api.accepted-web-content-origins: \"https://crm\"\n"
	ssn := `{"data":{"userData":[{"key":"SSN","type":"str","value":"1"}]}}`
	apply := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, origins))
	expectV3(t, "SSN where the options apply", send(t, http.MethodPost, apply+"/workspace/v3/voice/calls/c1/update-user-data", ssn),
		http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	notes := send(t, http.MethodPost, apply+"/workspace/v3/voice/calls/c1/update-user-data",
		`{"data":{"userData":[{"key":"Notes","type":"str","value":"1"}]}}`, "Origin", "https://evil")
	if notes.status != http.StatusOK {
		t.Errorf("an origin the filter does not list, on the door: %d %s", notes.status, notes.raw)
	}
	ignore := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, origins+"workspace:\n  serviceClientOptions: ignore\n"))
	if r := send(t, http.MethodPost, ignore+"/workspace/v3/voice/calls/c1/update-user-data", ssn); r.status != http.StatusOK {
		t.Errorf("SSN with serviceClientOptions: ignore: %d %s", r.status, r.raw)
	}
	seen := strings.Join(gws.received(), "\n")
	if strings.Count(seen, `"SSN"`) != 1 || !strings.Contains(seen, `"Notes"`) {
		t.Errorf("GWS received %s; want Notes and the one SSN write the options let through", seen)
	}

	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "data.json"), `{"wwe":{"workspace":{"serviceClientOptions":"ignore"}}}`)
	cfg := writeWorkspaceConfig(t, gws.URL, "policies:\n  paths: ["+dir+"]\n")
	var out strings.Builder
	if err := run(t.Context(), []string{"check", "--config", cfg}, &out, &out); err == nil ||
		!strings.Contains(err.Error(), "data.wwe.workspace comes from the config") {
		t.Errorf("check with data.wwe.workspace in a data file: %v", err)
	}
}

// TestE2EWorkspaceDoorCORS: the door answers CORS itself, with credentials,
// for the origins accepted-web-content-origins lists one by one, and never
// relays GWS's own reflection of any origin.
func TestE2EWorkspaceDoorCORS(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	listed := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL,
		doorOptions+"  service-client-api.accepted-web-content-origins: \"https://crm, *\"\n"))
	unset := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions))
	path := "/workspace/v3/current-session"
	pre := send(t, http.MethodOptions, listed+path, "", "Origin", "https://crm", "Access-Control-Request-Method", "GET")
	if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "https://crm" ||
		pre.header.Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "x-api-key") {
		t.Errorf("preflight of a listed origin: %d %v", pre.status, pre.header)
	}
	expectV3(t, "preflight of an origin only * admits",
		send(t, http.MethodOptions, listed+path, "", "Origin", "https://evil", "Access-Control-Request-Method", "GET"), http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	expectV3(t, "preflight with the option unset",
		send(t, http.MethodOptions, unset+path, "", "Origin", "https://crm", "Access-Control-Request-Method", "GET"), http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	for name, tc := range map[string]struct{ base, origin, want string }{
		"listed":   {listed, "https://crm", "https://crm"},
		"unlisted": {listed, "https://evil", ""},
		"unset":    {unset, "https://crm", ""},
	} {
		r := send(t, http.MethodGet, tc.base+path, "", "Origin", tc.origin, "Cookie", "WORKSPACE_SESSIONID=s1")
		if got := r.header.Get("Access-Control-Allow-Origin"); r.status != http.StatusOK || got != tc.want {
			t.Errorf("%s: %d, Access-Control-Allow-Origin %q, want %q", name, r.status, got, tc.want)
		}
	}
	if n := len(gws.received()); n != 3 {
		t.Errorf("GWS received %d requests, want the 3 reads and no preflight", n)
	}
}

// TestE2EWorkspaceDoorHungAndGarbledGWS: a GWS that never answers is cut at
// upstream.timeout, a long-poll at GWS's advised timeout plus
// longPollMargin, each a 502 in the envelope; a reply that is not JSON is
// relayed as it is, but a markdone cannot be decided on one.
func TestE2EWorkspaceDoorHungAndGarbledGWS(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, "workspace:\n  longPollMargin: 200ms\n"+doorOptions, "timeout: 300ms"))
	session := "WORKSPACE_SESSIONID=s1"

	expectV3(t, "a hung call", send(t, http.MethodPost, base+"/workspace/v3/voice/calls/c1/answer?hang=1", `{}`, "Cookie", session),
		http.StatusBadGateway, "SERVICE_UNAVAILABLE")
	// The fake GWS advises a 100 ms long-poll: the next one is cut at 100 ms
	// plus the 200 ms margin (the fake would answer after 5 s, and a
	// long-poll held for the default 30 s would get that answer).
	send(t, http.MethodPost, base+"/workspace/v3/notifications/connect", `[{"channel":"/meta/connect","connectionType":"long-polling"}]`, "Cookie", session)
	expectV3(t, "a hung long-poll",
		send(t, http.MethodPost, base+"/workspace/v3/notifications/connect?hang=1", `[{"channel":"/meta/connect","connectionType":"long-polling"}]`, "Cookie", session),
		http.StatusBadGateway, "SERVICE_UNAVAILABLE")

	garbled := send(t, http.MethodGet, base+"/workspace/v3/info?garbage=1", "")
	if garbled.status != http.StatusOK || garbled.raw != "<html>not JSON" {
		t.Errorf("a reply that is not JSON: %d %q, want it relayed", garbled.status, garbled.raw)
	}
	expectV3(t, "a markdone on a garbled current-session",
		send(t, http.MethodPost, base+"/workspace/v3/media/workitem/interactions/i1/complete", `{}`, "Cookie", session+"; GARBLED=1"),
		http.StatusBadGateway, "SERVICE_UNAVAILABLE")
}

// TestE2EWorkspaceDoorStripMode: in strip mode the door forwards the call
// without the denied pairs, in order and with their types, and says which
// it dropped; a write whose every pair is denied is refused.
func TestE2EWorkspaceDoorStripMode(t *testing.T) {
	t.Parallel()
	gws := newFakeGWS(t)
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, doorOptions+"userDataMode: strip\n"))
	path := base + "/workspace/v3/voice/calls/c1/update-user-data"
	// Labelled as something else, the body is still read as JSON, and goes
	// out labelled as the JSON it is.
	mixed := send(t, http.MethodPost, path, `{"operationId":"op-1","data":{"userData":[{"key":"SSN","type":"str","value":"1"},`+
		`{"key":"Notes","type":"int","value":7},{"key":"SSN","type":"kvlist","value":[{"key":"x","type":"str","value":"y"}]}]}}`,
		"Content-Type", "application/x-www-form-urlencoded")
	if mixed.status != http.StatusOK || mixed.header.Get("X-Denied-Keys") != `["SSN"]` {
		t.Errorf("a write with a denied key in strip mode: %d %s, X-Denied-Keys %q", mixed.status, mixed.raw, mixed.header.Get("X-Denied-Keys"))
	}
	all := send(t, http.MethodPost, path, `{"data":{"userData":[{"key":"SSN","type":"str","value":"1"}]}}`)
	expectV3(t, "every pair denied", all, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if denied, _ := all.body["deniedKeys"].([]any); len(denied) != 1 || denied[0] != "SSN" || all.body["decisionId"] == nil {
		t.Errorf("every pair denied: %s, want deniedKeys [SSN] and the decision id", all.raw)
	}
	want := `POST /workspace/v3/voice/calls/c1/update-user-data {"operationId":"op-1","data":{"userData":[{"key":"Notes","type":"int","value":7}]}}`
	gws.mu.Lock()
	types := slices.Clone(gws.types)
	gws.mu.Unlock()
	if len(types) != 1 || types[0] != "application/json" {
		t.Errorf("the forwarded write was labelled %q, want application/json", types)
	}
	if seen := gws.received(); len(seen) != 1 || seen[0] != want {
		t.Errorf("GWS received %q, want only %s", seen, want)
	}
}
