package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// mustDecode decodes one JSON document as the SCAPI door does.
func mustDecode(tb testing.TB, doc string) any {
	tb.Helper()
	v, err := decodeJSON([]byte(doc), DefaultLimits().MaxDepth+nestingSlack)
	if err != nil {
		tb.Fatalf("decode %s: %v", doc, err)
	}
	return v
}

// bindTestParams binds the positional parameters written as the JSON array
// params to op, within the default limits.
func bindTestParams(tb testing.TB, op wwe.Operation, params string) (*call, error) {
	tb.Helper()
	s := &Server{}
	s.SetLimits(DefaultLimits(), nil)
	cl := &call{op: op}
	err := s.bindParams(cl, mustDecode(tb, params).([]any))
	return cl, err
}

// invalidMessage returns the message of err, which must be INVALID_REQUEST.
func invalidMessage(tb testing.TB, err error) string {
	tb.Helper()
	var e *wwe.Error
	if !errors.As(err, &e) || e.Code != wwe.CodeInvalidRequest {
		tb.Fatalf("error = %v, want INVALID_REQUEST", err)
	}
	return e.Message
}

// refusedParams are positional parameters, the JSON array params, that
// binding to op refuses with INVALID_REQUEST and the message want.
type refusedParams struct {
	op     wwe.Operation
	params string
	want   string
}

// expectRefused checks, in a subtest of its own, that binding c's
// parameters is refused with c's message.
func expectRefused(t *testing.T, name string, c refusedParams) {
	t.Run(name, func(t *testing.T) {
		t.Parallel()
		_, err := bindTestParams(t, c.op, c.params)
		if got := invalidMessage(t, err); got != c.want {
			t.Errorf("message = %q, want %q", got, c.want)
		}
	})
}

// TestSCAPIArity: every request takes its number of positional parameters,
// and a wrong number is refused with a message that says which.
func TestSCAPIArity(t *testing.T) {
	t.Parallel()
	tests := []refusedParams{
		{wwe.OpGetInteractions, `["1"]`, "interaction.getInteractions takes 0 parameter(s), got 1"},
		{wwe.OpGetByInteractionID, `[]`, "interaction.getByInteractionId takes 1 parameter(s), got 0"},
		{wwe.OpGetByInteractionID, `["1","2"]`, "interaction.getByInteractionId takes 1 parameter(s), got 2"},
		{wwe.OpSetUserData, `["1"]`, "interaction.setUserData takes 2 parameter(s), got 1"},
		{wwe.OpSetUserData, `["1",{"a":"b"},{}]`, "interaction.setUserData takes 2 parameter(s), got 3"},
		{wwe.OpDeleteUserData, `["1"]`, "interaction.deleteUserData takes 2 parameter(s), got 1"},
		{wwe.OpDeleteUserData, `["1","a","b"]`, "interaction.deleteUserData takes 2 parameter(s), got 3"},
		{wwe.OpMarkDone, `[]`, "interaction.markdone takes 1 parameter(s), got 0"},
		{wwe.OpMarkDone, `["1",true]`, "interaction.markdone takes 1 parameter(s), got 2"},
		{wwe.OpBlockMarkdone, `["1"]`, "interaction.blockMarkdone takes 2 parameter(s), got 1"},
		{wwe.OpBlockMarkdone, `["1","w","x"]`, "interaction.blockMarkdone takes 2 parameter(s), got 3"},
		{wwe.OpUnblockMarkdone, `[]`, "interaction.unblockMarkdone takes 1 parameter(s), got 0"},
		{wwe.OpUnblockMarkdone, `["1","w"]`, "interaction.unblockMarkdone takes 1 parameter(s), got 2"},
		{wwe.OpSelectCaseByCaseID, `[]`, "interaction.selectCaseByCaseId takes 1 parameter(s), got 0"},
		{wwe.OpSelectCaseByCaseID, `["c","d"]`, "interaction.selectCaseByCaseId takes 1 parameter(s), got 2"},
		{wwe.OpAccept, `[]`, "interaction.accept takes 1 parameter(s), got 0"},
		{wwe.OpAccept, `["1","2"]`, "interaction.accept takes 1 parameter(s), got 2"},
		{wwe.OpReject, `[]`, "interaction.reject takes 1 parameter(s), got 0"},
		{wwe.OpReject, `["1","2"]`, "interaction.reject takes 1 parameter(s), got 2"},
		{wwe.OpConsult, `["1"]`, "interaction.consult takes 2 to 4 parameters, got 1"},
		{wwe.OpConsult, `["1","t",{},{},{}]`, "interaction.consult takes 2 to 4 parameters, got 5"},
		{wwe.OpSingleStepTransfer, `["1"]`, "interaction.singleStepTransfer takes 2 to 4 parameters, got 1"},
		{wwe.OpSingleStepTransfer, `["1","t",{},{},{}]`, "interaction.singleStepTransfer takes 2 to 4 parameters, got 5"},
		{wwe.OpSingleStepConference, `[]`, "interaction.singleStepConference takes 2 to 4 parameters, got 0"},
		{wwe.OpSingleStepConference, `["1","t",{},{},{}]`, "interaction.singleStepConference takes 2 to 4 parameters, got 5"},
		{wwe.OpCompleteTransfer, `[]`, "interaction.completeTransfer takes 1 parameter(s), got 0"},
		{wwe.OpCompleteTransfer, `["1","2"]`, "interaction.completeTransfer takes 1 parameter(s), got 2"},
		{wwe.OpCompleteConference, `[]`, "interaction.completeConference takes 1 parameter(s), got 0"},
		{wwe.OpCompleteConference, `["1","2"]`, "interaction.completeConference takes 1 parameter(s), got 2"},
	}
	covered := map[wwe.Operation]bool{wwe.OpSubscribe: true} // not a SCAPI request
	for _, tt := range tests {
		covered[tt.op] = true
		expectRefused(t, string(tt.op)+tt.params, tt)
	}
	for _, op := range wwe.Operations {
		if !covered[op] && op.InNamespace() {
			t.Errorf("no arity case for %s", op)
		}
	}
}

