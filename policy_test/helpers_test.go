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
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/tester"
)

func storageTxn(ctx context.Context, t *testing.T, store storage.Store) storage.Transaction {
	t.Helper()
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Abort(ctx, txn) })
	return txn
}

// runRegoTests runs every Rego test found in dirs, as `opa test dirs...`
// does, reports each failing or erroring test, and returns how many passed
// and the modules it loaded. cov, when not nil, records coverage.
func runRegoTests(t *testing.T, dirs []string, cov *cover.Cover) (int, map[string]*ast.Module) {
	t.Helper()
	ctx := context.Background()
	modules, store, err := tester.Load(dirs, nil)
	if err != nil {
		t.Fatalf("load rego: %v", err)
	}
	runner := tester.NewRunner().SetStore(store).SetModules(modules)
	if cov != nil {
		runner = runner.SetCoverageQueryTracer(cov)
	}
	results, err := runner.RunTests(ctx, storageTxn(ctx, t, store))
	if err != nil {
		t.Fatalf("run rego tests: %v", err)
	}
	passed := 0
	for res := range results {
		switch {
		case res.Error != nil:
			t.Errorf("%s.%s: error: %v", res.Package, res.Name, res.Error)
		case res.Skip:
		case res.Fail:
			t.Errorf("%s.%s: FAIL", res.Package, res.Name)
		default:
			passed++
		}
	}
	return passed, modules
}

// coverageOf is the line coverage, in percent, of the modules whose file
// name contains under (tests excluded), and the ranges not covered.
func coverageOf(cov *cover.Cover, modules map[string]*ast.Module, under string) (float64, []string) {
	files := map[string]*ast.Module{}
	for name, m := range modules {
		if strings.Contains(filepath.ToSlash(name), under) && !strings.HasSuffix(name, "_test.rego") {
			files[name] = m
		}
	}
	var covered, notCovered int
	var uncovered []string
	for name, f := range cov.Report(files).Files {
		covered += f.CoveredLines
		notCovered += f.NotCoveredLines
		for _, rng := range f.NotCovered {
			uncovered = append(uncovered, fmt.Sprintf("%s:%d-%d", name, rng.Start.Row, rng.End.Row))
		}
	}
	sort.Strings(uncovered)
	if covered+notCovered == 0 {
		return 0, uncovered
	}
	return 100 * float64(covered) / float64(covered+notCovered), uncovered
}

// checkRegoFormatted fails for every .rego file under dirs that `opa fmt`
// would change.
func checkRegoFormatted(t *testing.T, dirs []string) {
	t.Helper()
	for _, path := range regoFilesIn(t, dirs) {
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
			t.Errorf("%s is not opa fmt formatted (run go tool opa fmt -w %s)", path, filepath.Dir(path))
		}
	}
}

func regoFilesIn(t *testing.T, dirs []string) []string {
	t.Helper()
	var files []string
	for _, dir := range dirs {
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
