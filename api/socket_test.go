package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/auth"
	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// The origins of the socket tests: the policies admit the CRM, and the
// relay page is listed in the relays but is no integrator.
const (
	socketCRM   = "https://crm.example"
	socketKB    = "https://kb.example" // admitted for getInteractions only
	socketEvil  = "https://evil.example"
	socketRelay = "https://portal.example"
)

// recording is a Service that counts the writes that reached it, and
// holds reads of interaction 2 while hold is set.
type recording struct {
	api.Service
	mu     sync.Mutex
	writes []wwe.Command
	hold   atomic.Pointer[chan struct{}]
}

func (r *recording) Interaction(ctx context.Context, id string) (*wwe.Interaction, error) {
	if h := r.hold.Load(); h != nil && id == "2" {
		select {
		case <-*h:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return r.Service.Interaction(ctx, id)
}

func (r *recording) Do(ctx context.Context, cmd wwe.Command) (*wwe.Interaction, error) {
	r.mu.Lock()
	r.writes = append(r.writes, cmd)
	r.mu.Unlock()
	return r.Service.Do(ctx, cmd)
}

func (r *recording) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.writes)
}

// socketServer serves the demo seed behind the bundled policies, with
// origin filtering on and socketRelay listed; cfg adjusts the rest.
func socketServer(t *testing.T, adjust func(*api.Config)) (*api.Server, *recording, string) {
	t.Helper()
	// A generous decision timeout: the tests run many decisions at once,
	// under -race on a shared machine, and are not about the timeout.
	engine, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Timeout: 10 * time.Second, Options: map[string]any{
		"service-client-api.user-data.write-allowed":      "DispositionCode,Notes",
		"service-client-api.user-data.read-allowed":       "DispositionCode,Notes",
		"service-client-api.accepted-web-content-origins": socketCRM + ", " + socketKB + " (interaction.getInteractions)",
		"interaction.disposition.is-mandatory":            true,
	}})
	if err != nil {
		t.Fatal(err)
	}
	svc := &recording{Service: service.NewMemory(service.DemoSeed())}
	cfg := api.Config{Service: svc, Decider: engine, Relays: []api.Relay{{Origin: socketRelay}}}
	if adjust != nil {
		adjust(&cfg)
	}
	s := api.New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.EndStreams()
		ts.Close()
	})
	return s, svc, ts.URL
}

// dialSocket opens base's socket as a browser of origin would.
func dialSocket(t *testing.T, base, origin string) *testkit.Socket {
	t.Helper()
	return testkit.DialSocket(t, base, "Origin", origin)
}

func tryDial(base, origin string) (*websocket.Conn, error) {
	return testkit.DialSocketRaw(base, "Origin", origin)
}

func errorCode(m map[string]any) string {
	code, _ := m["errorCode"].(string)
	return code
}

