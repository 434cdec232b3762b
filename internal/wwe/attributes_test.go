package wwe_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// fullInteraction carries every attribute DESIGN.md §1.1 documents, ours,
// and two the guard does not model.
const fullInteraction = `{
  "interactionId": "1", "parentInteractionId": "0", "caseId": "case-1",
  "userData": {"Notes": "n", "N": 7, "Nested": {"A": "b"}},
  "state": "TALKING", "previousState": "RINGING",
  "parties": [{"name": "Ann Lee", "role": "customer", "phone": {"e164": "+15551234567"}}, {"name": "Agent 7"}],
  "isConsultation": false, "isMainCaseInteraction": true, "callUuid": "CU-1",
  "direction": "IN", "callType": "INBOUND", "ani": "+15551234567", "dnis": "8000",
  "recordingState": "RECORDING", "isCaseSelected": true, "isCaseExpanded": false,
  "interactionUUID": "UU-1", "mediaType": "voice", "isDone": false,
  "markdoneBlocks": [{"warningMessage": "w", "origin": "https://crm"}], "version": 3,
  "x-vendor": {"a": 1, "list": [1, "two", null, {"b": true}]},
  "mediaInfo": "newer Genesys attribute"
}`

// TestInteractionKeepsEveryAttribute: an interaction decoded and encoded
// again is the document the service sent, every attribute included, and
// the modelled ones land in their fields.
func TestInteractionKeepsEveryAttribute(t *testing.T) {
	t.Parallel()
	var it wwe.Interaction
	if err := json.Unmarshal([]byte(fullInteraction), &it); err != nil {
		t.Fatal(err)
	}
	want := wwe.Interaction{
		InteractionID: "1", ParentInteractionID: "0", CaseID: "case-1", CallUUID: "CU-1", InteractionUUID: "UU-1",
		UserData: wwe.UserData{"Notes": "n", "N": json.Number("7"), "Nested": map[string]any{"A": "b"}},
		State:    "TALKING", PreviousState: "RINGING", MediaType: "voice",
		Parties: []wwe.Party{
			{Name: "Ann Lee", Extra: map[string]json.RawMessage{"role": json.RawMessage(`"customer"`), "phone": json.RawMessage(`{"e164": "+15551234567"}`)}},
			{Name: "Agent 7"},
		},
		IsConsultation: wwe.Flag(false), IsMainCaseInteraction: true, IsCaseSelected: wwe.Flag(true), IsCaseExpanded: wwe.Flag(false),
		Direction: wwe.DirectionIn, CallType: wwe.CallTypeInbound, ANI: "+15551234567", DNIS: "8000", RecordingState: wwe.RecordingRecording,
		MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}}, Version: 3,
		Extra: map[string]json.RawMessage{
			"x-vendor":  json.RawMessage(`{"a": 1, "list": [1, "two", null, {"b": true}]}`),
			"mediaInfo": json.RawMessage(`"newer Genesys attribute"`),
		},
	}
	if diff := cmp.Diff(want, it); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	for _, v := range []any{it, &it, it.Clone()} {
		if diff := cmp.Diff(decode(t, fullInteraction), encoded(t, v)); diff != "" {
			t.Errorf("%T encoded again (-sent +got):\n%s", v, diff)
		}
	}
}

// TestInteractionAbsentStaysAbsent: optional attributes the service did not
// send are not invented; an empty party list is not a missing one.
func TestInteractionAbsentStaysAbsent(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`{"interactionId":"1","mediaType":"chat","state":"ACCEPTED","isMainCaseInteraction":false,"isDone":false,"userData":{},"markdoneBlocks":[]}`,
		`{"interactionId":"1","mediaType":"chat","state":"ACCEPTED","isMainCaseInteraction":false,"isDone":false,"userData":{},"markdoneBlocks":[],"parties":[]}`,
	} {
		var it wwe.Interaction
		if err := json.Unmarshal([]byte(doc), &it); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(decode(t, doc), encoded(t, &it)); diff != "" {
			t.Errorf("%s encoded again (-sent +got):\n%s", doc, diff)
		}
	}
}

// TestInteractionDecodeErrors: a modelled attribute of the wrong type is an
// error naming it, the first in name order whatever the map order.
func TestInteractionDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ doc, want string }{
		{`{"state": 5}`, "state: "},
		{`{"isCaseSelected": "yes", "ani": 1, "version": 1.5}`, "ani: "},
		{`{"version": 1.5}`, "version: "},
		{`{"parties": [{"name": 3}]}`, "parties: party: name: "},
		{`{"parties": {}}`, "parties: "},
		{`{"userData": []}`, "userData: "},
		{`[]`, "interaction: "},
	}
	for _, tt := range tests {
		for range 20 {
			var it wwe.Interaction
			err := json.Unmarshal([]byte(tt.doc), &it)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("%s: error %v, want one starting %q", tt.doc, err, tt.want)
			}
		}
	}
}

// TestInteractionExtraCannotShadow: an Extra member named like a modelled
// attribute (possible only from Go code) is not encoded twice.
func TestInteractionExtraCannotShadow(t *testing.T) {
	t.Parallel()
	it := wwe.Interaction{InteractionID: "1", State: "TALKING", Extra: map[string]json.RawMessage{"state": json.RawMessage(`"IDLE"`), "x": json.RawMessage(`1`)},
		Parties: []wwe.Party{{Name: "a", Extra: map[string]json.RawMessage{"name": json.RawMessage(`"b"`)}}}}
	out, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, string(out)); got.(map[string]any)["state"] != "TALKING" || strings.Count(string(out), `"state"`) != 1 ||
		strings.Count(string(out), `"name"`) != 1 || got.(map[string]any)["x"] != 1.0 {
		t.Errorf("encoded %s", out)
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return v
}

// FuzzInteractionJSON: whatever a service sends, decoding never panics, and
// what decodes encodes to a document that decodes to the same interaction.
func FuzzInteractionJSON(f *testing.F) {
	f.Add(fullInteraction)
	f.Add(`{"interactionId":"\u0031","STATE":"x","parties":null,"isConsultation":null}`)
	f.Add(`{"version":007,"a":[1,{"b":"}"}],"isDone":+1}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var direct wwe.Interaction
		if direct.UnmarshalJSON([]byte(doc)) == nil && !json.Valid([]byte(doc)) {
			t.Fatalf("decoded a document that is not JSON: %q", doc)
		}
		var it wwe.Interaction
		if json.Unmarshal([]byte(doc), &it) != nil {
			return
		}
		out, err := json.Marshal(&it)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		var again wwe.Interaction
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("decode again: %v\n%s", err, out)
		}
		if diff := cmp.Diff(encoded(t, &it), encoded(t, &again)); diff != "" {
			t.Errorf("(-first +again):\n%s", diff)
		}
	})
}

// encoded is v's encoding decoded generically, so raw members compare by
// value, not by spacing.
func encoded(t *testing.T, v any) any {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, string(out))
}
