package guard

import (
	"bytes"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// TestValueIsTheDocument proves that the input the guard evaluates, built
// straight as an OPA value, is the document the decision log shows unmasked,
// and the document the fingerprint encodes without OPA.
func TestValueIsTheDocument(t *testing.T) {
	t.Parallel()
	warning := "Finish the survey"
	nested := wwe.UserData{"Card": wwe.UserData{"Number": "4111", "Expiry": wwe.UserData{"Month": int64(12)}}, "Count": int64(3)}
	tests := []struct {
		name string
		in   policy.Input
	}{
		{"empty", policy.Input{}},
		{"nil interaction", policy.Input{Operation: wwe.OpGetInteractions, Caller: policy.Caller{Origin: "https://crm"}}},
		{"set with nested user data", policy.Input{
			Operation: wwe.OpSetUserData, InteractionID: "1", KeyValues: nested,
			Writes: policy.WritesFor(wwe.OpSetUserData, nested, ""),
			Interaction: &wwe.Interaction{InteractionID: "1", InteractionUUID: "u-1", CaseID: "case-1", MediaType: "voice",
				State: wwe.StateTalking, IsMainCaseInteraction: true, UserData: nested,
				MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}, {WarningMessage: "x"}}},
			Caller: policy.Caller{Origin: "https://crm", Application: "crm", AgentID: "a1", FrameID: policy.FrameID{Value: "f1"}},
		}},
		{"numeric frame", policy.Input{Operation: wwe.OpGetInteractions, Caller: policy.Caller{FrameID: policy.FrameID{Value: "13", Number: true}}}},
		{"fractional frame", policy.Input{Operation: wwe.OpGetInteractions, Caller: policy.Caller{FrameID: policy.FrameID{Value: "-0.5e-3", Number: true}}}},
		{"not a number", policy.Input{Operation: wwe.OpGetInteractions, Caller: policy.Caller{FrameID: policy.FrameID{Value: "13x", Number: true}}}},
		{"delete", policy.Input{Operation: wwe.OpDeleteUserData, InteractionID: "1", Key: "Notes",
			Writes:      policy.WritesFor(wwe.OpDeleteUserData, nil, "Notes"),
			Interaction: &wwe.Interaction{InteractionID: "1", MediaType: "chat", State: wwe.StateAccepted}}},
		{"block markdone", policy.Input{Operation: wwe.OpBlockMarkdone, InteractionID: "1", WarningMessage: &warning,
			MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: warning, Origin: "https://crm"}}}},
		{"consult", policy.Input{Operation: wwe.OpConsult, InteractionID: "1", Target: map[string]any{"agent": "a2", "n": 1},
			Extensions: wwe.UserData{"x": "y"}, KeyValues: wwe.UserData{"K": "v"}, Writes: policy.WritesFor(wwe.OpConsult, wwe.UserData{"K": "v"}, "")}},
		{"every interaction attribute", policy.Input{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: fullInteraction()}},
		{"select case", policy.Input{Operation: wwe.OpSelectCaseByCaseID, CaseID: "case-2", Target: "plain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := ast.InterfaceToValue(document(&tt.in, false))
			if err != nil {
				t.Fatal(err)
			}
			got, err := inputValue(&tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Compare(want) != 0 {
				t.Errorf("inputValue()\n got %v\nwant %v", got, want)
			}
			canonical, err := tt.in.CanonicalJSON()
			if err != nil {
				t.Fatal(err)
			}
			fingerprinted, err := ast.ValueFromReader(bytes.NewReader(canonical))
			if err != nil {
				t.Fatalf("CanonicalJSON() is not JSON: %v\n%s", err, canonical)
			}
			if fingerprinted.Compare(got) != 0 {
				t.Errorf("CanonicalJSON() is another document\n got %s\nwant %v", canonical, got)
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
