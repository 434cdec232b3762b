package workspace

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// ringingCall is WORKSPACE-V3.md §7.3's captured call, with a duplicated key.
const ringingCall = `{"phoneNumber":"+14155550100","_state":"Ringing","state":"Ringing","id":"c072cc01c3af8d68",` +
	`"connId":"c072cc01c3af8d68","callUuid":"c86dd9ebb3e0157b","userData":[{"key":"Segment","type":"str","value":"Gold"},` +
	`{"key":"Priority","type":"interger","value":8},{"key":"Lang","type":"str","value":"fr"},` +
	`{"key":"Nested","type":"kvlist","value":[{"key":"n","type":"int","value":1}]},{"key":"Lang","type":"str","value":"en"}],` +
	`"extensions":[],"dnis":"+33298025003","callType":"Inbound","recordingState":"Stopped"}`

const workitem = `{"capabilities":["accept","reject"],"interactionType":"Inbound","id":"044cfd32b0be2a44","mediatype":"workitem",` +
	`"userData":[{"key":"WIKey","type":"str","value":"v"}],"state":"Processing","isInWorkflow":false}`

var ignoreGWS = cmpopts.IgnoreFields(wwe.Interaction{}, "Extra")

func TestViewCall(t *testing.T) {
	t.Parallel()
	it, err := ViewCall([]byte(ringingCall))
	if err != nil {
		t.Fatal(err)
	}
	want := &wwe.Interaction{InteractionID: "c072cc01c3af8d68", MediaType: "voice", State: wwe.StateRinging, CallType: wwe.CallTypeInbound,
		DNIS: "+33298025003", IsConsultation: wwe.Flag(false), IsMainCaseInteraction: true,
		UserData: wwe.UserData{"Segment": "Gold", "Priority": json.Number("8"), "Lang": "en", "Nested": wwe.UserData{"n": json.Number("1")}}}
	if diff := cmp.Diff(want, it, ignoreGWS); diff != "" {
		t.Errorf("view (-want +got):\n%s", diff)
	}
	if got := string(it.Extra[GWSAttribute]); got != ringingCall {
		t.Errorf("gws attribute %s", got)
	}
}

func TestViewStatesAndConsultations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		obj     string
		media   bool
		state   string
		consult bool
	}{
		{`{"id":"c","state":"Dialing"}`, false, wwe.StateDialing, false},
		{`{"id":"c","state":"Established"}`, false, wwe.StateTalking, false},
		{`{"id":"c","state":"Held"}`, false, wwe.StateHeld, false},
		{`{"id":"c","state":"Released"}`, false, wwe.StateIdle, false},
		{`{"id":"c","state":"Completed"}`, false, wwe.StateCompleted, false},
		{`{"id":"c","state":"Alerting"}`, false, "ALERTING", false},
		{`{"id":"c"}`, false, "UNKNOWN", false},
		{`{"id":"c","state":7}`, false, "UNKNOWN", false},
		{`{"id":"c","state":"Dialing","callType":"Consult","parentConnId":"p"}`, false, wwe.StateDialing, true},
		{`{"id":"c","state":"Dialing","callType":"Consult"}`, false, wwe.StateDialing, true},
		{`{"id":"c","state":"Dialing","callType":"Internal","parentConnId":"p"}`, false, wwe.StateDialing, true},
		{`{"id":"w","state":"Invited","mediatype":"email"}`, true, "INVITED", false},
		{`{"id":"w","state":"Processing","mediatype":"email"}`, true, wwe.StateAccepted, false},
		{`{"id":"w","state":"Completed","mediatype":"email"}`, true, wwe.StateCompleted, false},
		{`{"id":"w","state":"InWorkbin","mediatype":"email"}`, true, "INWORKBIN", false},
	} {
		view := ViewCall
		if tc.media {
			view = ViewInteraction
		}
		it, err := view([]byte(tc.obj))
		if err != nil {
			t.Errorf("%s: %v", tc.obj, err)
			continue
		}
		if it.State != tc.state || *it.IsConsultation != tc.consult || it.IsMainCaseInteraction == tc.consult {
			t.Errorf("%s: state %s consult %v main %v", tc.obj, it.State, *it.IsConsultation, it.IsMainCaseInteraction)
		}
	}
	for _, bad := range []string{`[]`, `null`, `{}`, `{"id":1}`, `{"id":"c","userData":{"a":1}}`, `{"id":"c","userData":[{"type":"str"}]}`} {
		if _, err := ViewCall([]byte(bad)); !errors.Is(err, ErrView) {
			t.Errorf("%s: %v, want ErrView", bad, err)
		}
	}
}

