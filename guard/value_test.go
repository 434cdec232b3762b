package guard

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// TestValueIsTheDocument proves that the input the guard evaluates, built
// straight as an OPA value, is the document the decision log shows unmasked.
func TestValueIsTheDocument(t *testing.T) {
	t.Parallel()
	warning := "Finish the survey"
	nested := wwe.UserData{"Card": wwe.UserData{"Number": "4111", "Expiry": wwe.UserData{"Month": int64(12)}}, "Count": int64(3)}
	tests := []struct {
		name string
		in   Input
	}{
		{"empty", Input{}},
		{"nil interaction", Input{Operation: wwe.OpGetInteractions, Caller: Caller{Origin: "https://crm"}}},
		{"set with nested user data", Input{
			Operation: wwe.OpSetUserData, InteractionID: "1", KeyValues: nested,
			Writes: WritesFor(wwe.OpSetUserData, nested, ""),
			Interaction: &wwe.Interaction{InteractionID: "1", InteractionUUID: "u-1", CaseID: "case-1", MediaType: "voice",
				State: wwe.StateTalking, IsMainCaseInteraction: true, UserData: nested,
				MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}, {WarningMessage: "x"}}},
			Caller: Caller{Origin: "https://crm", Application: "crm", AgentID: "a1", FrameID: FrameID{Value: "f1"}},
		}},
		{"numeric frame", Input{Operation: wwe.OpGetInteractions, Caller: Caller{FrameID: FrameID{Value: "13", Number: true}}}},
		{"fractional frame", Input{Operation: wwe.OpGetInteractions, Caller: Caller{FrameID: FrameID{Value: "-0.5e-3", Number: true}}}},
		{"not a number", Input{Operation: wwe.OpGetInteractions, Caller: Caller{FrameID: FrameID{Value: "13x", Number: true}}}},
		{"delete", Input{Operation: wwe.OpDeleteUserData, InteractionID: "1", Key: "Notes",
			Writes:      WritesFor(wwe.OpDeleteUserData, nil, "Notes"),
			Interaction: &wwe.Interaction{InteractionID: "1", MediaType: "chat", State: wwe.StateAccepted}}},
		{"block markdone", Input{Operation: wwe.OpBlockMarkdone, InteractionID: "1", WarningMessage: &warning,
			MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: warning, Origin: "https://crm"}}}},
		{"consult", Input{Operation: wwe.OpConsult, InteractionID: "1", Target: map[string]any{"agent": "a2", "n": 1},
			Extensions: wwe.UserData{"x": "y"}, KeyValues: wwe.UserData{"K": "v"}, Writes: WritesFor(wwe.OpConsult, wwe.UserData{"K": "v"}, "")}},
		{"every interaction attribute", Input{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: fullInteraction()}},
		{"select case", Input{Operation: wwe.OpSelectCaseByCaseID, CaseID: "case-2", Target: "plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := ast.InterfaceToValue(tt.in.document(false))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.in.value()
			if err != nil {
				t.Fatal(err)
			}
			if got.Compare(want) != 0 {
				t.Errorf("value()\n got %v\nwant %v", got, want)
			}
		})
	}
}

// TestIsJSONNumber: a frameId marked as a number is written into the input
// and the log only when it is one JSON number literal, as encoding/json
// would read it.
func TestIsJSONNumber(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"0", "-0", "7", "-12", "1.5", "0.25", "1e3", "1E+3", "-2.5e-3", "123456789012345678901234567890", "1e400"} {
		if !isJSONNumber(s) {
			t.Errorf("isJSONNumber(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"", "-", "+1", "01", "1.", ".5", "1e", "1e+", "0x1", "1_000", " 1", "1 ", "NaN", "Infinity", "1.5.2", "--1", "\"1\""} {
		if isJSONNumber(s) {
			t.Errorf("isJSONNumber(%q) = true, want false", s)
		}
	}
}
