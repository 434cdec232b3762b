package policytest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/loader"
)

// The policy library: every examples/<name>/policy directory is tested with
// the shipped policies, one example at a time, since they all add to the
// same extension points and each example's tests expect only its own rules
// (`go tool opa test policies examples/<name>/policy`).

func TestExamplePolicies(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob("../examples/*/policy")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no examples/*/policy directories")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(filepath.Dir(dir)), func(t *testing.T) {
			t.Parallel()
			paths := []string{"../policies", dir}
			cov := cover.New()
			passed, modules := runRegoTests(t, paths, cov)
			if passed == 0 {
				t.Fatal("no Rego test ran")
			}
			coverage, uncovered := coverageOf(cov, modules, filepath.ToSlash(dir)+"/")
			t.Logf("opa test: %d passed, coverage of %s %.1f%%", passed, dir, coverage)
			if coverage < 100 {
				t.Errorf("coverage of %s is %.1f%%: every rule needs a test; not covered:\n%s", dir, coverage, strings.Join(uncovered, "\n"))
			}
			checkRegoFormatted(t, []string{dir})
			for _, e := range strictCompile(t, paths...).Errors {
				t.Errorf("strict check: %v", e)
			}
			checkRuleMetadata(t, dir)
		})
	}
}

// TestExamplePoliciesCompileTogether: a team may deploy several examples
// into one policy directory, so their helper rules must not clash.
func TestExamplePoliciesCompileTogether(t *testing.T) {
	t.Parallel()
	dirs, err := filepath.Glob("../examples/*/policy")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range strictCompile(t, append([]string{"../policies"}, dirs...)...).Errors {
		t.Errorf("strict check: %v", e)
	}
}

// extensionPoints are the rules an example adds to (DESIGN.md §3).
var extensionPoints = map[string]bool{
	"data.wwe.userdata.deny":      true,
	"data.wwe.userdata.read_deny": true,
	"data.wwe.markdone.block":     true,
	"data.wwe.access.deny":        true,
}

// checkRuleMetadata: every extension rule of the files under dir has a
// METADATA block with a title, a description and the labels code and
// compliance (the decision log records them as rule_labels), and a rule whose
// reason names its code names the same one. It reads the modules as parsed:
// the compiler rewrites rule heads that call functions.
func checkRuleMetadata(t *testing.T, dir string) {
	t.Helper()
	loaded, err := loader.NewFileLoader().WithRegoVersion(ast.RegoV1).WithProcessAnnotation(true).Filtered([]string{dir}, nil)
	if err != nil {
		t.Fatalf("load rego: %v", err)
	}
	rules := 0
	for name, m := range loaded.ParsedModules() {
		if strings.HasSuffix(name, "_test.rego") {
			continue
		}
		for _, rule := range m.Rules {
			path := rule.Ref().GroundPrefix() // up to a variable in the head, as the deprecated Path was
			if !extensionPoints[path.String()] {
				continue
			}
			rules++
			if len(rule.Annotations) == 0 {
				t.Errorf("%s: rule %s has no METADATA", rule.Location, path)
				continue
			}
			a := rule.Annotations[0]
			code, _ := a.Labels["code"].(string)
			compliance, _ := a.Labels["compliance"].(string)
			if a.Title == "" || a.Description == "" || code == "" || compliance == "" {
				t.Errorf("%s: METADATA of %s needs title, description, labels.code and labels.compliance", rule.Location, path)
			}
			if obj, ok := rule.Head.Key.Value.(ast.Object); ok {
				if term := obj.Get(ast.StringTerm("code")); term == nil || !term.Equal(ast.StringTerm(code)) {
					t.Errorf("%s: labels.code is %q, but the rule's reason has code %v", rule.Location, code, term)
				}
			}
		}
	}
	if rules == 0 {
		t.Errorf("no extension rule under %s", dir)
	}
}
