package guard

import (
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// scanSeeds are module sources with every shape of rule head the scan meets:
// complete rules, partial sets and objects, ref heads, functions, else
// chains and defaults, in and out of the extension points' packages.
var scanSeeds = []string{
	"package wwe.userdata\n\ndeny := set()\n",
	"package wwe.userdata\n\ndeny contains {\"key\": w.key, \"code\": \"C\", \"message\": \"m\"} if {\n\tsome w in input.writes\n}\n",
	"package wwe.userdata\n\n# METADATA\n# labels:\n#   enforcement: dryrun\ndeny contains {\"key\": \"k\", \"code\": upper(\"c\"), \"message\": \"m\"}\n",
	"package wwe.userdata\n\ndeny[k] := {\"code\": \"C\"} if {\n\tsome k in [\"a\"]\n}\n",
	"package wwe.access\n\ndeny(x) := {\"code\": \"C\", \"message\": x}\n",
	"package wwe.markdone\n\ndefault block := set()\n",
	"package wwe\n\nuserdata.deny contains {\"key\": \"k\", \"code\": \"C\", \"message\": \"m\"}\n",
	"package wwe.userdata.deny\n\nx contains 1\n",
	"package wwe.userdata\n\n# METADATA\n# labels:\n#   code: NO_SSN\n#   enforcement: dryrun\nkey_deny.SSN := {\"code\": \"NO_SSN\", \"message\": \"m\"}\n",
	"package wwe.userdata\n\nkey_deny[\"A b\"] := {\"code\": \"X\", \"message\": \"m\"} if input.operation == \"consult\" else := {\"code\": \"Y\", \"message\": \"m\"}\n",
	"package wwe.userdata\n\nkey_deny contains \"SSN\"\n",
	"package wwe.userdata\n\nkey_deny := {\"SSN\": {\"code\": \"X\", \"message\": \"m\"}}\n",
	"package wwe.userdata\n\nkey_deny.a.b[c] := 1 if c := \"x\"\n",
	"package wwe.userdata\n\nread_deny contains k if some k in [\"a\"]\n",
	"package wwe.userdata\n\nf(x) := y if y := x else := 2\n",
	"package p\n\n# METADATA\n# labels:\n#   enforcement: dryrun\ndeny contains 1\n",
}

// FuzzRuleScan runs the loader's rule scan over any module that parses: it
// must never panic, every problem it finds names the module's file, and no
// refusal rule labelled enforcement: dryrun is left enforcing without a
// problem that says so.
func FuzzRuleScan(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m, err := ast.ParseModuleWithOpts("f.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil || m == nil {
			return
		}
		c := catalogRules(map[string]*ast.Module{"f.rego": m}, nil)
		for _, p := range c.problems {
			if !strings.HasPrefix(p, "f.rego:") {
				t.Errorf("problem without the file's location: %s", p)
			}
		}
		for _, rule := range m.Rules {
			x, ok := extensionRuleOf(m, rule)
			if !ok || !x.point.refusal || !labelledDryRun(rule) {
				continue
			}
			at := rule.Location.String() + ":"
			if !slices.ContainsFunc(c.problems, func(p string) bool { return strings.HasPrefix(p, at) }) {
				t.Errorf("rule labelled dryrun at %s still enforces (%s) and no problem says so: %v", rule.Location, x.ref, c.problems)
			}
		}
	})
}

func labelledDryRun(rule *ast.Rule) bool {
	for _, a := range rule.Annotations {
		if a != nil && a.Labels["enforcement"] == rolloutDryRun {
			return true
		}
	}
	return false
}
