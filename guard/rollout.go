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

// extensionRules are the rules whose reasons are refusals.
var extensionRules = []string{"data.wwe.userdata.deny", "data.wwe.markdone.block", "data.wwe.access.deny"}

// rolloutDryRun is the label value that rolls a rule out in observe-only mode.
const rolloutDryRun = "dryrun"

// catalog is what the guard reads once per policy set from the heads and
// METADATA of the extension rules. It reads the parsed modules: compiling
// rewrites rule heads, and with them the constant codes.
type catalog struct {
	dryRun   []string   // reason codes of the rules labelled enforcement: dryrun, sorted
	labels   ruleLabels // METADATA labels by reason code
	problems []string   // rules labelled dryrun without a constant code
}

func catalogRules(modules map[string]*ast.Module) catalog {
	c := catalog{labels: ruleLabels{}}
	for _, m := range modules {
		for _, rule := range m.Rules {
			if !slices.Contains(extensionRules, rule.Path().String()) {
				continue
			}
			code, constant := constantCode(rule)
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
					c.problems = append(c.problems, fmt.Sprintf("%s: rule %s is labelled enforcement: dryrun but its reason has no constant \"code\"", rule.Location, rule.Path()))
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

// constantCode returns the "code" of a rule's reason object when it is a
// string constant in the rule head.
func constantCode(rule *ast.Rule) (string, bool) {
	obj, ok := rule.Head.Key.Value.(ast.Object)
	if !ok {
		return "", false
	}
	t := obj.Get(ast.StringTerm("code"))
	if t == nil {
		return "", false
	}
	s, ok := t.Value.(ast.String)
	return string(s), ok
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
