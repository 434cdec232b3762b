package guard

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// TestCheckOptions: every option is checked against the options schema and
// converted to its type; every problem is reported, sorted by name.
func TestCheckOptions(t *testing.T) {
	t.Parallel()
	const (
		mandatory = "interaction.disposition.is-mandatory"
		rate      = "service-client-api.rate-limit"
		write     = "service-client-api.user-data.write-allowed"
	)
	tests := []struct {
		name     string
		in       map[string]any
		want     map[string]any
		problems []string
	}{
		{"accepted forms", map[string]any{mandatory: "TrUe", rate: "60", write: "A,B", "service-client-api.rate-limit-quarantine-delay": 5},
			map[string]any{mandatory: true, rate: int64(60), write: "A,B", "service-client-api.rate-limit-quarantine-delay": int64(5)}, nil},
		{"booleans and whole numbers", map[string]any{mandatory: false, rate: 60.0}, map[string]any{mandatory: false, rate: int64(60)}, nil},
		{"false in any case, null unset", map[string]any{mandatory: "FALSE", write: nil}, map[string]any{mandatory: false, write: nil}, nil},
		{"every problem, sorted", map[string]any{
			"service-client-api.user-data.write-alowed": "x", write: true, rate: 1.5, mandatory: " true", "service-client-api.rate-limit.interaction.markdone": "1e3",
		}, map[string]any{}, []string{
			`options.interaction.disposition.is-mandatory: must be a boolean (true, false, "true" or "false" in any case), not the string " true"`,
			"options.service-client-api.rate-limit: must be an integer or a decimal string, not the number 1.5",
			`options.service-client-api.rate-limit.interaction.markdone: must be an integer or a decimal string, not the string "1e3"`,
			"options.service-client-api.user-data.write-allowed: must be a string, not the boolean true",
			"options.service-client-api.user-data.write-alowed: unknown option; did you mean service-client-api.user-data.write-allowed?",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := CheckOptions(policies.Schemas, tt.in)
			var problems []string
			var oe *OptionsError
			if errors.As(err, &oe) {
				problems = oe.Problems
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEngineChecksOptions: the engine checks its options against the
// schema it compiles with, so a Go caller cannot pass a misspelled option
// either, and policies see accepted strings as their schema type.
func TestEngineChecksOptions(t *testing.T) {
	t.Parallel()
	err := Check(context.Background(), Config{Bundled: policies.FS, Schemas: policies.Schemas,
		Options: map[string]any{"service-client-api.user-data.write-alowed": "Notes"}})
	if err == nil || !strings.Contains(err.Error(), "did you mean service-client-api.user-data.write-allowed?") {
		t.Errorf("misspelled option: %v", err)
	}
	e, err := New(context.Background(), Config{Bundled: policies.FS, Schemas: policies.Schemas,
		Options: map[string]any{"interaction.disposition.is-mandatory": "True"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.Decide(context.Background(), policy.Input{Operation: wwe.OpMarkDone, Interaction: &wwe.Interaction{InteractionID: "1", IsMainCaseInteraction: true}})
	if err != nil || d.Allow {
		t.Errorf("markdone without a disposition under is-mandatory \"True\": %+v, %v", d, err)
	}
}