// TestSCAPIParameterTypes: each positional parameter is validated as its
// REST counterpart is, and the first one in error is the one reported.
func TestSCAPIParameterTypes(t *testing.T) {
	t.Parallel()
	tests := map[string]refusedParams{
		"interactionId a number":                 {wwe.OpGetByInteractionID, `[1]`, "interactionId must be a string"},
		"interactionId null":                     {wwe.OpMarkDone, `[null]`, "interactionId must be a string"},
		"interactionId empty":                    {wwe.OpAccept, `[""]`, "interactionId must not be empty"},
		"interactionId a parent segment":         {wwe.OpReject, `[".."]`, `interactionId must not be ".."`},
		"interactionId with a control character": {wwe.OpCompleteTransfer, `["a\u0000b"]`, "interactionId contains a control character"},
		"interactionId checked before the rest":  {wwe.OpSetUserData, `[7,"not an object"]`, "interactionId must be a string"},
		"caseId a number":                        {wwe.OpSelectCaseByCaseID, `[7]`, "caseId must be a string"},
		"caseId empty":                           {wwe.OpSelectCaseByCaseID, `[""]`, "caseId must not be empty"},
		"keyValues a string":                     {wwe.OpSetUserData, `["1","a=b"]`, "keyValues must be an object"},
		"keyValues an array":                     {wwe.OpSetUserData, `["1",[{"a":"b"}]]`, "keyValues must be an object"},
		"keyValues empty":                        {wwe.OpSetUserData, `["1",{}]`, "keyValues must not be empty"},
		"keyValues with a fraction":              {wwe.OpSetUserData, `["1",{"a":1.5}]`, `value of key "a" must be a string, an integer or an object`},
		"keyValues with a boolean":               {wwe.OpSetUserData, `["1",{"a":true}]`, `value of key "a" must be a string, an integer or an object`},
		"keyValues with an empty key":            {wwe.OpSetUserData, `["1",{"":"x"}]`, "user data key must not be empty"},
		"key a number":                           {wwe.OpDeleteUserData, `["1",5]`, "key must be a string"},
		"key empty":                              {wwe.OpDeleteUserData, `["1",""]`, "key must not be empty"},
		"key the current segment":                {wwe.OpDeleteUserData, `["1","."]`, `key must not be "."`},
		"warningMessage a number":                {wwe.OpBlockMarkdone, `["1",3]`, "warningMessage must be a non-empty string"},
		"warningMessage empty":                   {wwe.OpBlockMarkdone, `["1",""]`, "warningMessage must be a non-empty string"},
		"target null":                            {wwe.OpConsult, `["1",null]`, "target is required"},
		"target empty":                           {wwe.OpConsult, `["1",""]`, "target must not be empty"},
		"target a number":                        {wwe.OpSingleStepTransfer, `["1",42]`, "target must be a string or an object"},
		"target an empty object":                 {wwe.OpSingleStepConference, `["1",{}]`, "target must not be empty"},
		"userData a string":                      {wwe.OpConsult, `["1","t","x"]`, "userData must be an object"},
		"userData with a fraction":               {wwe.OpSingleStepTransfer, `["1","t",{"a":0.5}]`, `value of key "a" must be a string, an integer or an object`},
		"extensions a number":                    {wwe.OpConsult, `["1","t",{},1]`, "extensions must be an object"},
		"extensions after null userData":         {wwe.OpSingleStepConference, `["1","t",null,[]]`, "extensions must be an object"},
	}
	for name, tt := range tests {
		expectRefused(t, name, tt)
	}
}

