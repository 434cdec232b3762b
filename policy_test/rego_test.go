// Package policytest runs the Rego gates from `go test`: every Rego test
// under policies/ and policy_test/ through OPA's tester, the coverage floor
// of the shipped policies, `opa fmt` and `opa check --strict`. So the one Go
// test command covers the Rego as well; `go tool opa test policies policy_test`
// keeps working the same way for teams that only use the CLI.
package policytest

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/loader"
)

// minCoverage is the floor for the shipped policies, in percent.
const minCoverage = 95.0

var regoDirs = []string{"../policies", "."}

func TestRegoTests(t *testing.T) {
	t.Parallel()
	report := runRego(t)
	t.Logf("opa test: %d passed, coverage of policies/ %.1f%%", report.passed, report.coverage)
	if report.passed == 0 {
		t.Fatal("no Rego test ran")
	}
	if report.coverage < minCoverage {
		t.Errorf("coverage of policies/ is %.1f%%, below %.0f%%; not covered:\n%s", report.coverage, minCoverage, strings.Join(report.uncovered, "\n"))
	}
}

type regoReport struct {
	passed    int
	coverage  float64
	uncovered []string
}

func runRego(t *testing.T) regoReport {
	t.Helper()
	cov := cover.New()
	passed, modules := runRegoTests(t, regoDirs, cov)
	r := regoReport{passed: passed}
	r.coverage, r.uncovered = coverageOf(cov, modules, "policies/")
	return r
}

func TestRegoFormatted(t *testing.T) {
	t.Parallel()
	checkRegoFormatted(t, regoDirs)
}

func TestRegoStrict(t *testing.T) {
	t.Parallel()
	compiler := strictCompile(t, regoDirs...)
	for _, e := range compiler.Errors {
		t.Errorf("strict check: %v", e)
	}
}

// strictCompile compiles the Rego of dirs as `opa check --strict -s
// ../policies/schemas` does: strict, and type-checked against the schemas the
// METADATA annotations name.
func strictCompile(t *testing.T, dirs ...string) *ast.Compiler {
	t.Helper()
	loaded, err := loader.NewFileLoader().WithRegoVersion(ast.RegoV1).WithProcessAnnotation(true).Filtered(dirs, nil)
	if err != nil {
		t.Fatalf("load rego: %v", err)
	}
	schemas, err := loader.Schemas("../policies/schemas")
	if err != nil {
		t.Fatalf("load schemas: %v", err)
	}
	compiler := ast.NewCompiler().WithStrict(true).WithSchemas(schemas).WithUseTypeCheckAnnotations(true)
	compiler.Compile(loaded.ParsedModules())
	return compiler
}
