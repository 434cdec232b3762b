package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// TestE2EThreeDoors: for the same calls, the envelope door with /v1/events
// (one guard) and the SCAPI socket (another guard, same config and seed)
// give the same replies and the same events, in the same order.
func TestE2EThreeDoors(t *testing.T) {
	t.Parallel()
	const origin = "https://crm.example"
	options := e2eOptions + "  service-client-api.accepted-web-content-origins: \"" + origin + "\"\n"
	envelope := startGuard(t, "--config", writeConfig(t, options, ""))
	socket := startGuard(t, "--config", writeConfig(t, options, ""))
	events := openEvents(t, envelope+"/v1/events?subscribe=interaction,markdone", "Origin", origin)
	k := testkit.DialSocket(t, socket, "Origin", origin)
	k.Send(`{"event":"subscribe","data":["interaction","markdone"],"referenceId":"s","userAgent":"WWE Client","protocolVersion":2}`)
	if sub := k.Next(); sub["subscriptionId"] == nil {
		t.Fatalf("subscribe: %v", sub)
	}
	m := scrape(t, socket)
	if open, subs := series(m, "wwe_guard_scapi_sockets_open"), series(m, "wwe_guard_event_streams_open"); open != 1 || subs != 1 {
		t.Errorf("metrics: scapi_sockets_open %v, event_streams_open %v; want 1, 1", open, subs)
	}

	calls := []struct {
		request, params string
		events          int // the events the call causes
	}{
		{"interaction.getInteractions", `[]`, 0},
		{"interaction.getByInteractionId", `["1"]`, 0},
		{"interaction.getByInteractionId", `["404"]`, 0},
		{"interaction.setUserData", `["1",{"Notes":"called back"}]`, 1},
		{"interaction.setUserData", `["1",{"SSN":"078-05-1120"}]`, 0},
		{"interaction.setUserData", `["1",{"Notes":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":"deep"}}}}}}}}}}]`, 0},
		{"interaction.deleteUserData", `["1","Notes"]`, 1},
		{"interaction.markdone", `["1"]`, 1},
		{"interaction.blockMarkdone", `["1","wait for the survey"]`, 2},
		{"interaction.setUserData", `["1",{"DispositionCode":"Sale"}]`, 1},
		{"interaction.markdone", `["1"]`, 1},
		{"interaction.unblockMarkdone", `["1"]`, 2},
		{"interaction.markdone", `["1"]`, 1},
		{"interaction.accept", `["3"]`, 1},
		{"interaction.markdone", `["2"]`, 1},
		{"interaction.getByInteractionId", `[1]`, 0},
		{"interaction.nope", `[]`, 0},
		{"interaction.selectCaseByCaseId", `["case-2"]`, 2},
	}
	for i, c := range calls {
		ref := strconv.Itoa(i)
		msg := `{"request":"` + c.request + `","parameters":` + c.params + `,"referenceId":"` + ref + `","userAgent":"WWE Client","protocolVersion":2}`
		door := send(t, http.MethodPost, envelope+"/v1/scapi", msg, "Origin", origin)
		var onSocket map[string]any
		var socketEvents []map[string]any
		k.Send(msg)
		for onSocket == nil || len(socketEvents) < c.events {
			m := k.Next()
			if m["event"] != nil {
				socketEvents = append(socketEvents, m)
			} else {
				onSocket = m
			}
		}
		if a, b := withoutDecisionID(t, door.body), withoutDecisionID(t, onSocket); a != b {
			t.Errorf("%s %s:\n envelope %s\n socket   %s", c.request, c.params, a, b)
		}
		for j := range c.events {
			var streamed map[string]any
			select {
			case streamed = <-events.events:
			case <-time.After(10 * time.Second):
				t.Fatalf("%s %s: no event %d on /v1/events", c.request, c.params, j)
			}
			if a, b := withoutDecisionID(t, streamed), withoutDecisionID(t, socketEvents[j]); a != b {
				t.Errorf("%s %s: event %d:\n /v1/events %s\n socket     %s", c.request, c.params, j, a, b)
			}
		}
	}
	// Nothing more on either: the next event of each is the last write's.
	last := `{"request":"interaction.setUserData","parameters":["3",{"Notes":"end"}],"referenceId":"end"}`
	send(t, http.MethodPost, envelope+"/v1/scapi", last, "Origin", origin).expect(t, http.StatusOK, "")
	k.Send(last)
	for _, m := range []map[string]any{<-events.events, k.Next(), k.Next()} {
		if m["referenceId"] == "end" {
			continue
		}
		if it, _ := m["data"].(map[string]any)["interaction"].(map[string]any); it["interactionId"] != "3" {
			t.Errorf("an event beyond the calls': %v", m)
		}
	}
}

// withoutDecisionID is m as JSON without its decision id, which every
// decision has its own of.
func withoutDecisionID(t *testing.T, m map[string]any) string {
	t.Helper()
	delete(m, "decisionId")
	return testkit.JSON(t, m)
}