// TestSocketRequests: over the socket a request gets the reply the
// envelope door gives, a malformed message gets an error reply with its
// referenceId and the socket stays open, and a refused write never reaches
// the service.
func TestSocketRequests(t *testing.T) {
	t.Parallel()
	_, svc, base := socketServer(t, nil)
	k := dialSocket(t, base, socketCRM)

	got := k.Call("1", "interaction.setUserData", `["1",{"Notes":"called back"}]`)
	if got["result"] == nil || got["userAgent"] != "WWE Server" || got["protocolVersion"] != 2.0 {
		t.Fatalf("allowed write: %v", got)
	}
	if got := k.Call("2", "interaction.setUserData", `["1",{"SSN":"078-05-1120"}]`); errorCode(got) != "USER_DATA_WRITE_NOT_ALLOWED" {
		t.Fatalf("SSN: %v", got)
	}
	if got := k.Call("3", "interaction.markdone", `["1"]`); errorCode(got) != "MARKDONE_BLOCKED" {
		t.Fatalf("markdone without a disposition: %v", got)
	}
	k.Send(`{"request":"interaction.getInteractions","referenceId":"4",`)
	if got := k.Next(); errorCode(got) != "INVALID_REQUEST" || got["referenceId"] != "4" {
		t.Fatalf("malformed: %v", got)
	}
	k.Send(`["not","an","object"]`)
	if got := k.Next(); errorCode(got) != "INVALID_REQUEST" {
		t.Fatalf("array: %v", got)
	}
	k.Send(`{"request":"interaction.getInteractions","referenceId":5,"bogus":1}`)
	if got := k.Next(); errorCode(got) != "INVALID_REQUEST" || got["referenceId"] != 5.0 {
		t.Fatalf("unknown field: %v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := k.Conn.Write(ctx, websocket.MessageBinary, []byte(`{"request":"interaction.getInteractions"}`)); err != nil {
		t.Fatal(err)
	}
	if got := k.Next(); errorCode(got) != "INVALID_REQUEST" {
		t.Fatalf("binary frame: %v", got)
	}
	if got := k.Call("6", "interaction.getInteractions", `[]`); got["result"] == nil {
		t.Fatalf("the socket no longer answers after bad messages: %v", got)
	}
	if n := svc.count(); n != 1 {
		t.Errorf("the service got %d writes, want the one allowed", n)
	}
}

// TestSocketSameAsEnvelope: the socket's reply is, byte for byte, the
// envelope door's body for the same message (but the decision id).
func TestSocketSameAsEnvelope(t *testing.T) {
	t.Parallel()
	_, _, base := socketServer(t, nil)
	k := dialSocket(t, base, socketCRM)
	for _, msg := range []string{
		`{"request":"interaction.getByInteractionId","parameters":["2"],"referenceId":"a"}`,
		`{"request":"interaction.getByInteractionId","parameters":["404"],"referenceId":7}`,
		`{"request":"interaction.deleteUserData","parameters":["1","SSN"],"referenceId":"b"}`,
		`{"request":"interaction.nope","referenceId":"c"}`,
	} {
		req, _ := http.NewRequest(http.MethodPost, base+"/v1/scapi", strings.NewReader(msg))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", socketCRM)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var door map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&door); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		k.Send(msg)
		got := k.Next()
		delete(door, "decisionId")
		delete(got, "decisionId")
		if a, b := testkit.JSON(t, door), testkit.JSON(t, got); a != b {
			t.Errorf("%s:\n envelope %s\n socket   %s", msg, a, b)
		}
	}
}

// TestSocketOrigins: the handshake admits the policies' origins and the
// relays only; a relay's stamp is the caller origin for the origin filters,
// a stamp anywhere else and a relay message without one are refused, and
// none of the refused calls reaches the service.
func TestSocketOrigins(t *testing.T) {
	t.Parallel()
	_, svc, base := socketServer(t, nil)
	if _, err := tryDial(base, socketEvil); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("an unadmitted origin's handshake: %v, want 403", err)
	}
	write := func(ref string) string {
		return `{"request":"interaction.setUserData","parameters":["1",{"Notes":"n` + ref + `"}],"referenceId":"` + ref + `"`
	}
	relay := dialSocket(t, base, socketRelay)
	direct := dialSocket(t, base, socketCRM)
	cases := []struct {
		name string
		k    *testkit.Socket
		msg  string
		want string // errorCode; "" for a result
	}{
		{"relay stamps an admitted origin", relay, write("1") + `,"callerOrigin":"` + socketCRM + `"}`, ""},
		{"relay stamps an unadmitted origin", relay, write("2") + `,"callerOrigin":"` + socketEvil + `"}`, "REQUEST_NOT_ALLOWED"},
		{"relay stamps an origin whose filter leaves writes out", relay, write("3") + `,"callerOrigin":"` + socketKB + `"}`, "REQUEST_NOT_ALLOWED"},
		{"relay stamps no origin (null)", relay, write("4") + `,"callerOrigin":"null"}`, "REQUEST_NOT_ALLOWED"},
		{"relay sends no stamp", relay, write("5") + `}`, "REQUEST_NOT_ALLOWED"},
		{"relay's stamp is not a string", relay, write("6") + `,"callerOrigin":7}`, "INVALID_REQUEST"},
		{"a stamp on a socket that is no relay's", direct, write("7") + `,"callerOrigin":"` + socketCRM + `"}`, "REQUEST_NOT_ALLOWED"},
		{"the relay origin is no caller origin", relay, write("8") + `,"callerOrigin":"` + socketRelay + `"}`, "REQUEST_NOT_ALLOWED"},
		{"a direct, admitted caller", direct, write("9") + `}`, ""},
	}
	for _, c := range cases {
		before := svc.count()
		c.k.Send(c.msg)
		got := c.k.Next()
		if code := errorCode(got); code != c.want {
			t.Errorf("%s: errorCode %q, want %q: %v", c.name, code, c.want, got)
		}
		reached := svc.count() > before
		if reached != (c.want == "") {
			t.Errorf("%s: reached the service = %v", c.name, reached)
		}
	}
	// The filtered origin may read through the relay.
	relay.Send(`{"request":"interaction.getInteractions","referenceId":"r","callerOrigin":"` + socketKB + `"}`)
	if got := relay.Next(); got["result"] == nil {
		t.Errorf("kb's getInteractions through the relay: %v", got)
	}
}

