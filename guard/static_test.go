package guard

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// TestStaticRulesDecideTheSame evaluates the bundled policies under several
// option sets, for inputs of every kind, with and without the static rules:
// the decisions must not differ.
func TestStaticRulesDecideTheSame(t *testing.T) {
	t.Parallel()
	optionSets := []map[string]any{
		nil,
		{"service-client-api.user-data.write-allowed": "DispositionCode,Notes", "interaction.disposition.is-mandatory": true},
		{"service-client-api.user-data.write-allowed": "", "service-client-api.user-data.read-allowed": "Notes, *"},
		{"service-client-api.user-data.read-allowed": "Notes", "interaction.disposition.is-mandatory": "TRUE",
			"interaction.disposition.key-name": "Dispo"},
		{"service-client-api.accepted-web-content-origins": "https://crm (interaction.*), https://kb (interaction.getInteractions)"},
		{"service-client-api.accepted-web-content-origins": "*"},
	}
	main := &wwe.Interaction{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, IsMainCaseInteraction: true,
		UserData: wwe.UserData{"Notes": "n", "Secret": "s", "Dispo": " "}}
	set := wwe.UserData{"Notes": "x", "SSN": "1", "Nested": wwe.UserData{"a": "b"}}
	inputs := []policy.Input{
		{Operation: wwe.OpGetInteractions, Caller: policy.Caller{Origin: "https://kb"}},
		{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: main, Caller: policy.Caller{Origin: "https://crm"}},
		{Operation: wwe.OpSetUserData, InteractionID: "1", KeyValues: set, Writes: policy.WritesFor(wwe.OpSetUserData, set, ""), Interaction: main},
		{Operation: wwe.OpDeleteUserData, InteractionID: "1", Key: "Secret", Writes: policy.WritesFor(wwe.OpDeleteUserData, nil, "Secret"),
			Interaction: main, Caller: policy.Caller{Origin: "https://evil"}},
		{Operation: wwe.OpMarkDone, InteractionID: "1", Interaction: main,
			MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "Finish", Origin: "https://crm"}}, Caller: policy.Caller{Origin: "https://crm"}},
		{Operation: wwe.OpMarkDone, InteractionID: "9"},
	}
	for i, opts := range optionSets {
		st, err := prepare(context.Background(), Config{Bundled: policies.FS, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		if st.static.count == 0 {
			t.Errorf("options %d: no static rule found in the bundled policies", i)
		}
		for j, in := range inputs {
			t.Run(fmt.Sprintf("options=%d/input=%d", i, j), func(t *testing.T) {
				t.Parallel()
				val, err := inputValue(&in)
				if err != nil {
					t.Fatal(err)
				}
				plain, err := st.query.Eval(context.Background(), rego.EvalParsedInput(val))
				if err != nil {
					t.Fatal(err)
				}
				seeded, err := st.query.Eval(context.Background(), rego.EvalParsedInput(val), rego.EvalVirtualCache(st.static.cache()))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(plain, seeded); diff != "" {
					t.Errorf("decision with static rules differs (-without +with):\n%s", diff)
				}
			})
		}
	}
}

// TestStaticRulesYieldToWith checks that a rule evaluated under `with`
// sees the replaced data, not the value computed once for the set.
func TestStaticRulesYieldToWith(t *testing.T) {
	t.Parallel()
	const src = `package wwe.guard

mode := data.wwe.options.mode

decision := {"allow": true, "deniedKeys": [], "reasons": [], "warningMessages": [], "readDeny": [mode, replaced]} if {
	replaced := mode with data.wwe.options.mode as "replaced"
}
`
	e := mustEngine(t, Config{Options: map[string]any{"mode": "configured"}}, map[string]string{"d.rego": src})
	if n := e.state.Load().static.count; n == 0 {
		t.Fatal("mode is not a static rule")
	}
	d, err := e.Decide(context.Background(), policy.Input{Operation: wwe.OpGetInteractions})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"configured", "replaced"}, d.ReadDeny); diff != "" {
		t.Errorf("readDeny (-want +got):\n%s", diff)
	}
}

// TestStaticRulesLeaveInputAlone checks that rules reading input, directly
// or through another rule, are evaluated for every decision.
func TestStaticRulesLeaveInputAlone(t *testing.T) {
	t.Parallel()
	const src = `package wwe.guard

op := input.operation

shown := op

decision := {"allow": true, "deniedKeys": [], "reasons": [], "warningMessages": [], "readDeny": [shown]}
`
	e := mustEngine(t, Config{}, map[string]string{"d.rego": src})
	for _, op := range []wwe.Operation{wwe.OpGetInteractions, wwe.OpMarkDone} {
		d, err := e.Decide(context.Background(), policy.Input{Operation: op})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.ReadDeny) != 1 || d.ReadDeny[0] != string(op) {
			t.Errorf("readDeny = %v, want [%s]", d.ReadDeny, op)
		}
	}
}
