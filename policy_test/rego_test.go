// Package policytest runs the Rego gates from `go test`: every Rego test
// under policies/ and policy_test/ through OPA's tester, the coverage floor
// of the shipped policies, `opa fmt` and `opa check --strict`. So the one Go
// test command covers the Rego as well; `go tool opa test policies policy_test`
// keeps working the same way for teams that only use the CLI.
package policytest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/tester"
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
	ctx := context.Background()
	modules, store, err := tester.Load(regoDirs, nil)
	if err != nil {
		t.Fatalf("load rego: %v", err)
	}
	cov := cover.New()
	runner := tester.NewRunner().SetStore(store).SetModules(modules).SetCoverageQueryTracer(cov)
	txn := storageTxn(ctx, t, store)
	results, err := runner.RunTests(ctx, txn)
	if err != nil {
		t.Fatalf("run rego tests: %v", err)
	}
	var r regoReport
	for res := range results {
		switch {
		case res.Error != nil:
			t.Errorf("%s.%s: error: %v", res.Package, res.Name, res.Error)
		case res.Skip:
		case res.Fail:
			t.Errorf("%s.%s: FAIL", res.Package, res.Name)
		default:
			r.passed++
		}
	}
	shipped := map[string]*ast.Module{}
	for name, m := range modules {
		if strings.Contains(filepath.ToSlash(name), "policies/") {
			shipped[name] = m
		}
	}
	rep := cov.Report(shipped)
	var covered, notCovered int
	for name, f := range rep.Files {
		covered += f.CoveredLines
		notCovered += f.NotCoveredLines
		for _, rng := range f.NotCovered {
			r.uncovered = append(r.uncovered, fmt.Sprintf("%s:%d-%d", name, rng.Start.Row, rng.End.Row))
		}
	}
	sort.Strings(r.uncovered)
	if covered+notCovered > 0 {
		r.coverage = 100 * float64(covered) / float64(covered+notCovered)
	}
	return r
}

func TestRegoFormatted(t *testing.T) {
	t.Parallel()
	for _, path := range regoFiles(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := format.Source(path, src)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if !bytes.Equal(src, want) {
			t.Errorf("%s is not opa fmt formatted (run go tool opa fmt -w policies policy_test)", path)
		}
	}
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

func regoFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range regoDirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".rego") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) == 0 {
		t.Fatal("no .rego files found")
	}
	return files
}