// TestSocketEvents: subscribe answers a subscriptionId and the events
// follow, read-filtered and with the guard's markdone events; unsubscribe
// ends them; a bad subscribe gets an error reply.
func TestSocketEvents(t *testing.T) {
	t.Parallel()
	_, _, base := socketServer(t, nil)
	k := dialSocket(t, base, socketCRM)
	k.Send(`{"event":"subscribe","data":["interaction","markdone"],"referenceId":"0","userAgent":"WWE Client","protocolVersion":2}`)
	sub := k.Next()
	id, _ := sub["subscriptionId"].(string)
	if sub["referenceId"] != "0" || id == "" || sub["userAgent"] != "WWE Server" || sub["protocolVersion"] != 2.0 {
		t.Fatalf("subscribe reply: %v", sub)
	}
	k.Send(`{"request":"interaction.markdone","parameters":["1"],"referenceId":"1"}`)
	seen := map[string]bool{}
	for len(seen) < 2 {
		m := k.Next()
		switch {
		case m["event"] == "markdone":
			data := m["data"].(map[string]any)
			if data["eventType"] != "MARKDONE_BLOCKED" || data["interactionId"] != "1" {
				t.Fatalf("markdone event: %v", m)
			}
			seen["event"] = true
		case m["referenceId"] == "1":
			if errorCode(m) != "MARKDONE_BLOCKED" {
				t.Fatalf("markdone reply: %v", m)
			}
			seen["reply"] = true
		default:
			t.Fatalf("unexpected message: %v", m)
		}
	}
	k.Send(`{"request":"interaction.setUserData","parameters":["1",{"Notes":"x"}],"referenceId":"2"}`)
	for seen["changed"] == false || seen["write"] == false {
		m := k.Next()
		if m["referenceId"] == "2" {
			seen["write"] = true
			continue
		}
		it := m["data"].(map[string]any)["interaction"].(map[string]any)
		ud := it["userData"].(map[string]any)
		if _, leaked := ud["AccountNumber"]; leaked {
			t.Fatalf("an event carries a key read-allowed does not name: %v", ud)
		}
		seen["changed"] = ud["Notes"] == "x"
	}
	for _, bad := range []string{
		`{"event":"subscribe","data":["interaction","calls"],"referenceId":"3"}`,
		`{"event":"subscribe","data":"interaction","referenceId":"3"}`,
		`{"event":"unsubscribe","data":"nope","referenceId":"3"}`,
		`{"event":"publish","data":["interaction"],"referenceId":"3"}`,
		`{"event":"subscribe","request":"interaction.getInteractions","data":["interaction"],"referenceId":"3"}`,
	} {
		k.Send(bad)
		if got := k.Next(); errorCode(got) != "INVALID_REQUEST" || got["referenceId"] != "3" {
			t.Errorf("%s: %v", bad, got)
		}
	}
	k.Send(`{"event":"unsubscribe","data":"` + id + `","referenceId":"4"}`)
	if got := k.Next(); got["referenceId"] != "4" || errorCode(got) != "" {
		t.Fatalf("unsubscribe: %v", got)
	}
	// No more events: the next message is the reply to the next write.
	if got := k.Call("5", "interaction.setUserData", `["1",{"Notes":"y"}]`); errorCode(got) != "" {
		t.Fatalf("write after unsubscribe: %v", got)
	}
}

