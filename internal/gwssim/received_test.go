package gwssim

import (
	"encoding/json"
	"github.com/wwe-guard/wwe-guard/internal/gwssim/gwstest"
	"net/http"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

func TestReceivedCountsEveryArrival(t *testing.T) {
	t.Parallel()
	s, srv := newSim(t, Config{MaxBody: 1024})
	a := gwstest.NewAgent(t, srv.URL)
	id := ringing(t, srv, a, "", `[]`)
	a.MustOK("/voice/calls/"+id+"/update-user-data", `{"data":{"userData":[{"key":"A","type":"str","value":"a"}]}}`)
	a.Post("/voice/calls/"+id+"/update-user-data", `{"data":`) // malformed, still received
	a.Post("/voice/calls/nosuch/update-user-data", `{}`)
	a.Post("/no/such/route", `{}`)
	if status, env := a.Post("/voice/calls/"+id+"/attach-user-data", `{"data":{"userData":[{"key":"A","type":"str","value":"`+strings.Repeat("x", 2000)+`"}]}}`); status != http.StatusRequestEntityTooLarge || env.Status.Code != 413 {
		t.Errorf("oversize body: %d %+v", status, env)
	}
	counts := s.Received()
	want := map[string]int{
		"POST /workspace/v3/voice/calls/{id}/update-user-data": 3,
		"POST /workspace/v3/voice/calls/{id}/attach-user-data": 1,
		"POST /workspace/v3/no/such/route":                     1,
		"POST /workspace/v3/initialize-workspace":              1,
		"POST /workspace/v3/notifications/":                    4, // handshake, two subscribes, connect: all under it
		"POST /workspace/v3/activate-channels":                 1,
		"POST /auth/v3/sign-in":                                1,
	}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d, want %d (all: %v)", k, counts[k], n, counts)
		}
	}
	if _, ok := counts["POST /sim/ring"]; ok {
		t.Error("the /sim endpoints are counted")
	}
	resp, err := http.Get(srv.URL + "/sim/received")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Counts map[string]int             `json:"counts"`
		Bodies map[string]json.RawMessage `json:"bodies"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Counts["POST /workspace/v3/voice/calls/{id}/update-user-data"] != 3 ||
		string(got.Bodies["POST /workspace/v3/voice/calls/{id}/update-user-data"]) != `{}` ||
		string(got.Bodies["POST /workspace/v3/no/such/route"]) != `""` {
		t.Errorf("GET /sim/received: %+v", got)
	}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/sim/received", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE /sim/received: %v", err)
	}
	if n := len(s.Received()); n != 0 {
		t.Errorf("%d keys after the reset", n)
	}
}

func TestUnmatchedKeysAreBounded(t *testing.T) {
	t.Parallel()
	rc := newReceived()
	for i := range maxUnmatchedKeys + 10 {
		rc.count("GET /x/"+strings.Repeat("y", i), nil, true)
	}
	if c := rc.counts(); len(c) != maxUnmatchedKeys+1 || c["OTHER"] != 10 {
		t.Errorf("%d keys, OTHER %d", len(c), c["OTHER"])
	}
}

func TestSimEndpointsRefuse(t *testing.T) {
	t.Parallel()
	_, srv := newSim(t, Config{})
	for _, tt := range []struct {
		path, body string
		status     int
	}{
		{"/sim/ring", `{"agent":"JohnSmith"}`, http.StatusNotFound}, // nobody activated
		{"/sim/ring", `{"userData":[{"key":"A","type":"int","value":"x"}]}`, http.StatusBadRequest},
		{"/sim/offer", `[`, http.StatusBadRequest},
	} {
		resp, err := http.Post(srv.URL+tt.path, "application/json", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		var env workspace.Envelope
		_ = json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		if resp.StatusCode != tt.status || env.Status.Code != tt.status {
			t.Errorf("%s %s: %d %+v", tt.path, tt.body, resp.StatusCode, env)
		}
	}
}
