package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/util"
)

// load parses the bundled policies and every configured path. bundled names
// the modules built into the binary.
func load(cfg Config, sch schemas) (modules map[string]*ast.Module, bundled map[string]bool, docs map[string]any, revisions map[string]string, err error) {
	modules, bundled, docs = map[string]*ast.Module{}, map[string]bool{}, map[string]any{}
	var problems []string
	if cfg.Bundled != nil {
		err := fs.WalkDir(cfg.Bundled, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(p) != ".rego" {
				return err
			}
			src, err := fs.ReadFile(cfg.Bundled, p)
			if err != nil {
				return err
			}
			problems = parseInto(modules, "policies/"+p, src, problems)
			bundled["policies/"+p] = true
			return nil
		})
		if err != nil {
			return nil, nil, nil, nil, &CompileError{Problems: []string{fmt.Sprintf("read bundled policies: %v", err)}}
		}
	}
	for _, root := range cfg.Paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			problems = parseInto(modules, p, src, problems)
			return nil
		})
		if err != nil {
			problems = append(problems, fmt.Sprintf("policies path %s: %v", root, err))
		}
	}
	if len(cfg.Paths) > 0 {
		// Data documents (.json, .yaml) of the policy paths, by OPA's rules.
		res, err := loader.NewFileLoader().WithRegoVersion(ast.RegoV1).Filtered(cfg.Paths, func(_ string, info fs.FileInfo, _ int) bool {
			return !info.IsDir() && filepath.Ext(info.Name()) == ".rego"
		})
		if err != nil {
			problems = append(problems, problemLines(err)...)
		} else {
			docs = res.Documents
		}
	}
	revisions, bundleProblems := loadBundles(cfg.Bundles, modules, docs)
	problems = append(problems, bundleProblems...)
	if len(problems) > 0 && len(modules) > 0 {
		// Compile what parsed too, so one run reports every problem.
		compiler := newCompiler(sch)
		compiler.Compile(modules)
		problems = append(problems, compileError(compiler.Errors).Problems...)
	}
	if len(problems) > 0 {
		return nil, nil, nil, nil, &CompileError{Problems: problems}
	}
	if len(modules) == 0 {
		return nil, nil, nil, nil, &CompileError{Problems: []string{"no policy modules: enable policies.bundled, list policies.paths or policies.bundles"}}
	}
	return modules, bundled, docs, revisions, nil
}

// parseInto parses one Rego v1 module into modules, or adds its problems.
func parseInto(modules map[string]*ast.Module, name string, src []byte, problems []string) []string {
	m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err != nil {
		return append(problems, problemLines(err)...)
	}
	modules[name] = m
	return problems
}

// dataDocument merges the loaded data documents with data.wwe.options and,
// when set, data.wwe.workspace: both come from the config, never from data
// files.
func dataDocument(docs map[string]any, options, workspace map[string]any) (map[string]any, error) {
	var opts any = map[string]any{}
	if options != nil {
		// Normalise YAML's Go values (int, bool, ...) to JSON's.
		b, err := json.Marshal(options)
		if err != nil {
			return nil, fmt.Errorf("options: %w", err)
		}
		if err := util.UnmarshalJSON(b, &opts); err != nil {
			return nil, fmt.Errorf("options: %w", err)
		}
	}
	data := map[string]any{}
	for k, v := range docs {
		data[k] = v
	}
	wwe, _ := data["wwe"].(map[string]any)
	if wwe == nil {
		wwe = map[string]any{}
	}
	for _, name := range []string{"options", "workspace"} {
		if _, taken := wwe[name]; taken {
			return nil, fmt.Errorf("data.wwe.%s comes from the config, not from data files", name)
		}
	}
	wwe["options"] = opts
	if workspace != nil {
		wwe["workspace"] = workspace
	}
	data["wwe"] = wwe
	return data, nil
}

// revisionOf is a hash of a policy set: each module's name and formatted
// text, in name order, the data document as JSON (keys sorted, the options
// included), and the modes that turn decisions into verdicts.
func revisionOf(modules map[string]*ast.Module, data map[string]any, modes ...string) (string, error) {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(modules)) {
		fmt.Fprintf(h, "%s\x00%s\x00", name, modules[name].String())
	}
	b, err := json.Marshal(data)
	if err != nil {
		return "", fmt.Errorf("policy revision: %w", err)
	}
	h.Write(b)
	for _, m := range modes {
		fmt.Fprintf(h, "\x00%s", m)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
