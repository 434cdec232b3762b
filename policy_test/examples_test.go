package policytest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/cover"
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
