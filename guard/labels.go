package guard

import (
	"slices"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// ruleLabels maps a reason code to the METADATA labels of the extension
// rules that give it. catalogRules builds it once per policy set from the
// rules whose reason has a constant code, so a decision finds the labels of its reasons
// with a map lookup instead of tracking every rule evaluation.
type ruleLabels map[string][]map[string]any

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