// TestSocketConcurrent: requests on one socket are in flight together, and
// each reply carries its own referenceId.
func TestSocketConcurrent(t *testing.T) {
	t.Parallel()
	_, svc, base := socketServer(t, nil)
	k := dialSocket(t, base, socketCRM)

	// A read held at the service does not hold the ones after it.
	release := make(chan struct{})
	svc.hold.Store(&release)
	k.Send(`{"request":"interaction.getByInteractionId","parameters":["2"],"referenceId":"held"}`)
	if got := k.Call("free", "interaction.getByInteractionId", `["1"]`); got["result"] == nil {
		t.Fatalf("a read behind a held one: %v", got)
	}
	close(release)
	svc.hold.Store(nil)
	if got := k.Next(); got["referenceId"] != "held" || got["result"] == nil {
		t.Fatalf("the held read: %v", got)
	}

	const n = 200
	for i := range n {
		k.Send(`{"request":"interaction.getByInteractionId","parameters":["` + strconv.Itoa(1+i%4) + `"],"referenceId":` + strconv.Itoa(i) + `}`)
	}
	seen := map[float64]bool{}
	for range n {
		m := k.Next()
		ref, _ := m["referenceId"].(float64)
		it, _ := m["result"].(map[string]any)
		if it == nil || it["interactionId"] != strconv.Itoa(1+int(ref)%4) || seen[ref] {
			t.Fatalf("reply %v", m)
		}
		seen[ref] = true
	}
}

// TestSocketTooLarge: a message over the body limit gets REQUEST_TOO_LARGE
// with the referenceId read from its first bytes, then the socket closes
// with 1009, and nothing reaches the service.
func TestSocketTooLarge(t *testing.T) {
	t.Parallel()
	_, svc, base := socketServer(t, func(c *api.Config) {
		c.Limits = api.DefaultLimits()
		c.Limits.MaxBodyBytes = 1024
	})
	k := dialSocket(t, base, socketCRM)
	big := `{"referenceId":"big","request":"interaction.setUserData","parameters":["1",{"Notes":"` + strings.Repeat("x", 2048) + `"}]}`
	k.Send(big)
	got := k.Next()
	if errorCode(got) != "REQUEST_TOO_LARGE" || got["referenceId"] != "big" {
		t.Fatalf("oversize: %v", got)
	}
	if code := k.Closed(); code != websocket.StatusMessageTooBig {
		t.Fatalf("close status %d, want 1009", code)
	}
	if svc.count() != 0 {
		t.Fatal("an oversize write reached the service")
	}
}