// TestE2ESocketAuth: with caller authentication, a browser's socket (no
// headers) authenticates with a token from POST /v1/scapi/token in its
// first message; a message before it is refused and the socket stays open,
// a bad token closes it (1008). A relay is a relay only when its token
// names the relay's application; a header credential works for a client
// that can send one.
func TestE2ESocketAuth(t *testing.T) {
	t.Parallel()
	const portal, crm = "https://portal.example", "https://crm.example"
	extra := "auth:\n  apiKeys:\n" +
		"    - {sha256: " + testkit.KeyHash("portal-key") + ", application: portal}\n" +
		"    - {sha256: " + testkit.KeyHash("crm-key") + ", application: crm}\n" +
		"scapi:\n  relays:\n    - {origin: \"" + portal + "\", application: portal}\n"
	options := e2eOptions + "  service-client-api.accepted-web-content-origins: \"" + crm + "\"\n"
	base := startGuard(t, "--config", writeConfig(t, options, extra))
	token := func(key string) string {
		return send(t, http.MethodPost, base+"/v1/scapi/token", "", "X-API-Key", key).expect(t, http.StatusOK, "").body["token"].(string)
	}
	stamped := func(ref string) string {
		return `{"request":"interaction.setUserData","parameters":["1",{"Notes":"` + ref + `"}],"referenceId":"` + ref + `","callerOrigin":"` + crm + `"}`
	}

	relay := testkit.DialSocket(t, base, "Origin", portal)
	relay.Send(stamped("early"))
	if got := relay.Next(); got["errorCode"] != "UNAUTHENTICATED" || got["referenceId"] != "early" {
		t.Fatalf("a message before the token: %v", got)
	}
	relay.Send(`{"token":"` + token("portal-key") + `"}`)
	relay.Send(stamped("1"))
	if got := relay.Next(); got["referenceId"] != "1" || got["errorCode"] != nil {
		t.Fatalf("the relay's stamped write: %v", got)
	}

	// The portal page with the CRM's token is no relay: its stamp is refused.
	impostor := testkit.DialSocket(t, base, "Origin", portal)
	impostor.Send(`{"token":"` + token("crm-key") + `"}`)
	impostor.Send(stamped("2"))
	if got := impostor.Next(); got["errorCode"] != "REQUEST_NOT_ALLOWED" {
		t.Fatalf("a stamp from a relay origin with another application's token: %v", got)
	}

	bad := testkit.DialSocket(t, base, "Origin", portal)
	bad.Send(`{"token":"bm90IGEgdG9rZW4.c2ln"}`)
	if got := bad.Next(); got["errorCode"] != "UNAUTHENTICATED" {
		t.Fatalf("a bad token: %v", got)
	}
	if code := bad.Closed(); code != websocket.StatusPolicyViolation {
		t.Fatalf("a bad token closed the socket with %d, want 1008", code)
	}

	direct := testkit.DialSocket(t, base, "Origin", crm, "X-API-Key", "crm-key")
	if got := direct.Call("3", "interaction.getByInteractionId", `["1"]`); got["result"] == nil {
		t.Fatalf("a header credential: %v", got)
	}
	if _, err := testkit.DialSocketRaw(base, "Origin", crm, "X-API-Key", "wrong"); err == nil || !strings.HasPrefix(err.Error(), "401") {
		t.Fatalf("a bad header credential at the handshake: %v, want 401", err)
	}
}

// TestSCAPIConfigRefused: a relay is an origin, named by its application
// exactly when caller authentication is configured; the socket's timings
// are positive. Every problem is reported at once by check and serve.
func TestSCAPIConfigRefused(t *testing.T) {
	t.Parallel()
	expectRefusedConfig(t, writeConfig(t, "", "scapi:\n  ping: 0s\n  relays:\n    - {origin: \"https://portal.example/path\"}\n    - {origin: \"portal.example\"}\n    - {origin: \"https://portal.example\", application: portal}\n"),
		`scapi.relays[0].origin: "https://portal.example/path" is not an origin`,
		`scapi.relays[1].origin: "portal.example" is not an origin`,
		"scapi.relays[2].application: only with caller authentication",
		"scapi.ping:")
	withAuth := "auth:\n  apiKeys:\n    - {sha256: " + testkit.KeyHash("k") + ", application: crm}\n"
	expectRefusedConfig(t, writeConfig(t, "", withAuth+"scapi:\n  relays:\n    - {origin: \"https://portal.example\"}\n"),
		"scapi.relays[0].application: required with caller authentication")
}

