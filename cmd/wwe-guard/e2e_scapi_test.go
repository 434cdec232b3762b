package main

import (
	"fmt"
	"net/http"
	"testing"
)

// TestE2ESCAPIEveryRequest drives every request name of the Interaction
// namespace through the envelope door, in an order that makes each succeed,
// and checks the service saw it through the REST door.
func TestE2ESCAPIEveryRequest(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	steps := []struct {
		request, params string
		check           func(reply)
	}{
		{"getInteractions", `[]`, nil},
		{"getByInteractionId", `["1"]`, nil},
		{"setUserData", `["1",{"Notes":"n","CustomerSegment":{"tier":2}}]`, nil},
		{"deleteUserData", `["1","Notes"]`, nil},
		{"blockMarkdone", `["1","Wait for the survey"]`, nil},
		{"unblockMarkdone", `["1"]`, nil},
		{"selectCaseByCaseId", `["case-3"]`, nil},
		{"accept", `["3"]`, func(r reply) {
			if r.body["result"].(map[string]any)["state"] != "TALKING" {
				t.Errorf("accept: %s", r.raw)
			}
		}},
		{"consult", `["1","+15550100",{"Notes":"warm"},{"priority":1}]`, nil},
		{"completeConference", `["1"]`, nil},
		{"consult", `["1","+15550101"]`, nil},
		{"completeTransfer", `["1"]`, func(r reply) {
			if r.body["result"].(map[string]any)["state"] != "IDLE" {
				t.Errorf("completeTransfer: %s", r.raw)
			}
		}},
		{"singleStepConference", `["4","agent-2",{"Notes":"c"}]`, nil},
		{"singleStepTransfer", `["4","agent-2"]`, nil},
		{"markdone", `["4"]`, nil},
		{"reject", `["3"]`, nil},
	}
	for i, s := range steps {
		env := fmt.Sprintf(`{"request":"interaction.%s","parameters":%s,"referenceId":"%d","userAgent":"WWE Client","protocolVersion":2}`, s.request, s.params, i)
		r := send(t, http.MethodPost, base+"/v1/scapi", env)
		if s.request == "reject" {
			r.expect(t, http.StatusConflict, "INVALID_STATE") // 3 was accepted above
			continue
		}
		r.expect(t, http.StatusOK, "")
		if r.body["referenceId"] != fmt.Sprint(i) {
			t.Errorf("%s: referenceId %v", s.request, r.body["referenceId"])
		}
		if s.check != nil {
			s.check(r)
		}
	}
	got := send(t, http.MethodGet, base+"/v1/interactions/4", "").expect(t, http.StatusOK, "")
	if got.body["state"] != "COMPLETED" || got.userData()["Notes"] != "c" {
		t.Errorf("interaction 4 after the SCAPI calls: %s", got.raw)
	}
	got = send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	if seg, _ := got.userData()["CustomerSegment"].(map[string]any); seg["tier"] != float64(2) || got.userData()["Notes"] != nil {
		t.Errorf("interaction 1 after the SCAPI calls: %s", got.raw)
	}
}
