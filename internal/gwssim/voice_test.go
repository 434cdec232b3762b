package gwssim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/gwssim/gwstest"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// ringing starts an agent, rings a call with userData and returns the
// client and the call's id.
func ringing(t *testing.T, srv *httptest.Server, a *gwstest.Agent, activateExtra, userData string) string {
	t.Helper()
	a.Start("JohnSmith", activateExtra, workspace.ChannelVoice)
	a.Connect()
	ids := gwstest.SimPost(t, srv.URL, "/sim/ring", `{"agent":"JohnSmith","userData":`+userData+`}`)
	if len(ids) != 1 {
		t.Fatalf("ring: %v", ids)
	}
	return ids[0]
}

// calls are the CallStateChanged notifications now queued:
// (notificationType, call) each.
func calls(a *gwstest.Agent) []map[string]any {
	a.TB.Helper()
	var out []map[string]any
	for _, d := range gwstest.DataOf(a.TB, a.Connect()) {
		if d["messageType"] == "CallStateChanged" {
			out = append(out, d)
		}
	}
	return out
}

// sessionCalls is current-session's activeSession.calls.
func sessionCalls(a *gwstest.Agent) []map[string]any {
	a.TB.Helper()
	status, body, _ := a.Do(http.MethodGet, "/workspace/v3/current-session", "", nil)
	var cs struct {
		Data struct {
			User struct {
				ActiveSession struct {
					AutoCompleteCall bool             `json:"autoCompleteCall"`
					Calls            []map[string]any `json:"calls"`
				} `json:"activeSession"`
			} `json:"user"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &cs); status != http.StatusOK || err != nil {
		a.TB.Fatalf("current-session: %d %s", status, body)
	}
	return cs.Data.User.ActiveSession.Calls
}

func TestVoiceUserDataWrites(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	id := ringing(t, srv, a, "", `[{"key":"CaseId","type":"str","value":"CASE-001"}]`)
	if got := calls(a); len(got) != 1 || got[0]["call"].(map[string]any)["state"] != Ringing {
		t.Fatalf("ring notification: %v", got)
	}
	env := a.MustOK("/voice/calls/"+id+"/answer", `{"operationId":"op-ans-1"}`)
	if env.OperationID != "op-ans-1" || env.Status.Code != 1 {
		t.Errorf("answer reply %+v", env)
	}
	if got := calls(a); got[0]["operationId"] != "op-ans-1" || got[0]["call"].(map[string]any)["state"] != Established {
		t.Errorf("answer notification %v", got)
	}
	steps := []struct {
		path, body, want string
	}{
		{"attach-user-data", `{"data":{"userData":[{"key":"A","type":"str","value":"a"},{"key":"CaseId","type":"str","value":"CASE-002"}]}}`,
			`[{"key":"CaseId","type":"str","value":"CASE-001"},{"key":"A","type":"str","value":"a"},{"key":"CaseId","type":"str","value":"CASE-002"}]`},
		{"update-user-data", `{"operationId":"op-upd-1","data":{"userData":[{"key":"CaseId","type":"str","value":"CASE-003"},{"key":"N","type":"int","value":7}]}}`,
			`[{"key":"CaseId","type":"str","value":"CASE-003"},{"key":"A","type":"str","value":"a"},{"key":"N","type":"int","value":7}]`},
		{"delete-user-data-pair", `{"data":{"key":"A"}}`,
			`[{"key":"CaseId","type":"str","value":"CASE-003"},{"key":"N","type":"int","value":7}]`},
	}
	for _, st := range steps {
		a.MustOK("/voice/calls/"+id+"/"+st.path, st.body)
		got := calls(a)
		if len(got) != 1 || got[0]["notificationType"] != "AttachedDataChanged" {
			t.Fatalf("%s: notifications %v", st.path, got)
		}
		if ud := testkit.JSON(t, got[0]["call"].(map[string]any)["userData"]); ud != st.want {
			t.Errorf("%s: notified userData\n got %s\nwant %s", st.path, ud, st.want)
		}
		if ud := testkit.JSON(t, sessionCalls(a)[0]["userData"]); ud != st.want {
			t.Errorf("%s: current-session userData\n got %s\nwant %s", st.path, ud, st.want)
		}
	}
}

func TestVoiceRefusals(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	id := ringing(t, srv, a, "", `[]`)
	calls(a)
	tests := []struct {
		path, body string
		status     int
	}{
		{"/voice/calls/nosuchcall/answer", `{}`, http.StatusNotFound},
		{"/voice/calls/" + id + "/update-user-data", `{"data":{"userData":[{"key":"A","type":"str","value":"a"}]`, http.StatusBadRequest},
		{"/voice/calls/" + id + "/update-user-data", `{}`, http.StatusBadRequest},
		{"/voice/calls/" + id + "/update-user-data", `{"data":{"userData":[{"key":"A","type":"int","value":"a"}]}}`, http.StatusBadRequest},
		{"/voice/calls/" + id + "/delete-user-data-pair", `{"key":"A"}`, http.StatusBadRequest}, // the simulator's shape, not the client's
		{"/voice/calls/" + id + "/hold", `{}`, http.StatusConflict},                             // still Ringing
		{"/voice/calls/" + id + "/complete", `{"data":{"userData":[]}}`, http.StatusConflict},   // not Released
		{"/voice/calls/" + id + "/no-such-operation", `{}`, http.StatusNotFound},
		{"/voice/make-call", `{"data":{}}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		status, env := a.Post(tt.path, tt.body)
		if status != tt.status || env.Status.Code != tt.status || env.Status.Message == "" {
			t.Errorf("POST %s %s: %d %+v, want %d", tt.path, tt.body, status, env, tt.status)
		}
	}
	if got := calls(a); len(got) != 0 {
		t.Errorf("refused calls published %v", got)
	}
	b := gwstest.NewAgent(t, srv.URL)
	if status, env := b.Post("/voice/calls/"+id+"/answer", `{}`); status != http.StatusUnauthorized || env.Status.Code != 401 {
		t.Errorf("without a session: %d %+v", status, env)
	}
}

func TestReleaseHonoursAutoCompleteCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, extra string
		states      []string
		listed      bool
	}{
		{"default", ``, []string{Released, Completed}, false},
		{"true", `,"autoCompleteCall":true`, []string{Released, Completed}, false},
		{"false", `,"autoCompleteCall":false`, []string{Released}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, srv := newSim(t, Config{})
			a := gwstest.NewAgent(t, srv.URL)
			id := ringing(t, srv, a, tt.extra, `[]`)
			a.MustOK("/voice/calls/"+id+"/answer", `{}`)
			calls(a)
			a.MustOK("/voice/calls/"+id+"/release", `{}`)
			var states []string
			for _, n := range calls(a) {
				states = append(states, n["call"].(map[string]any)["state"].(string))
			}
			if !cmp.Equal(states, tt.states) {
				t.Errorf("states %v, want %v", states, tt.states)
			}
			if listed := len(sessionCalls(a)) == 1; listed != tt.listed {
				t.Errorf("listed in current-session after release: %v, want %v", listed, tt.listed)
			}
		})
	}
}

