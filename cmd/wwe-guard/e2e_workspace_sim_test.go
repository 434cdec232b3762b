package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/gwssim"
	"github.com/wwe-guard/wwe-guard/internal/gwssim/gwstest"
	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// simOptions: Notes and DispositionCode may be written, Secret is never
// shown, and markdone needs a disposition.
const simOptions = `options:
  service-client-api.user-data.write-allowed: "Notes,DispositionCode"
  service-client-api.user-data.read-allowed: "Notes,DispositionCode,CaseId"
  interaction.disposition.is-mandatory: true
`

// guardOverSim starts the reference GWS and a guard of kind workspace in
// front of it; it returns the sim's URL and the guard's.
func guardOverSim(t *testing.T) (simURL, guardURL string) {
	t.Helper()
	sim := gwssim.New(gwssim.Config{Advice: 300 * time.Millisecond})
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	return srv.URL, startGuard(t, "--config", writeWorkspaceConfig(t, srv.URL, simOptions))
}

// counts are the requests the sim got, by route (its template).
func counts(t *testing.T, simURL string) map[string]int {
	t.Helper()
	var got struct {
		Counts map[string]int `json:"counts"`
	}
	r := send(t, http.MethodGet, simURL+"/sim/received", "")
	if err := json.Unmarshal([]byte(r.raw), &got); err != nil {
		t.Fatalf("sim/received: %v", err)
	}
	return got.Counts
}

// received is how many requests the sim got on route.
func received(t *testing.T, simURL, route string) int {
	t.Helper()
	return counts(t, simURL)[route]
}

// calls is how many v3 calls the sim got, CometD and reads left out.
func calls(t *testing.T, simURL string) int {
	t.Helper()
	n := 0
	for route, c := range counts(t, simURL) {
		if strings.HasPrefix(route, "POST /workspace/v3/") && !strings.Contains(route, "/notifications") {
			n += c
		}
	}
	return n
}

// announced long-polls until n state changes have come, or fails.
func announced(t *testing.T, a *gwstest.Agent, n int) {
	t.Helper()
	got := 0
	for tries := 0; got < n; tries++ {
		if tries == 10 {
			t.Fatalf("%d of %d announcements came", got, n)
		}
		got += len(a.Connect())
	}
}

// post is a v3 POST through a's session, answered as it came.
func post(a *gwstest.Agent, path, body string) (int, string) {
	status, out, _ := a.Do(http.MethodPost, workspace.BasePath+path, "application/json", []byte(body))
	return status, string(out)
}

// TestE2EWorkspaceDoorDecidesOverTheSim: an agent drives a call through
// the guard in front of the reference GWS. Each refusal is shown next to
// the same kind of call going through.
func TestE2EWorkspaceDoorDecidesOverTheSim(t *testing.T) {
	t.Parallel()
	simURL, base := guardOverSim(t)
	a := gwstest.NewAgent(t, base)
	a.Start("JohnSmith", "", workspace.ChannelVoice)
	ids := gwstest.SimPost(t, simURL, "/sim/ring", `{"agent":"JohnSmith","userData":[{"key":"Secret","type":"str","value":"s3"},{"key":"CaseId","type":"str","value":"C-1"}]}`)
	if len(ids) != 1 {
		t.Fatalf("ring placed %v", ids)
	}
	call := "/voice/calls/" + ids[0]

	// The ringing call reaches the client without the key it may not read.
	var seen string
	for i := 0; i < 5 && !strings.Contains(seen, "C-1"); i++ {
		raw, _ := json.Marshal(a.Connect())
		seen = string(raw)
	}
	if !strings.Contains(seen, "C-1") || strings.Contains(seen, "Secret") || strings.Contains(seen, "s3") {
		t.Errorf("the notification as the client reads it: %s", seen)
	}
	a.MustOK(call+"/answer", `{}`)

	// An allowed key is stored; a refused one never reaches the sim.
	a.MustOK(call+"/update-user-data", `{"data":{"userData":[{"key":"Notes","type":"str","value":"ok"}]}}`)
	updates := "POST /workspace/v3/voice/calls/{id}/update-user-data"
	if n := received(t, simURL, updates); n != 1 {
		t.Errorf("the sim received %d update-user-data, want the allowed one", n)
	}
	status, body := post(a, call+"/update-user-data", `{"data":{"userData":[{"key":"SSN","type":"str","value":"1"}]}}`)
	if status != http.StatusForbidden || !strings.Contains(body, `"USER_DATA_WRITE_NOT_ALLOWED"`) || !strings.Contains(body, `"deniedKeys":["SSN"]`) {
		t.Errorf("refused key: %d %s", status, body)
	}
	status, body = post(a, "/voice/make-call", `{"data":{"destination":"5551","userData":[{"key":"SSN","type":"str","value":"1"}]}}`)
	if status != http.StatusForbidden || !strings.Contains(body, `"SSN"`) {
		t.Errorf("make-call carrying a refused key: %d %s", status, body)
	}
	if n := received(t, simURL, updates); n != 1 || received(t, simURL, "POST /workspace/v3/voice/make-call") != 0 {
		t.Errorf("a refused call reached the sim")
	}

	// The release does not complete the call (the guard holds
	// auto-completion), and complete is held until a disposition is set.
	a.MustOK(call+"/release", `{}`)
	status, body = post(a, call+"/complete", `{"data":{"userData":[]}}`)
	if status != http.StatusConflict || !strings.Contains(body, `"MARKDONE_BLOCKED"`) || !strings.Contains(body, `"warningMessages"`) {
		t.Errorf("complete without a disposition: %d %s", status, body)
	}
	if n := received(t, simURL, "POST /workspace/v3/voice/calls/{id}/complete"); n != 0 {
		t.Errorf("a blocked complete reached the sim")
	}
	a.MustOK(call+"/complete", `{"data":{"userData":[{"key":"DispositionCode","type":"str","value":"Resolved"}]}}`)
	if n := received(t, simURL, "POST /workspace/v3/voice/calls/{id}/complete"); n != 1 {
		t.Errorf("the allowed complete reached the sim %d times", n)
	}
}

