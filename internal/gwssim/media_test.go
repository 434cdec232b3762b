package gwssim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/gwssim/gwstest"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// interactions are the InteractionStateChanged notifications now queued,
// with their channel.
func interactions(a *gwstest.Agent) ([]map[string]any, []string) {
	a.TB.Helper()
	var out []map[string]any
	var channels []string
	for _, m := range a.Connect() {
		d := gwstest.DataOf(a.TB, []workspace.Message{m})[0]
		if d["messageType"] == "InteractionStateChanged" {
			out, channels = append(out, d), append(channels, m.Channel)
		}
	}
	return out, channels
}

func TestWorkitemFlow(t *testing.T) {
	t.Parallel()
	srv, a := startAgent(t, Config{}, workspace.ChannelMedia, "/workspace/v3/media/workitem")
	a.Connect()
	ids := gwstest.SimPost(t, srv.URL, "/sim/offer", `{"agent":"JohnSmith","userData":[{"key":"WIKey","type":"str","value":"w"}]}`)
	if got, channels := interactions(a); len(got) != 2 || strings.Join(channels, " ") != "/workspace/v3/media /workspace/v3/media/workitem" ||
		got[0]["interaction"].(map[string]any)["state"] != Invited {
		t.Fatalf("offer: %v on %v", got, channels)
	}
	base := "/media/workitem/interactions/" + ids[0] + "/"
	if status, env := a.Post(base+"update-user-data", `{"data":{"userData":[]}}`); status != http.StatusConflict {
		t.Errorf("update on an Invited workitem: %d %+v", status, env)
	}
	a.MustOK(base+"accept", `{"operationId":"op-acc-1"}`)
	if got, _ := interactions(a); got[0]["operationId"] != "op-acc-1" || got[0]["interaction"].(map[string]any)["state"] != Processing {
		t.Errorf("accept: %v", got)
	}
	steps := []struct{ path, body, want string }{
		{"attach-user-data", `{"data":{"userData":[{"key":"WIKey","type":"str","value":"x"}]}}`,
			`[{"key":"WIKey","type":"str","value":"w"},{"key":"WIKey","type":"str","value":"x"}]`},
		{"update-user-data", `{"data":{"userData":[{"key":"WIKey","type":"str","value":"y"},{"key":"Other","type":"int","value":1}]}}`,
			`[{"key":"WIKey","type":"str","value":"y"},{"key":"Other","type":"int","value":1}]`},
		{"delete-user-data", `{"operationId":"op-del","data":{"keys":["WIKey"]}}`, `[{"key":"Other","type":"int","value":1}]`},
		{"place-in-queue", `{"data":{"queue":"Q","addedProperties":[{"key":"P","type":"str","value":"p"}],"deletedProperties":[{"key":"Other","type":"int","value":1}]}}`,
			`[{"key":"P","type":"str","value":"p"}]`},
	}
	for _, st := range steps {
		a.MustOK(base+st.path, st.body)
		got, _ := interactions(a)
		if len(got) < 2 || got[0]["notificationType"] != "PropertiesUpdated" {
			t.Fatalf("%s: %v", st.path, got)
		}
		if ud := testkit.JSON(t, got[0]["interaction"].(map[string]any)["userData"]); ud != st.want {
			t.Errorf("%s: notified\n got %s\nwant %s", st.path, ud, st.want)
		}
		if _, body, _ := a.Do(http.MethodGet, "/workspace/v3/current-session", "", nil); !strings.Contains(string(body), `"userData":`+st.want) {
			t.Errorf("%s: current-session does not list %s: %s", st.path, st.want, body)
		}
	}
	if status, _ := a.Post(base+"delete-user-data", `{"data":{"userData":[{"key":"P","type":"str","value":"p"}]}}`); status != http.StatusBadRequest {
		t.Errorf("delete-user-data in the simulator's shape: %d", status)
	}
	a.MustOK(base+"complete", `{"operationId":"op-done"}`)
	got, _ := interactions(a)
	if len(got) != 2 || got[0]["interaction"].(map[string]any)["state"] != Completed || got[0]["operationId"] != "op-done" {
		t.Errorf("complete: %v", got)
	}
	if _, body, _ := a.Do(http.MethodGet, "/workspace/v3/current-session", "", nil); strings.Contains(string(body), ids[0]) {
		t.Errorf("a completed workitem is still listed: %s", body)
	}
	if status, env := a.Post(base+"accept", `{}`); status != http.StatusNotFound || env.Status.Code != 404 {
		t.Errorf("unknown interaction: %d %+v", status, env)
	}
}

func TestOtherMediaRoutes(t *testing.T) {
	t.Parallel()
	srv, a := startAgent(t, Config{}, "/workspace/v3/media/**")
	a.Connect()
	email := gwstest.SimPost(t, srv.URL, "/sim/offer", `{"agent":"JohnSmith","mediatype":"email","subject":"Hi"}`)[0]
	chat := gwstest.SimPost(t, srv.URL, "/sim/offer", `{"agent":"JohnSmith","mediatype":"chat"}`)[0]
	wi := gwstest.SimPost(t, srv.URL, "/sim/offer", `{"agent":"JohnSmith"}`)[0]
	a.Connect()
	ud := `"userData":[{"key":"K","type":"str","value":"v"}]`
	for _, call := range []struct{ path, body string }{
		{"/media/email/interactions/" + email + "/reply", `{"data":{` + ud + `}}`},
		{"/media/email/interactions/" + email + "/forward", `{"data":{` + ud + `}}`},
		{"/media/email/interactions/create", `{"data":{` + ud + `}}`},
		{"/media/workitem/interactions/create", `{"data":{` + ud + `}}`},
		{"/media/chat/interactions/" + chat + "/send-custom-notification", `{"data":{` + ud + `}}`},
		{"/media/chat/interactions/" + chat + "/send-system-command", `{"data":{` + ud + `}}`},
		{"/media/chat/interactions/" + chat + "/leave", `{"data":{"afterAction":"ForceClose"}}`},
		{"/media-management/manage-user-data", `{"data":{"interactions":["` + wi + `"],"addedUserData":[{"key":"M","type":"str","value":"m"}]}}`},
		{"/media-management/complete", `{"data":{"interactions":["` + wi + `"]}}`},
		{"/ucs/interactions/" + wi + "/set-call-completed", `{"data":{"callDuration":5,` + ud + `}}`},
	} {
		if env := a.MustOK(call.path, call.body); env.Status.Code != 1 || env.OperationID == "" {
			t.Errorf("%s: %+v", call.path, env)
		}
	}
	_, body, _ := a.Do(http.MethodGet, "/workspace/v3/current-session", "", nil)
	if n := strings.Count(string(body), `"interactionType":"Outbound"`); n != 4 {
		t.Errorf("%d outbound interactions listed, want 4 (reply, forward, two creates): %s", n, body)
	}
	if strings.Contains(string(body), chat) || strings.Contains(string(body), wi) {
		t.Errorf("the left chat or the bulk-completed workitem is still listed: %s", body)
	}
}