// TestSCAPIBindsParameters: the parameters of an accepted request land in
// the call the guard decides and forwards; consult's userData and
// extensions are optional, absent or null.
func TestSCAPIBindsParameters(t *testing.T) {
	t.Parallel()
	warning := "not yet"
	tests := []struct {
		name   string
		op     wwe.Operation
		params string
		want   call
	}{
		{"getInteractions", wwe.OpGetInteractions, `[]`, call{op: wwe.OpGetInteractions}},
		{"getByInteractionId", wwe.OpGetByInteractionID, `["i1"]`, call{op: wwe.OpGetByInteractionID, interactionID: "i1"}},
		{"selectCaseByCaseId", wwe.OpSelectCaseByCaseID, `["case-7"]`, call{op: wwe.OpSelectCaseByCaseID, caseID: "case-7"}},
		{"setUserData", wwe.OpSetUserData, `["i1",{"Notes":"x","N":3,"Nested":{"A":"b"}}]`, call{op: wwe.OpSetUserData, interactionID: "i1",
			keyValues: wwe.UserData{"Notes": "x", "N": int64(3), "Nested": wwe.UserData{"A": "b"}}}},
		{"deleteUserData", wwe.OpDeleteUserData, `["i1","Notes"]`, call{op: wwe.OpDeleteUserData, interactionID: "i1", key: "Notes"}},
		{"blockMarkdone", wwe.OpBlockMarkdone, `["i1","not yet"]`, call{op: wwe.OpBlockMarkdone, interactionID: "i1", warningMessage: &warning}},
		{"markdone", wwe.OpMarkDone, `["i1"]`, call{op: wwe.OpMarkDone, interactionID: "i1"}},
		{"consult, target only", wwe.OpConsult, `["i1","+1555"]`, call{op: wwe.OpConsult, interactionID: "i1", target: "+1555"}},
		{"consult, userData", wwe.OpConsult, `["i1","+1555",{"a":"b"}]`, call{op: wwe.OpConsult, interactionID: "i1", target: "+1555",
			keyValues: wwe.UserData{"a": "b"}}},
		{"consult, null userData and extensions", wwe.OpConsult, `["i1","+1555",null,{"e":"f"}]`, call{op: wwe.OpConsult, interactionID: "i1", target: "+1555",
			extensions: wwe.UserData{"e": "f"}}},
		{"consult, both null", wwe.OpConsult, `["i1","+1555",null,null]`, call{op: wwe.OpConsult, interactionID: "i1", target: "+1555"}},
		{"singleStepTransfer, object target", wwe.OpSingleStepTransfer, `["i1",{"agent":"a7"},{"a":"b"},{"e":1}]`, call{op: wwe.OpSingleStepTransfer,
			interactionID: "i1", target: wwe.UserData{"agent": "a7"}, keyValues: wwe.UserData{"a": "b"}, extensions: wwe.UserData{"e": int64(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := bindTestParams(t, tt.op, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(call{})); diff != "" {
				t.Errorf("call (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseEnvelope: the envelope's fields are checked in document order,
// the referenceId is read whatever else is wrong, and the frameId keeps
// whether it was a string or a number.
func TestParseEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		want    envelope
		wantErr string
	}{
		{"request only", `{"request":"interaction.getInteractions"}`, envelope{op: wwe.OpGetInteractions}, ""},
		{"every field", `{"request":"interaction.markdone","parameters":["1"],"referenceId":"r1","userAgent":"WWE Client","protocolVersion":2,"frameId":"f"}`,
			envelope{op: wwe.OpMarkDone, parameters: []any{"1"}, referenceID: "r1", frameID: policy.FrameID{Value: "f"}}, ""},
		{"numbers", `{"frameId":3,"referenceId":7,"request":"interaction.getInteractions"}`,
			envelope{op: wwe.OpGetInteractions, referenceID: json.Number("7"), frameID: policy.FrameID{Value: "3", Number: true}}, ""},
		{"no request", `{"referenceId":"r1","parameters":[]}`, envelope{parameters: []any{}, referenceID: "r1"}, "request is required"},
		{"request not a string", `{"request":1,"referenceId":"r1"}`, envelope{referenceID: "r1"}, "request must be a string naming an Interaction method"},
		{"request empty", `{"request":""}`, envelope{}, "request must be a string naming an Interaction method"},
		{"unknown request", `{"request":"interaction.setUserDtaa","referenceId":9}`, envelope{referenceID: json.Number("9")}, `unknown request "interaction.setUserDtaa"`},
		{"another namespace", `{"request":"voice.dial"}`, envelope{}, `unknown request "voice.dial"`},
		{"subscribe is not a request", `{"request":"interaction.subscribe"}`, envelope{}, `unknown request "interaction.subscribe"`},
		{"a Workspace API v3 operation is not a SCAPI request", `{"request":"interaction.makeCall"}`, envelope{}, `unknown request "interaction.makeCall"`},
		{"parameters an object", `{"request":"interaction.markdone","parameters":{"0":"1"}}`, envelope{op: wwe.OpMarkDone}, "parameters must be an array"},
		{"referenceId empty", `{"request":"interaction.markdone","referenceId":""}`, envelope{op: wwe.OpMarkDone}, "referenceId must be a non-empty string or a number"},
		{"referenceId an object", `{"referenceId":{},"request":"interaction.markdone"}`, envelope{}, "referenceId must be a non-empty string or a number"},
		{"userAgent a number", `{"request":"interaction.markdone","userAgent":2}`, envelope{op: wwe.OpMarkDone}, "userAgent must be a string"},
		{"protocolVersion a fraction", `{"request":"interaction.markdone","protocolVersion":2.5}`, envelope{op: wwe.OpMarkDone}, "protocolVersion must be an integer"},
		{"protocolVersion a string", `{"request":"interaction.markdone","protocolVersion":"2"}`, envelope{op: wwe.OpMarkDone}, "protocolVersion must be an integer"},
		{"frameId a boolean", `{"request":"interaction.markdone","frameId":true}`, envelope{op: wwe.OpMarkDone}, "frameId must be a string or a number"},
		{"unknown field", `{"request":"interaction.markdone","params":[]}`, envelope{op: wwe.OpMarkDone}, `unknown envelope field "params"`},
		{"the first problem written", `{"userAgent":1,"protocolVersion":"x","request":"interaction.markdone","referenceId":"r"}`,
			envelope{referenceID: "r"}, "userAgent must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseEnvelope(mustDecode(t, tt.doc).(object))
			if tt.wantErr != "" {
				if msg := invalidMessage(t, err); msg != tt.wantErr {
					t.Errorf("message = %q, want %q", msg, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(envelope{})); diff != "" {
				t.Errorf("envelope (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSCAPIBindingErrorReply: a parameter error is answered 400 in the SCAPI
// failure envelope, echoing the referenceId, and reaches neither the
// policies nor the service.
func TestSCAPIBindingErrorReply(t *testing.T) {
	t.Parallel()
	svc := newFakeService()
	d := &originDecider{}
	s := New(Config{Service: svc, Decider: d})
	rec, body := serve(t, s, http.MethodPost, "/v1/scapi", `{"request":"interaction.setUserData","parameters":["1"],"referenceId":"r-9"}`)
	want := map[string]any{
		"referenceId": "r-9", "errorCode": "INVALID_REQUEST", "errorMessage": "interaction.setUserData takes 2 parameter(s), got 1",
		"userAgent": "WWE Server", "protocolVersion": float64(2),
	}
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", rec.Code)
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if len(d.origins()) != 0 || len(svc.written()) != 0 {
		t.Errorf("decisions %v, writes %v; want none", d.origins(), svc.written())
	}
}
