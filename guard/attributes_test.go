package guard

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// fullInteraction has every attribute DESIGN.md §1.1 documents, ours, and
// two the guard does not model (one named like a JSON pointer needs
// escaping).
func fullInteraction() *wwe.Interaction {
	return &wwe.Interaction{
		InteractionID: "1", InteractionUUID: "UU-1", CallUUID: "CU-1", CaseID: "case-1", ParentInteractionID: "0",
		MediaType: "voice", CallType: wwe.CallTypeInbound, Direction: wwe.DirectionIn, State: wwe.StateTalking,
		PreviousState: wwe.StateRinging, RecordingState: wwe.RecordingPaused, ANI: "+15551234567", DNIS: "8000",
		Parties: []wwe.Party{
			{Name: "Ann Lee", Extra: map[string]json.RawMessage{"role": json.RawMessage(`"customer"`), "phone": json.RawMessage(`{"e164": "+15551234567"}`)}},
			{Name: "Agent 7"},
		},
		IsConsultation: wwe.Flag(false), IsCaseSelected: wwe.Flag(true), IsCaseExpanded: wwe.Flag(true),
		IsMainCaseInteraction: true, UserData: wwe.UserData{"Notes": "n"},
		MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}}, Version: 9,
		Extra: map[string]json.RawMessage{
			"x-vendor":      json.RawMessage(`{"a": 1, "list": [1, "two", null, {"b": true}], "big": 12345678901234567890}`),
			"a/b~c":         json.RawMessage(`"escaped"`),
			"mediaInfo":     json.RawMessage(`null`),
			"isDone":        json.RawMessage(`"shadow"`), // a modelled name: never rendered
			"state-comment": json.RawMessage("{\n \"multi\": \"line\"\n}"),
		},
	}
}

// TestLogMasksInteractionAttributes: a masked decision log entry keeps the
// interaction's ids, state, types, flags and version, and replaces ani,
// dnis, parties and every attribute the guard does not model by "***" leaf
// by leaf, listing them in `masked`; with values kept, they are all there.
func TestLogMasksInteractionAttributes(t *testing.T) {
	t.Parallel()
	in := &policy.Input{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: fullInteraction()}
	decision := policy.Decision{Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Would: policy.Forward}}
	kept, _ := encodedEntry(t, testLog(map[string]string{"app": "wwe-guard"}, policy.Enforce, false), in, decision, nil)
	masked, _ := encodedEntry(t, testLog(map[string]string{"app": "wwe-guard"}, policy.Enforce, true), in, decision, nil)
	interaction := func(entry any) map[string]any {
		return entry.(map[string]any)["input"].(map[string]any)["interaction"].(map[string]any)
	}
	common := map[string]any{
		"interactionId": "1", "interactionUUID": "UU-1", "callUuid": "CU-1", "caseId": "case-1", "parentInteractionId": "0",
		"mediaType": "voice", "callType": "INBOUND", "direction": "IN", "state": "TALKING", "previousState": "RINGING",
		"recordingState": "PAUSED", "isConsultation": false, "isCaseSelected": true, "isCaseExpanded": true,
		"isMainCaseInteraction": true, "isDone": false, "version": 9.0,
		"markdoneBlocks": []any{map[string]any{"warningMessage": "w", "origin": "https://crm", "application": nil}},
	}
	with := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range common {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	wantKept := with(map[string]any{
		"ani": "+15551234567", "dnis": "8000", "userData": map[string]any{"Notes": "n"},
		"parties":  []any{map[string]any{"name": "Ann Lee", "role": "customer", "phone": map[string]any{"e164": "+15551234567"}}, map[string]any{"name": "Agent 7"}},
		"x-vendor": map[string]any{"a": 1.0, "list": []any{1.0, "two", nil, map[string]any{"b": true}}, "big": 12345678901234567890.0},
		"a/b~c":    "escaped", "mediaInfo": nil, "state-comment": map[string]any{"multi": "line"},
	})
	if diff := cmp.Diff(wantKept, interaction(kept)); diff != "" {
		t.Errorf("interaction with values kept (-want +got):\n%s", diff)
	}
	wantMasked := with(map[string]any{
		"ani": "***", "dnis": "***", "userData": map[string]any{"Notes": "***"},
		"parties":  []any{map[string]any{"name": "***", "role": "***", "phone": map[string]any{"e164": "***"}}, map[string]any{"name": "***"}},
		"x-vendor": map[string]any{"a": "***", "list": []any{"***", "***", nil, map[string]any{"b": "***"}}, "big": "***"},
		"a/b~c":    "***", "mediaInfo": nil, "state-comment": map[string]any{"multi": "***"},
	})
	if diff := cmp.Diff(wantMasked, interaction(masked)); diff != "" {
		t.Errorf("masked interaction (-want +got):\n%s", diff)
	}
	wantPaths := []any{ // sorted
		"/input/interaction/ani", "/input/interaction/a~1b~0c", "/input/interaction/dnis", "/input/interaction/mediaInfo",
		"/input/interaction/parties", "/input/interaction/state-comment", "/input/interaction/userData/Notes",
		"/input/interaction/x-vendor",
	}
	if diff := cmp.Diff(wantPaths, masked.(map[string]any)["masked"]); diff != "" {
		t.Errorf("masked paths (-want +got):\n%s", diff)
	}
	line := string(testLog(nil, policy.Enforce, true).encodeEntry(nil, "id", time.Now(), mustInputValue(t, in), decision, nil, 1, entryMeta{revision: "rev"}))
	if strings.Count(line, "\n") != 1 {
		t.Errorf("a multi-line attribute breaks the line: %q", line)
	}
	for _, secret := range []string{"5551234567", "Ann Lee", "customer", "escaped", "two"} {
		if strings.Contains(line, secret) {
			t.Errorf("masked entry shows %q: %s", secret, line)
		}
	}
}

// FuzzEncodeEntryAttributes: whatever attributes the service sends that the
// guard does not model, the policy input is the document, and the encoded
// line is one valid JSON object equal to the entry shape, masked or not.
func FuzzEncodeEntryAttributes(f *testing.F) {
	f.Add("x-vendor", `{"a": [1, "two", null, {"b": true}]}`, "+1555")
	f.Add("a/b~c\n", "\"\u2028\\u0000\"", "\xff")
	f.Fuzz(func(t *testing.T, name, raw, ani string) {
		if !json.Valid([]byte(raw)) {
			return
		}
		in := &policy.Input{Operation: wwe.OpGetByInteractionID, Interaction: &wwe.Interaction{InteractionID: "1", ANI: ani,
			Parties: []wwe.Party{{Name: ani, Extra: map[string]json.RawMessage{name: json.RawMessage(raw)}}},
			Extra:   map[string]json.RawMessage{name: json.RawMessage(raw)}}}
		want, err := ast.InterfaceToValue(document(in, false))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := inputValue(in); err != nil || got.Compare(want) != 0 {
			t.Errorf("inputValue() = %v, %v\nwant %v", got, err, want)
		}
		for _, mask := range []bool{true, false} {
			got, want := encodedEntry(t, testLog(map[string]string{"app": "wwe-guard"}, policy.Enforce, mask), in, policy.Decision{Allow: true}, nil)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mask=%v (-want +got):\n%s", mask, diff)
			}
		}
	})
}