// TestE2ERelaysReload: scapi.relays is applied by a reload: a page origin
// the policies do not admit opens a socket only once it is listed, and
// its stamps count from then on.
func TestE2ERelaysReload(t *testing.T) {
	t.Parallel()
	const portal, crm = "https://portal.example", "https://crm.example"
	d := newReloadDir(t)
	config := func(relays string) string {
		c := d.config("Notes", relays)
		return strings.Replace(c, "options:\n", "options:\n  service-client-api.accepted-web-content-origins: \""+crm+"\"\n", 1)
	}
	mustWrite(t, d.cfg, config(""))
	base := startGuard(t, "--config", d.cfg)
	if _, err := testkit.DialSocketRaw(base, "Origin", portal); err == nil || !strings.HasPrefix(err.Error(), "403") {
		t.Fatalf("an unlisted page's handshake: %v, want 403", err)
	}
	replaceFile(t, d.cfg, config("scapi:\n  relays:\n    - {origin: \""+portal+"\"}\n"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := testkit.DialSocketRaw(base, "Origin", portal)
		if err == nil {
			conn.CloseNow()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the relay listed by the reload still cannot connect: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	relay := testkit.DialSocket(t, base, "Origin", portal)
	relay.Send(`{"request":"interaction.setUserData","parameters":["1",{"Notes":"relayed"}],"referenceId":"1","callerOrigin":"` + crm + `"}`)
	if got := relay.Next(); got["errorCode"] != nil {
		t.Fatalf("a stamped write through the reloaded relay: %v", got)
	}
}

// TestE2ERelayMarkdoneBlocks: through a relay, a markdone block belongs to
// (relay application, stamped origin) (DESIGN.md §2.5): another relay's
// frame of the same origin, a frame of another origin on the same relay,
// and the frame's origin calling directly cannot clear it; the frame
// itself can. The same with the embedded service and
// with the reference service over HTTP (X-Caller-Relayed).
func TestE2ERelayMarkdoneBlocks(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"embedded", "http"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			relayMarkdoneBlocks(t, kind)
		})
	}
}

func relayMarkdoneBlocks(t *testing.T, kind string) {
	const portal, portal2, crm, crm2 = "https://portal.example", "https://portal2.example", "https://crm.example", "https://crm2.example"
	extra := "auth:\n  apiKeys:\n" +
		"    - {sha256: " + testkit.KeyHash("portal-key") + ", application: portal}\n" +
		"    - {sha256: " + testkit.KeyHash("portal2-key") + ", application: portal2}\n" +
		"    - {sha256: " + testkit.KeyHash("crm-key") + ", application: crm}\n" +
		"scapi:\n  relays:\n    - {origin: \"" + portal + "\", application: portal}\n    - {origin: \"" + portal2 + "\", application: portal2}\n"
	options := e2eOptions + "  service-client-api.accepted-web-content-origins: \"" + crm + ", " + crm2 + "\"\n"
	cfg := writeConfig(t, options, extra)
	if kind == "http" {
		cfg = writeHTTPConfig(t, startUpstream(t).url, options, extra)
	}
	base := startGuard(t, "--config", cfg)
	relay := func(origin, key string) *testkit.Socket {
		token := send(t, http.MethodPost, base+"/v1/scapi/token", "", "X-API-Key", key).expect(t, http.StatusOK, "").body["token"].(string)
		k := testkit.DialSocket(t, base, "Origin", origin)
		k.Send(`{"token":"` + token + `"}`)
		return k
	}
	callAs := func(k *testkit.Socket, origin, ref, request, params string) map[string]any {
		k.Send(`{"request":"` + request + `","parameters":` + params + `,"referenceId":"` + ref + `","callerOrigin":"` + origin + `"}`)
		return k.Next()
	}
	call := func(k *testkit.Socket, ref, request, params string) map[string]any {
		return callAs(k, crm, ref, request, params)
	}
	blocks := func() []any {
		r := send(t, http.MethodGet, base+"/v1/interactions/1", "", "X-API-Key", "crm-key", "Origin", crm).expect(t, http.StatusOK, "")
		b, _ := r.body["markdoneBlocks"].([]any)
		return b
	}
	first, second := relay(portal, "portal-key"), relay(portal2, "portal2-key")
	if got := call(first, "1", "interaction.blockMarkdone", `["1","portal's survey"]`); got["errorCode"] != nil {
		t.Fatalf("block through the first relay: %v", got)
	}
	if got := call(second, "2", "interaction.unblockMarkdone", `["1"]`); got["errorCode"] != nil {
		t.Fatalf("unblock through the second relay: %v", got)
	}
	if got := callAs(first, crm2, "2b", "interaction.unblockMarkdone", `["1"]`); got["errorCode"] != nil {
		t.Fatalf("unblock through the first relay from another frame origin: %v", got)
	}
	send(t, http.MethodDelete, base+"/v1/interactions/1/markdone-block", "", "X-API-Key", "crm-key", "Origin", crm).expect(t, http.StatusOK, "")
	if b := blocks(); len(b) != 1 {
		t.Fatalf("another relay's frame, another frame of the relay or the origin's own caller cleared the block: %v", b)
	}
	if got := call(first, "3", "interaction.unblockMarkdone", `["1"]`); got["errorCode"] != nil {
		t.Fatalf("unblock through the first relay: %v", got)
	}
	if b := blocks(); len(b) != 0 {
		t.Fatalf("the owner's unblock left %v", b)
	}
}
