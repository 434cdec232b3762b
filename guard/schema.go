package guard

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// schemas is the JSON Schemas rules are type-checked against, and the option
// names the options schema knows.
type schemas struct {
	set     *ast.SchemaSet
	options []string              // sorted; nil when there is no options schema
	types   map[string]optionType // the type of each option; nil when there is no options schema
}

// optionsSchema is the schema of data.wwe.options, by its path in the schema FS.
const optionsSchema = "wwe/options.json"

// loadSchemas reads every .json file of fsys into a schema set, keyed as
// `opa check -s DIR` keys them: input.json is schema.input,
// wwe/options.json is schema.wwe.options.
func loadSchemas(fsys fs.FS) (schemas, error) {
	var s schemas
	if fsys == nil {
		return s, nil
	}
	s.set = ast.NewSchemaSet()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return fmt.Errorf("schema %s: %w", p, err)
		}
		key := ast.Ref{ast.SchemaRootDocument}
		for _, part := range strings.Split(strings.TrimSuffix(p, ".json"), "/") {
			key = append(key, ast.StringTerm(part))
		}
		s.set.Put(key, doc)
		if p == optionsSchema {
			if s.types, err = optionTypes(doc); err != nil {
				return fmt.Errorf("schema %s: %w", p, err)
			}
			s.options = make([]string, 0, len(s.types))
			for name := range s.types {
				s.options = append(s.options, name)
			}
			slices.Sort(s.options)
		}
		return nil
	})
	if err != nil {
		return schemas{}, err
	}
	return s, nil
}

// optionFuncs are the helpers of policies/lib/options.rego whose first
// argument is an option name.
var optionFuncs = map[string]bool{
	"data.wwe.config.option":   true,
	"data.wwe.config.is_set":   true,
	"data.wwe.config.enabled":  true,
	"data.wwe.config.key_list": true,
	"data.wwe.config.allows":   true,
}

// unknownOptions finds calls of the option helpers with a constant option
// name the options schema does not know: the type checker sees
// data.wwe.options["x"], but not a name passed to a function.
func (s schemas) unknownOptions(modules map[string]*ast.Module) []string {
	if s.options == nil {
		return nil
	}
	var problems []string
	for _, m := range modules {
		ast.WalkExprs(m, func(e *ast.Expr) bool {
			terms, ok := e.Terms.([]*ast.Term)
			if !ok || len(terms) < 2 || !optionFuncs[e.Operator().String()] {
				return false
			}
			name, ok := terms[1].Value.(ast.String)
			if ok && !slices.Contains(s.options, string(name)) {
				problems = append(problems, fmt.Sprintf("%s: rego_type_error: unknown option %q (not in policies/schemas/%s)", e.Location, string(name), optionsSchema))
			}
			return false
		})
	}
	slices.Sort(problems)
	return problems
}