// TestE2EWorkspaceDoorDropsStateOnLogout: the guard decides writes on what
// it learned of the session; after the session's logout it knows nothing
// of it, so its next call for that session reads current-session afresh.
func TestE2EWorkspaceDoorDropsStateOnLogout(t *testing.T) {
	t.Parallel()
	simURL, base := guardOverSim(t)
	a := gwstest.NewAgent(t, base)
	a.Start("JaneDoe", "", workspace.ChannelVoice)
	id := gwstest.SimPost(t, simURL, "/sim/ring", `{"agent":"JaneDoe"}`)[0]
	announced(t, a, 1)
	reads := "GET /workspace/v3/current-session"
	before := received(t, simURL, reads)
	a.MustOK("/voice/calls/"+id+"/update-user-data", `{"data":{"userData":[{"key":"Notes","type":"str","value":"1"}]}}`)
	if n := received(t, simURL, reads); n != before {
		t.Fatalf("a write on a call the guard has seen read current-session (%d → %d)", before, n)
	}
	cookie := ""
	for _, c := range a.Cookies(base) {
		if c.Name == "WORKSPACE_SESSIONID" {
			cookie = c.Name + "=" + c.Value
		}
	}
	a.Do(http.MethodPost, workspace.BasePath+"/logout", "application/json", nil)
	send(t, http.MethodPost, base+workspace.BasePath+"/voice/calls/"+id+"/update-user-data",
		`{"data":{"userData":[{"key":"Notes","type":"str","value":"2"}]}}`, "Cookie", cookie)
	if n := received(t, simURL, reads); n != before+1 {
		t.Errorf("after logout the guard read current-session %d times, want once", n-before)
	}
}

