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

// dryRunCodes returns the reason codes of the extension rules labelled
// enforcement: dryrun. Such a rule must name its code as a constant, so the
// code identifies it. It reads the parsed modules: compiling rewrites rule
// heads.
func dryRunCodes(modules map[string]*ast.Module) ([]string, []string) {
	var codes, problems []string
	for _, m := range modules {
		for _, rule := range m.Rules {
			if !labelledDryRun(rule) || !slices.Contains(extensionRules, rule.Path().String()) {
				continue
			}
			code, ok := constantCode(rule)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: rule %s is labelled enforcement: dryrun but its reason has no constant \"code\"", rule.Location, rule.Path()))
				continue
			}
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	slices.Sort(problems)
	return slices.Compact(codes), problems
}

func labelledDryRun(rule *ast.Rule) bool {
	return slices.ContainsFunc(rule.Annotations, func(a *ast.Annotations) bool {
		return a.Labels["enforcement"] == rolloutDryRun
	})
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