func TestCompleteAppliesUserDataThenCompletes(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	id := ringing(t, srv, a, `,"autoCompleteCall":false`, `[{"key":"CaseId","type":"str","value":"C1"}]`)
	a.MustOK("/voice/calls/"+id+"/answer", `{}`)
	a.MustOK("/voice/calls/"+id+"/release", `{}`)
	calls(a)
	a.MustOK("/voice/calls/"+id+"/complete", `{"operationId":"op-done","data":{"userData":[{"key":"DispositionCode","type":"str","value":"Resolved"}]}}`)
	got := calls(a)
	if len(got) != 2 || got[0]["notificationType"] != "AttachedDataChanged" || got[1]["operationId"] != "op-done" {
		t.Fatalf("complete notifications: %v", got)
	}
	final := got[1]["call"].(map[string]any)
	if final["state"] != Completed || !strings.Contains(testkit.JSON(t, final["userData"]), `"DispositionCode"`) {
		t.Errorf("completed call %v", final)
	}
	if calls := sessionCalls(a); len(calls) != 0 {
		t.Errorf("a completed call is still listed: %v", calls)
	}
	if status, _ := a.Post("/voice/calls/"+id+"/complete", `{"data":{"userData":[]}}`); status != http.StatusNotFound {
		t.Errorf("complete of a completed call: %d", status)
	}
}

func TestConsultCarriesUserData(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	id := ringing(t, srv, a, "", `[]`)
	a.MustOK("/voice/calls/"+id+"/answer", `{}`)
	calls(a)
	a.MustOK("/voice/calls/"+id+"/initiate-transfer", `{"data":{"destination":"7002","userData":[{"key":"Why","type":"str","value":"billing"}]}}`)
	got := calls(a)
	if len(got) != 3 {
		t.Fatalf("notifications %v", got)
	}
	parent, consult := got[0]["call"].(map[string]any), got[2]["call"].(map[string]any)
	if parent["state"] != Held || consult["callType"] != "Consult" || consult["parentConnId"] != id || consult["state"] != Established ||
		testkit.JSON(t, consult["userData"]) != `[{"key":"Why","type":"str","value":"billing"}]` {
		t.Errorf("parent %v\nconsult %v", parent, consult)
	}
	a.MustOK("/voice/calls/"+consult["id"].(string)+"/complete-transfer", `{"data":{"parentConnId":"`+id+`"}}`)
	if calls := sessionCalls(a); len(calls) != 0 {
		t.Errorf("after the transfer: %v", calls)
	}
}

func TestSingleStepTransferAndMakeCallCarryUserData(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	a := gwstest.NewAgent(t, srv.URL)
	a.Start("JohnSmith", `,"autoCompleteCall":false`, workspace.ChannelVoice)
	a.Connect()
	a.MustOK("/voice/make-call", `{"data":{"destination":"+15550001","userData":[{"key":"Campaign","type":"str","value":"X"}]}}`)
	got := calls(a)
	if len(got) != 2 || got[1]["call"].(map[string]any)["state"] != Established || !strings.Contains(testkit.JSON(t, got[1]["call"]), `"Campaign"`) {
		t.Fatalf("make-call: %v", got)
	}
	id := got[1]["call"].(map[string]any)["id"].(string)
	a.MustOK("/voice/calls/"+id+"/single-step-transfer", `{"data":{"destination":"7002","userData":[{"key":"Campaign","type":"str","value":"Y"}]}}`)
	listed := sessionCalls(a)
	if len(listed) != 1 || listed[0]["state"] != Released || testkit.JSON(t, listed[0]["userData"]) != `[{"key":"Campaign","type":"str","value":"Y"}]` {
		t.Errorf("after single-step-transfer: %v", listed)
	}
	calls(a)
	a.MustOK("/voice/send-user-event", `{"data":{"userData":[{"key":"GSW_USER_EVENT","type":"str","value":"x"}]}}`)
	if ev := gwstest.Find(t, a.Connect(), workspace.ChannelVoice); ev["messageType"] != "EventUserEvent" {
		t.Errorf("send-user-event: %v", ev)
	}
}
