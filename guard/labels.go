package guard

import (
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// ruleLabels maps a reason code to the METADATA labels of the extension
// rules that give it. It is built once per policy set from the rules whose
// reason has a constant code, so a decision finds the labels of its reasons
// with a map lookup instead of tracking every rule evaluation.
type ruleLabels map[string][]map[string]any

// labelsByCode reads the labels of every extension rule with a constant
// code from the parsed modules.
func labelsByCode(modules map[string]*ast.Module) ruleLabels {
	out := ruleLabels{}
	for _, m := range modules {
		for _, rule := range m.Rules {
			if !slices.Contains(extensionRules, rule.Path().String()) {
				continue
			}
			code, ok := constantCode(rule)
			if !ok {
				continue
			}
			for _, a := range rule.Annotations {
				if len(a.Labels) > 0 {
					out[code] = append(out[code], a.Labels)
				}
			}
		}
	}
	return out
}

// of returns the labels of the rules that gave the reasons, each set once.
func (rl ruleLabels) of(reasons ...[]wwe.Reason) []map[string]any {
	var out []map[string]any
	var seen []string
	for _, rs := range reasons {
		for _, r := range rs {
			if slices.Contains(seen, r.Code) {
				continue
			}
			seen = append(seen, r.Code)
			out = append(out, rl[r.Code]...)
		}
	}
	return out
}