// TestSocketCut: a socket with nothing to do is closed when idle, one that
// stops reading is cut when its pongs stop, and every socket is closed
// (1001) when the guard shuts down.
func TestSocketCut(t *testing.T) {
	t.Parallel()
	s, _, base := socketServer(t, func(c *api.Config) {
		c.SocketPing, c.SocketIdle = 50*time.Millisecond, 200*time.Millisecond
	})
	idle := dialSocket(t, base, socketCRM)
	if code := idle.Closed(); code != websocket.StatusNormalClosure {
		t.Errorf("idle socket closed with %d, want 1000", code)
	}

	// A subscribed socket that never reads answers no ping.
	deaf, err := tryDial(base, socketCRM)
	if err != nil {
		t.Fatal(err)
	}
	defer deaf.CloseNow()
	if err := deaf.Write(context.Background(), websocket.MessageText, []byte(`{"event":"subscribe","data":["interaction"],"referenceId":"0"}`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deaf socket to be cut", func() bool { return s.SocketsOpen() == 0 })

	live := dialSocket(t, base, socketCRM)
	live.Send(`{"event":"subscribe","data":["interaction"],"referenceId":"0"}`)
	if got := live.Next(); got["subscriptionId"] == nil {
		t.Fatalf("subscribe: %v", got)
	}
	time.Sleep(300 * time.Millisecond) // past the idle time: a subscription keeps it
	s.EndStreams()
	if code := live.Closed(); code != websocket.StatusGoingAway {
		t.Errorf("at shutdown the socket closed with %d, want 1001", code)
	}
}

// TestSocketSubscriptionsBounded: one socket holds at most 16
// subscriptions, so a client cannot grow the guard's event feed without
// bound over one connection; ending one makes room again.
func TestSocketSubscriptionsBounded(t *testing.T) {
	t.Parallel()
	_, _, base := socketServer(t, nil)
	k := dialSocket(t, base, socketCRM)
	var first string
	for i := range 16 {
		k.Send(`{"event":"subscribe","data":["interaction"],"referenceId":"` + strconv.Itoa(i) + `"}`)
		got := k.Next()
		id, _ := got["subscriptionId"].(string)
		if id == "" {
			t.Fatalf("subscription %d: %v", i, got)
		}
		if first == "" {
			first = id
		}
	}
	k.Send(`{"event":"subscribe","data":["interaction"],"referenceId":"17"}`)
	if got := k.Next(); errorCode(got) != "INVALID_REQUEST" || got["referenceId"] != "17" {
		t.Fatalf("a 17th subscription: %v", got)
	}
	k.Send(`{"event":"unsubscribe","data":"` + first + `","referenceId":"u"}`)
	if got := k.Next(); errorCode(got) != "" {
		t.Fatalf("unsubscribe: %v", got)
	}
	k.Send(`{"event":"subscribe","data":["interaction"],"referenceId":"18"}`)
	if got := k.Next(); got["subscriptionId"] == nil {
		t.Fatalf("a subscription after one ended: %v", got)
	}
}

// TestSocketMustAuthenticate: with caller authentication, a socket that
// has not sent its token by the first ping is closed (1008), so sockets
// nobody authenticates do not pile up; an authenticated one stays.
func TestSocketMustAuthenticate(t *testing.T) {
	t.Parallel()
	keys, err := auth.NewAPIKeys([]auth.Key{{SHA256: testkit.KeyHash("crm-key"), Application: "crm"}})
	if err != nil {
		t.Fatal(err)
	}
	tokens := auth.NewTokens(time.Minute)
	s, _, base := socketServer(t, func(c *api.Config) {
		c.Authenticator, c.Tokens = &auth.Callers{Keys: keys}, tokens
		c.SocketPing, c.SocketIdle = 100*time.Millisecond, time.Minute
	})
	silent := dialSocket(t, base, socketCRM)
	token, _ := tokens.Issue(policy.Caller{Application: "crm"})
	signed := dialSocket(t, base, socketCRM)
	signed.Send(`{"token":"` + token + `"}`)
	if code := silent.Closed(); code != websocket.StatusPolicyViolation {
		t.Fatalf("a socket that never authenticated closed with %d, want 1008", code)
	}
	time.Sleep(300 * time.Millisecond)
	if n := s.SocketsOpen(); n != 1 {
		t.Fatalf("%d sockets open, want the authenticated one", n)
	}
	if got := signed.Call("1", "interaction.getByInteractionId", `["1"]`); got["result"] == nil {
		t.Fatalf("the authenticated socket: %v", got)
	}
}
