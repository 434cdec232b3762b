package guard

import (
	"slices"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// ruleLabels maps a reason code to the METADATA labels of the refusal rules
// that give it, the enforced rules and the observed (enforcement: dryrun)
// rules apart, so a trial rule that reuses a code does not lend its labels
// to the enforced rule's refusals, nor the other way round. catalogRules
// builds it once per policy set from the rules whose reason has a constant
// code, so a decision finds the labels of its reasons with a map lookup
// instead of tracking every rule evaluation.
type ruleLabels struct {
	enforced map[string][]map[string]any
	observed map[string][]map[string]any
	// dataCodes are the codes data.wwe.rollout.dryrun observes: their
	// enforced rules' reasons are observed too.
	dataCodes []string
}

func newRuleLabels() ruleLabels {
	return ruleLabels{enforced: map[string][]map[string]any{}, observed: map[string][]map[string]any{}}
}

func (rl ruleLabels) add(code string, observed bool, labels map[string]any) {
	if observed {
		rl.observed[code] = append(rl.observed[code], labels)
		return
	}
	rl.enforced[code] = append(rl.enforced[code], labels)
}

// of returns the labels of the rules that gave the enforced reasons and the
// observed ones, each rule's once.
func (rl ruleLabels) of(reasons, dryRun []wwe.Reason) []map[string]any {
	var out []map[string]any
	var seen []string
	for _, r := range reasons {
		if !slices.Contains(seen, r.Code) {
			seen = append(seen, r.Code)
			out = append(out, rl.enforced[r.Code]...)
		}
	}
	var seenObserved []string
	for _, r := range dryRun {
		if slices.Contains(seenObserved, r.Code) {
			continue
		}
		seenObserved = append(seenObserved, r.Code)
		out = append(out, rl.observed[r.Code]...)
		if slices.Contains(rl.dataCodes, r.Code) && !slices.Contains(seen, r.Code) {
			out = append(out, rl.enforced[r.Code]...)
		}
	}
	return out
}
