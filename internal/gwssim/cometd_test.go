package gwssim

import (
	"encoding/json"
	"github.com/wwe-guard/wwe-guard/internal/gwssim/gwstest"
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
	a := gwstest.NewAgent(t, srv.URL)
	code := a.SignIn("JohnSmith")
	a.Do(http.MethodPost, "/workspace/v3/initialize-workspace?code="+code+"&redirect_uri="+redirectURI, "", nil)

	// The official client's handshake path and fields.
	body := `[{"id":"1","version":"1.0","minimumVersion":"1.0","channel":"/meta/handshake","supportedConnectionTypes":["long-polling","callback-polling"],"advice":{"timeout":60000,"interval":0}}]`
	status, out, h := a.Do(http.MethodPost, "/workspace/v3/notifications/handshake", "application/json;charset=UTF-8", []byte(body))
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
	a.ClientID = hs[0].ClientID

	// The official client subscribes at /notifications/ (trailing slash);
	// the initialization message comes back in that very reply.
	msgs := a.Bayeux("/", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelInitialization})
	if len(msgs) != 2 || msgs[0].Channel != workspace.MetaSubscribe || !*msgs[0].Successful {
		t.Fatalf("subscribe reply: %+v", msgs)
	}
	init := gwstest.Find(t, msgs, workspace.ChannelInitialization)
	user := init["data"].(map[string]any)["user"].(map[string]any)
	if init["messageType"] != "WorkspaceInitializationComplete" || init["state"] != "Complete" ||
		user["agentLogin"] != "7001" || user["employeeId"] != "JohnSmith" || user["defaultPlace"] != "Place_7001" ||
		init["data"].(map[string]any)["configuration"] == nil {
		t.Errorf("initialization: %v", init)
	}
}

func TestDeliversOnlySubscribedChannels(t *testing.T) {
	t.Parallel()
	srv, a := startAgent(t, Config{Advice: 200 * time.Millisecond}, workspace.ChannelVoice)
	a.Connect() // drain DnStateChanged
	gwstest.SimPost(t, srv.URL, "/sim/offer", `{"agent":"JohnSmith"}`)
	if msgs := a.Connect(); len(msgs) != 0 {
		t.Errorf("media messages reached a client subscribed to voice only: %+v", msgs)
	}
	// Queued messages come back in the reply to the next message, here a subscribe.
	gwstest.SimPost(t, srv.URL, "/sim/ring", `{"agent":"JohnSmith"}`)
	msgs := a.Bayeux("/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: "/workspace/v3/media/*"})
	if call := gwstest.Find(t, msgs, workspace.ChannelVoice); call["messageType"] != "CallStateChanged" {
		t.Errorf("subscribe reply: %v", call)
	}
	gwstest.SimPost(t, srv.URL, "/sim/offer", `{"agent":"JohnSmith","mediatype":"email"}`)
	if got := a.Connect(); len(got) != 1 || got[0].Channel != "/workspace/v3/media/email" {
		t.Errorf("with /workspace/v3/media/*: %+v", got)
	}
}

func TestConnectIsHeldUntilAMessageOrTheAdvice(t *testing.T) {
	t.Parallel()
	srv, a := startAgent(t, Config{Advice: 3 * time.Second}, workspace.ChannelVoice)
	a.Connect()
	// The official client's first connect asks for an immediate answer.
	start := time.Now()
	zero := int64(0)
	a.Bayeux("/connect", workspace.Message{Channel: workspace.MetaConnect, Advice: &workspace.Advice{Timeout: &zero}})
	if d := time.Since(start); d > time.Second {
		t.Errorf("advice timeout 0 held %v", d)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		gwstest.SimPost(t, srv.URL, "/sim/ring", `{"agent":"JohnSmith"}`)
	}()
	start = time.Now()
	msgs := a.Connect()
	if d := time.Since(start); d > 2*time.Second || len(msgs) != 1 {
		t.Errorf("held connect: %v, %+v", d, msgs)
	}
}

func TestConnectEndsWithTheAdvice(t *testing.T) {
	t.Parallel()
	_, a := startAgent(t, Config{Advice: 150 * time.Millisecond}, workspace.ChannelVoice)
	a.Connect()
	start := time.Now()
	msgs := a.Bayeux("/connect", workspaceConnect())
	if d := time.Since(start); d < 100*time.Millisecond || len(msgs) != 1 || !*msgs[0].Successful || *msgs[0].Advice.Timeout != 150 {
		t.Errorf("after %v: %+v", d, msgs)
	}
}

func TestUnknownClientIsToldToHandshake(t *testing.T) {
	t.Parallel()
	_, a := startAgent(t, Config{}, workspace.ChannelVoice)
	for _, path := range []string{"/connect", "/subscribe"} {
		a.ClientID = strings.Repeat("0", 40)
		m := workspaceConnect()
		if path == "/subscribe" {
			m = workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelVoice}
		}
		msgs := a.Bayeux(path, m)
		if len(msgs) != 1 || *msgs[0].Successful || msgs[0].Error != "402::session_unknown" ||
			msgs[0].Advice == nil || msgs[0].Advice.Reconnect != "handshake" {
			t.Errorf("%s with an unknown clientId: %+v", path, msgs)
		}
	}
	a.Handshake()
	if msgs := a.Bayeux("/disconnect", workspace.Message{Channel: workspace.MetaDisconnect}); len(msgs) != 1 || !*msgs[0].Successful {
		t.Errorf("disconnect: %+v", msgs)
	}
	if msgs := a.Bayeux("/connect", workspaceConnect()); msgs[0].Error != "402::session_unknown" {
		t.Errorf("connect after disconnect: %+v", msgs)
	}
}

func TestHandshakeWithoutASessionFails(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	msgs := a.Bayeux("/handshake", workspace.Message{Channel: workspace.MetaHandshake})
	if len(msgs) != 1 || *msgs[0].Successful || msgs[0].ClientID != "" {
		t.Errorf("handshake without a session: %+v", msgs)
	}
	status, body, _ := a.Do(http.MethodPost, "/workspace/v3/notifications/connect", "application/json", []byte(`[{"channel":`))
	if status != http.StatusBadRequest || gwstest.MustEnvelope(t, body).Status.Code != 400 {
		t.Errorf("malformed Bayeux: %d %s", status, body)
	}
}

func TestSlowClientIsDropped(t *testing.T) {
	t.Parallel()
	srv, a := startAgent(t, Config{MaxQueue: 3}, workspace.ChannelVoice)
	for range 4 {
		gwstest.SimPost(t, srv.URL, "/sim/ring", `{"agent":"JohnSmith"}`)
	}
	if msgs := a.Bayeux("/connect", workspaceConnect()); msgs[0].Error != "402::session_unknown" {
		t.Errorf("a client past MaxQueue: %+v", msgs)
	}
}
