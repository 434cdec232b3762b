package gwssim

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

func workspaceConnect() workspace.Message {
	return workspace.Message{Channel: workspace.MetaConnect, ConnectionType: "long-polling"}
}

func TestHandshakeAndQueuedDeliveryIntoSubscribe(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{Advice: 250 * time.Millisecond})
	a := newAgentClient(t, srv)
	code := a.signIn("JohnSmith")
	a.do(http.MethodPost, "/workspace/v3/initialize-workspace?code="+code+"&redirect_uri="+redirectURI, "", nil)

	// The official client's handshake path and fields.
	body := `[{"id":"1","version":"1.0","minimumVersion":"1.0","channel":"/meta/handshake","supportedConnectionTypes":["long-polling","callback-polling"],"advice":{"timeout":60000,"interval":0}}]`
	status, out, h := a.do(http.MethodPost, "/workspace/v3/notifications/handshake", "application/json;charset=UTF-8", []byte(body))
	var hs []workspace.Message
	if err := json.Unmarshal(out, &hs); status != http.StatusOK || err != nil || len(hs) != 1 {
		t.Fatalf("handshake: %d %s", status, out)
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(hs[0].ClientID) || *hs[0].Advice.Timeout != 250 || hs[0].Advice.Reconnect != "retry" {
		t.Errorf("handshake reply %s", out)
	}
	if !strings.Contains(h.Get("Set-Cookie"), "BAYEUX_BROWSER=") {
		t.Errorf("no BAYEUX_BROWSER cookie: %v", h)
	}
	a.clientID = hs[0].ClientID

	// The official client subscribes at /notifications/ (trailing slash);
	// the initialization message comes back in that very reply.
	msgs := a.bayeux("/", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelInitialization})
	if len(msgs) != 2 || msgs[0].Channel != workspace.MetaSubscribe || !*msgs[0].Successful {
		t.Fatalf("subscribe reply: %+v", msgs)
	}
	init := find(t, msgs, workspace.ChannelInitialization)
	user := init["data"].(map[string]any)["user"].(map[string]any)
	if init["messageType"] != "WorkspaceInitializationComplete" || init["state"] != "Complete" ||
		user["agentLogin"] != "7001" || user["employeeId"] != "JohnSmith" || user["defaultPlace"] != "Place_7001" ||
		init["data"].(map[string]any)["configuration"] == nil {
		t.Errorf("initialization: %v", init)
	}
}

func TestDeliversOnlySubscribedChannels(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{Advice: 200 * time.Millisecond})
	a := newAgentClient(t, srv)
	a.start("JohnSmith", "", workspace.ChannelVoice)
	a.connect() // drain DnStateChanged
	simPost(t, srv, "/sim/offer", `{"agent":"JohnSmith"}`)
	if msgs := a.connect(); len(msgs) != 0 {
		t.Errorf("media messages reached a client subscribed to voice only: %+v", msgs)
	}
	// Queued messages come back in the reply to the next message, here a subscribe.
	simPost(t, srv, "/sim/ring", `{"agent":"JohnSmith"}`)
	msgs := a.bayeux("/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: "/workspace/v3/media/*"})
	if call := find(t, msgs, workspace.ChannelVoice); call["messageType"] != "CallStateChanged" {
		t.Errorf("subscribe reply: %v", call)
	}
	simPost(t, srv, "/sim/offer", `{"agent":"JohnSmith","mediatype":"email"}`)
	if got := a.connect(); len(got) != 1 || got[0].Channel != "/workspace/v3/media/email" {
		t.Errorf("with /workspace/v3/media/*: %+v", got)
	}
}

func TestConnectIsHeldUntilAMessageOrTheAdvice(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{Advice: 3 * time.Second})
	a := newAgentClient(t, srv)
	a.start("JohnSmith", "", workspace.ChannelVoice)
	a.connect()
	// The official client's first connect asks for an immediate answer.
	start := time.Now()
	zero := int64(0)
	a.bayeux("/connect", workspace.Message{Channel: workspace.MetaConnect, Advice: &workspace.Advice{Timeout: &zero}})
	if d := time.Since(start); d > time.Second {
		t.Errorf("advice timeout 0 held %v", d)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		simPost(t, srv, "/sim/ring", `{"agent":"JohnSmith"}`)
	}()
	start = time.Now()
	msgs := a.connect()
	if d := time.Since(start); d > 2*time.Second || len(msgs) != 1 {
		t.Errorf("held connect: %v, %+v", d, msgs)
	}
}

func TestConnectEndsWithTheAdvice(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{Advice: 150 * time.Millisecond})
	a := newAgentClient(t, srv)
	a.start("JohnSmith", "", workspace.ChannelVoice)
	a.connect()
	start := time.Now()
	msgs := a.bayeux("/connect", workspaceConnect())
	if d := time.Since(start); d < 100*time.Millisecond || len(msgs) != 1 || !*msgs[0].Successful || *msgs[0].Advice.Timeout != 150 {
		t.Errorf("after %v: %+v", d, msgs)
	}
}

func TestUnknownClientIsToldToHandshake(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := newAgentClient(t, srv)
	a.start("JohnSmith", "", workspace.ChannelVoice)
	for _, path := range []string{"/connect", "/subscribe"} {
		a.clientID = strings.Repeat("0", 40)
		m := workspaceConnect()
		if path == "/subscribe" {
			m = workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelVoice}
		}
		msgs := a.bayeux(path, m)
		if len(msgs) != 1 || *msgs[0].Successful || msgs[0].Error != "402::session_unknown" ||
			msgs[0].Advice == nil || msgs[0].Advice.Reconnect != "handshake" {
			t.Errorf("%s with an unknown clientId: %+v", path, msgs)
		}
	}
	a.handshake()
	if msgs := a.bayeux("/disconnect", workspace.Message{Channel: workspace.MetaDisconnect}); len(msgs) != 1 || !*msgs[0].Successful {
		t.Errorf("disconnect: %+v", msgs)
	}
	if msgs := a.bayeux("/connect", workspaceConnect()); msgs[0].Error != "402::session_unknown" {
		t.Errorf("connect after disconnect: %+v", msgs)
	}
}

func TestHandshakeWithoutASessionFails(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := newAgentClient(t, srv)
	msgs := a.bayeux("/handshake", workspace.Message{Channel: workspace.MetaHandshake})
	if len(msgs) != 1 || *msgs[0].Successful || msgs[0].ClientID != "" {
		t.Errorf("handshake without a session: %+v", msgs)
	}
	status, body, _ := a.do(http.MethodPost, "/workspace/v3/notifications/connect", "application/json", []byte(`[{"channel":`))
	if status != http.StatusBadRequest || mustEnvelope(t, body).Status.Code != 400 {
		t.Errorf("malformed Bayeux: %d %s", status, body)
	}
}

func TestSlowClientIsDropped(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{MaxQueue: 3})
	a := newAgentClient(t, srv)
	a.start("JohnSmith", "", workspace.ChannelVoice)
	for range 4 {
		simPost(t, srv, "/sim/ring", `{"agent":"JohnSmith"}`)
	}
	if msgs := a.bayeux("/connect", workspaceConnect()); msgs[0].Error != "402::session_unknown" {
		t.Errorf("a client past MaxQueue: %+v", msgs)
	}
}
