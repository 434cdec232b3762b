package guard

import (
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Per-rule roll-out: a rule of an extension point annotated with
//
//	# METADATA
//	# labels:
//	#   enforcement: dryrun
//
// is observed, not enforced: what it refuses lands in the decision's
// dryRunReasons (and the decision log) instead of refusing the request.
// The entry point reads the observed reason codes from
// data.wwe.rollout.dryrun, which a data file in a policy path may also set.

// rolloutDryRun is the label value that rolls a rule out in observe-only mode.
const rolloutDryRun = "dryrun"

// catalog is what the guard reads once per policy set from the heads and
// METADATA of the extension rules. It reads the parsed modules: compiling
// rewrites rule heads, and with them the constant codes.
type catalog struct {
	dryRun   []string   // reason codes of the rules labelled enforcement: dryrun, sorted
	labels   ruleLabels // METADATA labels by reason code
	problems []string   // extension rules the entry point cannot gather, dry-run rules without a constant code
}

func catalogRules(modules map[string]*ast.Module) catalog {
	c := catalog{labels: ruleLabels{}}
	for _, m := range modules {
		for _, rule := range m.Rules {
			x, ok := extensionRuleOf(m, rule)
			if !ok {
				continue
			}
			if p := x.shapeProblem(); p != "" {
				c.problems = append(c.problems, p)
				continue
			}
			if !x.point.refusal || x.point.table {
				continue
			}
			code, constant := x.constantCode()
			for _, a := range rule.Annotations {
				if len(a.Labels) == 0 {
					continue
				}
				if constant {
					c.labels[code] = append(c.labels[code], a.Labels)
				}
				if a.Labels["enforcement"] != rolloutDryRun {
					continue
				}
				if !constant {
					c.problems = append(c.problems, fmt.Sprintf("%s: rule %s is labelled enforcement: dryrun but its reason has no constant \"code\"", rule.Location, x.point.path))
					continue
				}
				c.dryRun = append(c.dryRun, code)
			}
		}
	}
	slices.Sort(c.dryRun)
	c.dryRun = slices.Compact(c.dryRun)
	slices.Sort(c.problems)
	return c
}

// withDryRunCodes adds codes to data.wwe.rollout.dryrun of data.
func withDryRunCodes(data map[string]any, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	wwe, _ := data["wwe"].(map[string]any)
	rollout, ok := wwe["rollout"].(map[string]any)
	if !ok {
		if wwe["rollout"] != nil {
			return fmt.Errorf("data.wwe.rollout must be an object")
		}
		rollout = map[string]any{}
		wwe["rollout"] = rollout
	}
	list, ok := rollout["dryrun"].([]any)
	if !ok && rollout["dryrun"] != nil {
		return fmt.Errorf("data.wwe.rollout.dryrun must be a list of reason codes")
	}
	for _, c := range codes {
		list = append(list, c)
	}
	rollout["dryrun"] = list
	return nil
}
