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

// received is how many requests the sim got on route (its template).
func received(t *testing.T, simURL, route string) int {
	t.Helper()
	var got struct {
		Counts map[string]int `json:"counts"`
	}
	r := send(t, http.MethodGet, simURL+"/sim/received", "")
	if err := json.Unmarshal([]byte(r.raw), &got); err != nil {
		t.Fatalf("sim/received: %v", err)
	}
	return got.Counts[route]
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
	for tries := 0; len(a.Connect()) == 0; tries++ { // until the ringing call is announced
		if tries == 5 {
			t.Fatal("the ringing call was never announced")
		}
	}
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