// TestViewReachesThePolicy checks that the GWS object reaches the policy
// input as interaction.gws, beside the §1.1 attributes.
func TestViewReachesThePolicy(t *testing.T) {
	t.Parallel()
	it, err := ViewInteraction([]byte(workitem))
	if err != nil {
		t.Fatal(err)
	}
	in := policy.Input{Operation: wwe.OpMarkDone, Door: policy.DoorWorkspace, Interaction: it}
	doc, err := in.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"gws":{"capabilities":["accept","reject"]`, `"interactionType":"Inbound"`, `"mediaType":"workitem"`,
		`"state":"ACCEPTED"`, `"userData":{"WIKey":"v"}`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("input lacks %s:\n%s", want, doc)
		}
	}
}

func TestParseCurrentSession(t *testing.T) {
	t.Parallel()
	body := `{"status":{"code":0},"data":{"configuration":{"x":1},"user":{"userName":"JohnSmith","activeSession":{"autoCompleteCall":false,` +
		`"dn":{"number":"1"},"calls":[` + ringingCall + `],"media":{"channels":[{"name":"workitem","interactions":[` + workitem + `]},` +
		`{"name":"email","interactions":[` + workitem + `]},{"name":"chat"}]}}}}}`
	s, err := ParseCurrentSession([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if s.AutoCompleteCall || len(s.Calls) != 1 || s.Calls[0].InteractionID != "c072cc01c3af8d68" ||
		len(s.Interactions) != 1 || s.Interactions[0].InteractionID != "044cfd32b0be2a44" {
		t.Errorf("session %+v", s)
	}
	none, err := ParseCurrentSession([]byte(`{"status":{"code":0},"data":{"user":{}}}`))
	if err != nil || !none.AutoCompleteCall || none.Calls != nil {
		t.Errorf("no active session: %+v, %v", none, err)
	}
	for _, bad := range []string{`<html>`, `{"data":{"user":{"activeSession":{"calls":[{"state":"Ringing"}]}}}}`} {
		if _, err := ParseCurrentSession([]byte(bad)); !errors.Is(err, ErrView) {
			t.Errorf("%s: %v, want ErrView", bad, err)
		}
	}
}

func TestStateChanges(t *testing.T) {
	t.Parallel()
	body := `[{"channel":"/workspace/v3/voice","data":{"notificationType":"StateChange","call":{"id":"n1","previousConnId":"o1","state":"Established"},` +
		`"messageType":"CallStateChanged"}},` +
		`{"channel":"/workspace/v3/media/workitem","data":{"notificationType":"PropertiesUpdated","interaction":` + workitem +
		`,"messageType":"InteractionStateChanged","operationId":"op"}},` +
		`{"channel":"/workspace/v3/voice","data":{"dn":{"number":"1"},"messageType":"DnStateChanged"}},` +
		`{"channel":"/workspace/v3/voice","data":{"userData":{"a":1},"messageType":"EventUserEvent"}},` +
		`{"channel":"/workspace/v3/voice","data":{"messageType":"CallStateChanged","call":null}},` +
		`{"id":"9","channel":"/meta/connect","successful":true},"odd"]`
	got, err := StateChanges([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	type short struct{ Type, Notification, Previous, ID, State string }
	var seen []short
	for _, c := range got {
		seen = append(seen, short{c.MessageType, c.NotificationType, c.PreviousID, c.Interaction.InteractionID, c.Interaction.State})
	}
	want := []short{{CallStateChanged, "StateChange", "o1", "n1", wwe.StateTalking},
		{InteractionStateChanged, "PropertiesUpdated", "", "044cfd32b0be2a44", wwe.StateAccepted}}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if _, err := StateChanges([]byte(`{}`)); !errors.Is(err, ErrView) {
		t.Errorf("not an array: %v", err)
	}
}
