package guard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// TestDryRunLabel: a rule labelled enforcement: dryrun is observed (its
// message may be computed; its code must be a constant), and one whose code
// is computed is refused at compile time with its location.
func TestDryRunLabel(t *testing.T) {
	t.Parallel()
	const observed = `package wwe.userdata

# METADATA
# labels:
#   enforcement: dryrun
deny contains {"key": w.key, "code": "NEW_RULE", "message": sprintf("no %s", [w.key])} if {
	some w in input.writes
}
`
	e := mustEngine(t, Config{Bundled: policies.FS, Schemas: policies.Schemas}, map[string]string{"new.rego": observed})
	in := policy.Input{Operation: wwe.OpSetUserData, KeyValues: wwe.UserData{"Notes": "x"}}
	in.Writes = policy.WritesFor(in.Operation, in.KeyValues, "")
	d, err := e.Decide(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Allow || d.Verdict.Action != policy.Forward || len(d.DryRunReasons) != 1 || d.DryRunReasons[0].Message != "no Notes" {
		t.Errorf("observed rule: %+v", d)
	}

	const computed = `package wwe.userdata

# METADATA
# labels:
#   enforcement: dryrun
deny contains {"key": w.key, "code": upper(w.key), "message": "no"} if {
	some w in input.writes
}
`
	dir := t.TempDir()
	mustWriteFile(t, dir, "computed.rego", computed)
	err = Check(context.Background(), Config{Bundled: policies.FS, Schemas: policies.Schemas, Paths: []string{dir}})
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Error(), "computed.rego:6: rule data.wwe.userdata.deny is labelled enforcement: dryrun but its reason has no constant \"code\"") {
		t.Errorf("computed code: %v", err)
	}
}

// TestDryRunLabelEveryHeadForm: a labelled rule is observed in every form an
// extension rule may take — a ref head from a parent package, a key_deny
// entry by name, by bracket and with an else chain — and only that rule: an
// enforced rule giving the same code still refuses. A labelled entry the
// guard cannot rename is a check problem.
func TestDryRunLabelEveryHeadForm(t *testing.T) {
	t.Parallel()
	const label = "# METADATA\n# labels:\n#   code: C\n#   enforcement: dryrun\n"
	tests := []struct {
		name, src string
	}{
		{"ref head from package wwe", "package wwe\n\n" + label + "userdata.deny contains {\"key\": \"Notes\", \"code\": \"WRITE_ALLOWED\", \"message\": \"m\"} if {\n\tsome w in input.writes\n\tw.key == \"Notes\"\n}\n"},
		{"key_deny entry", "package wwe.userdata\n\n" + label + "key_deny.Notes := {\"code\": \"WRITE_ALLOWED\", \"message\": \"m\"}\n"},
		{"key_deny bracket entry with else", "package wwe.userdata\n\n" + label + "key_deny[\"Notes\"] := {\"code\": \"WRITE_ALLOWED\", \"message\": \"m\"} if {\n\tinput.operation == \"consult\"\n} else := {\"code\": \"WRITE_ALLOWED\", \"message\": \"m\"}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEngine(t, Config{Bundled: policies.FS, Schemas: policies.Schemas,
				Options: map[string]any{"service-client-api.user-data.write-allowed": "Notes"}}, map[string]string{"trial.rego": tt.src})
			in := policy.Input{Operation: wwe.OpSetUserData, KeyValues: wwe.UserData{"Notes": "x", "SSN": "1"}}
			in.Writes = policy.WritesFor(in.Operation, in.KeyValues, "")
			d, err := e.Decide(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allow || len(d.DeniedKeys) != 1 || d.DeniedKeys[0] != "SSN" || len(d.DryRunReasons) != 1 || d.DryRunReasons[0].Key != "Notes" {
				t.Errorf("decision: %+v", d)
			}
		})
	}

	dir := t.TempDir()
	mustWriteFile(t, dir, "deep.rego", "package wwe.userdata.key_deny\n\n"+label+"Notes := {\"code\": \"C\", \"message\": \"m\"}\n")
	err := Check(context.Background(), Config{Bundled: policies.FS, Schemas: policies.Schemas, Paths: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), "deep.rego:7: rule data.wwe.userdata.key_deny is labelled enforcement: dryrun but is defined in package data.wwe.userdata.key_deny; define it in package data.wwe.userdata to observe it") {
		t.Errorf("entry in a package of its own: %v", err)
	}
}

// TestExplainMarksOnlyTheObservedRule: --explain marks the labelled rule's
// refusal as observed and leaves the shipped rule with the same code
// enforced.
func TestExplainMarksOnlyTheObservedRule(t *testing.T) {
	t.Parallel()
	const trial = `package wwe.userdata

# METADATA
# title: Trial
# labels:
#   enforcement: dryrun
deny contains {"key": "Notes", "code": "WRITE_ALLOWED", "message": "trial"} if {
	some w in input.writes
	w.key == "Notes"
}
`
	e := mustEngine(t, Config{Bundled: policies.FS, Schemas: policies.Schemas,
		Options: map[string]any{"service-client-api.user-data.write-allowed": "Notes"}}, map[string]string{"trial.rego": trial})
	input := map[string]any{"operation": "setUserData", "writes": []any{
		map[string]any{"op": "set", "key": "Notes", "value": "x"}, map[string]any{"op": "set", "key": "SSN", "value": "1"},
	}}
	res, err := e.Eval(context.Background(), input, EvalOptions{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Contributions {
		if reason, ok := c.Value.(map[string]any); ok {
			got = append(got, fmt.Sprintf("%s.%s %v %v dryRun=%v", c.Package, c.Rule, reason["key"], c.Title, c.DryRun))
		}
	}
	slices.Sort(got)
	want := []string{"wwe.userdata.deny Notes Trial dryRun=true", "wwe.userdata.deny SSN Write-allowed user-data keys dryRun=false"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contributions (-want +got):\n%s", diff)
	}
}