// TestE2EWorkspaceDoorDecidesEveryRoute: each decided route of DESIGN
// §8.1's table refuses a key the policies deny, and the sim never receives
// it; the same route with an allowed key, where the sim serves it, goes
// through. A media interaction's complete is held until its disposition.
func TestE2EWorkspaceDoorDecidesEveryRoute(t *testing.T) {
	t.Parallel()
	simURL, base := guardOverSim(t)
	a := gwstest.NewAgent(t, base)
	a.Start("JohnSmith", "", workspace.ChannelVoice, workspace.ChannelMedia)
	call := "/voice/calls/" + gwstest.SimPost(t, simURL, "/sim/ring", `{"agent":"JohnSmith"}`)[0]
	item := "/media/workitem/interactions/" + gwstest.SimPost(t, simURL, "/sim/offer", `{"agent":"JohnSmith"}`)[0]
	announced(t, a, 2)
	a.MustOK(call+"/answer", `{}`)
	a.MustOK(item+"/accept", `{}`)

	kv := func(key string) string { return `[{"key":"` + key + `","type":"str","value":"v"}]` }
	for _, tc := range []struct{ path, body string }{
		{call + "/attach-user-data", `{"data":{"userData":%s}}`},
		{call + "/update-user-data", `{"data":{"userData":%s}}`},
		{call + "/initiate-transfer", `{"data":{"destination":"7002","userData":%s}}`},
		{call + "/initiate-conference", `{"data":{"destination":"7002","userData":%s}}`},
		{call + "/single-step-transfer", `{"data":{"destination":"7002","userData":%s}}`},
		{call + "/single-step-conference", `{"data":{"destination":"7002","userData":%s}}`},
		{"/voice/make-call", `{"data":{"destination":"5551","userData":%s}}`},
		{"/voice/send-user-event", `{"data":{"userData":%s}}`},
		{item + "/attach-user-data", `{"data":{"userData":%s}}`},
		{item + "/update-user-data", `{"data":{"userData":%s}}`},
		{item + "/place-in-queue", `{"data":{"queue":"Q","addedProperties":%s}}`},
		{"/media/workitem/interactions/create", `{"data":{"queue":"Q","userData":%s}}`},
		{"/media-management/manage-user-data", `{"data":{"addedUserData":%s}}`},
	} {
		before := calls(t, simURL)
		status, body := post(a, tc.path, strings.Replace(tc.body, "%s", kv("SSN"), 1))
		if status != http.StatusForbidden || !strings.Contains(body, `"deniedKeys":["SSN"]`) {
			t.Errorf("%s with SSN: %d %s", tc.path, status, body)
		}
		if n := calls(t, simURL); n != before {
			t.Errorf("%s with SSN reached the sim", tc.path)
		}
	}
	for _, path := range []string{call + "/delete-user-data-pair", item + "/delete-user-data"} {
		body := `{"data":{"key":"SSN"}}`
		if strings.HasSuffix(path, "/delete-user-data") {
			body = `{"data":{"keys":["SSN"]}}`
		}
		if status, out := post(a, path, body); status != http.StatusForbidden || !strings.Contains(out, `"deniedKeys":["SSN"]`) {
			t.Errorf("%s of SSN: %d %s", path, status, out)
		}
	}
	a.MustOK(item+"/update-user-data", `{"data":{"userData":`+kv("Notes")+`}}`)

	// A workitem is the main case interaction: its complete needs a disposition.
	if status, body := post(a, item+"/complete", `{}`); status != http.StatusConflict || !strings.Contains(body, "MARKDONE_BLOCKED") {
		t.Errorf("media complete without a disposition: %d %s", status, body)
	}
	status, body := post(a, "/media-management/complete", `{"data":{"interactions":["`+strings.TrimPrefix(item, "/media/workitem/interactions/")+`"]}}`)
	if status != http.StatusConflict || !strings.Contains(body, "MARKDONE_BLOCKED") {
		t.Errorf("bulk complete without a disposition: %d %s", status, body)
	}
	if status, body := post(a, "/media-management/complete", `{"data":{"interactions":["nosuch"]}}`); status != http.StatusNotFound {
		t.Errorf("bulk complete of an interaction GWS does not list: %d %s", status, body)
	}
	a.MustOK(item+"/update-user-data", `{"data":{"userData":[{"key":"DispositionCode","type":"str","value":"Done"}]}}`)
	a.MustOK(item+"/complete", `{}`)
	if n := received(t, simURL, "POST /workspace/v3/media/{mediatype}/interactions/{id}/complete"); n != 1 {
		t.Errorf("the sim received %d media completes, want the allowed one", n)
	}
}

// TestE2EWorkspaceDoorSessionsNeverMix: what one agent's session taught the
// guard is never used for another's: another agent cannot mark done a call
// GWS does not list for them.
func TestE2EWorkspaceDoorSessionsNeverMix(t *testing.T) {
	t.Parallel()
	simURL, base := guardOverSim(t)
	john, jane := gwstest.NewAgent(t, base), gwstest.NewAgent(t, base)
	john.Start("JohnSmith", "", workspace.ChannelVoice)
	jane.Start("JaneDoe", "", workspace.ChannelVoice)
	call := "/voice/calls/" + gwstest.SimPost(t, simURL, "/sim/ring", `{"agent":"JohnSmith"}`)[0]
	announced(t, john, 1)
	done := `{"data":{"userData":[{"key":"DispositionCode","type":"str","value":"x"}]}}`
	if status, body := post(jane, call+"/complete", done); status != http.StatusNotFound || !strings.Contains(body, "INTERACTION_NOT_FOUND") {
		t.Errorf("another agent's complete: %d %s", status, body)
	}
	john.MustOK(call+"/answer", `{}`)
	john.MustOK(call+"/release", `{}`)
	john.MustOK(call+"/complete", done)
}

// TestE2EWorkspaceDoorReleaseIsMarkdoneWithoutTheHold: with
// holdAutoComplete off the door leaves activate-channels alone, and a
// release that GWS would complete by itself is decided as a markdone.
func TestE2EWorkspaceDoorReleaseIsMarkdoneWithoutTheHold(t *testing.T) {
	t.Parallel()
	sim := gwssim.New(gwssim.Config{Advice: 300 * time.Millisecond})
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	base := startGuard(t, "--config", writeWorkspaceConfig(t, srv.URL, simOptions+"workspace:\n  holdAutoComplete: false\n"))
	a := gwstest.NewAgent(t, base)
	a.Start("JohnSmith", "", workspace.ChannelVoice)
	call := "/voice/calls/" + gwstest.SimPost(t, srv.URL, "/sim/ring", `{"agent":"JohnSmith"}`)[0]
	announced(t, a, 1)
	a.MustOK(call+"/answer", `{}`)
	if status, body := post(a, call+"/release", `{}`); status != http.StatusConflict || !strings.Contains(body, "MARKDONE_BLOCKED") {
		t.Errorf("a release that would complete the call, without a disposition: %d %s", status, body)
	}
	a.MustOK(call+"/update-user-data", `{"data":{"userData":[{"key":"DispositionCode","type":"str","value":"x"}]}}`)
	a.MustOK(call+"/release", `{}`)
}
