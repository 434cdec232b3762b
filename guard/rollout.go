package guard

import (
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Per-rule roll-out: a deny, block or key_deny rule annotated with
//
//	# METADATA
//	# labels:
//	#   enforcement: dryrun
//
// is observed, not enforced: what it refuses lands in the decision's
// dryRunReasons (and the decision log) instead of refusing the request.
// Observation is per rule, never per reason code: at load time the guard
// renames each labelled rule, in its own module, to the observed twin of its
// extension point (deny_dryrun, block_dryrun, key_deny_dryrun), which the
// entry point gathers as observed, and sets data.wwe.rollout.labelled. A
// rule of one's own that gives the code of a shipped rule is observed alone;
// the shipped rule keeps enforcing. A team's `opa test` sees the rule under
// the name it was written with.
//
// data.wwe.rollout.dryrun, a list a data file may set, stays code-based (for
// rules one cannot label, such as a third party's); the codes of shipped
// rules are refused there.

// rolloutDryRun is the label value that rolls a rule out in observe-only mode.
const rolloutDryRun = "dryrun"

// observedSuffix names an extension point's observed twin: deny_dryrun.
const observedSuffix = "_dryrun"

// catalog is what the guard reads once per policy set from the heads and
// METADATA of the extension rules. It reads the parsed modules: compiling
// rewrites rule heads, and with them the constant codes.
type catalog struct {
	observed bool              // some rule is labelled enforcement: dryrun (and was renamed)
	labels   ruleLabels        // METADATA labels of the refusal rules by reason code, enforced and observed apart
	shipped  map[string]string // reason codes of the bundled rules, with the location of a rule that gives each
	problems []string          // extension rules the entry point cannot gather, dry-run rules it cannot observe
}

// catalogRules scans the parsed modules' extension rules and renames every
// rule labelled enforcement: dryrun to its point's observed twin, in place,
// so the compiler sees it under that name. bundled names the modules built
// into the binary, whose codes are the shipped ones.
func catalogRules(modules map[string]*ast.Module, bundled map[string]bool) catalog {
	c := catalog{labels: newRuleLabels(), shipped: map[string]string{}}
	// In name order: deterministic locations for shipped codes.
	for _, name := range slices.Sorted(maps.Keys(modules)) {
		m := modules[name]
		if m == nil {
			continue
		}
		for _, rule := range m.Rules {
			if bundled[name] {
				c.shipCodes(rule)
			}
			if definesRollout(m, rule) {
				c.problems = append(c.problems, fmt.Sprintf("%s: %s comes from data files and the guard; a rule may not define it", rule.Location, rolloutRef))
				continue
			}
			x, ok := extensionRuleOf(m, rule)
			if !ok {
				continue
			}
			if p := x.shapeProblem(); p != "" {
				c.problems = append(c.problems, p)
				continue
			}
			if !x.point.refusal {
				continue
			}
			c.catalog(m, x, bundled[name])
		}
	}
	slices.Sort(c.problems)
	return c
}

// rolloutRef is the roll-out document: data files (dryrun) and the guard
// (labelled) write it, so its checks hold.
var rolloutRef = ast.MustParseRef("data.wwe.rollout")

// definesRollout reports whether rule defines (part of) data.wwe.rollout,
// which would get around the checks of its data.
func definesRollout(m *ast.Module, rule *ast.Rule) bool {
	if m == nil || m.Package == nil || rule == nil || rule.Head == nil {
		return false
	}
	return m.Package.Path.Extend(rule.Head.Ref()).HasPrefix(rolloutRef)
}

// catalog records the labels of one refusal rule and, when it is labelled
// enforcement: dryrun, renames it to its observed twin.
func (c *catalog) catalog(m *ast.Module, x extensionRule, bundled bool) {
	code, constant := x.constantCode()
	if bundled && constant {
		c.ship(code, x.rule)
	}
	dryRun := false
	for _, a := range x.rule.Annotations {
		if a != nil && a.Labels["enforcement"] == rolloutDryRun {
			dryRun = true
		}
	}
	if dryRun {
		if !constant {
			c.problems = append(c.problems, fmt.Sprintf("%s: rule %s is labelled enforcement: dryrun but its reason has no constant \"code\"", x.rule.Location, x.point.path))
			return
		}
		if err := observe(m, x); err != nil {
			c.problems = append(c.problems, err.Error())
			return
		}
		c.observed = true
	}
	if !constant {
		return
	}
	for _, a := range x.rule.Annotations {
		if a != nil && len(a.Labels) > 0 {
			c.labels.add(code, dryRun, a.Labels)
		}
	}
}

// shipCodes records the "code" labels of a bundled rule.
func (c *catalog) shipCodes(rule *ast.Rule) {
	for _, a := range rule.Annotations {
		if a == nil {
			continue
		}
		if code, ok := a.Labels["code"].(string); ok {
			c.ship(code, rule)
		}
	}
}

func (c *catalog) ship(code string, rule *ast.Rule) {
	if _, ok := c.shipped[code]; !ok && code != "" {
		c.shipped[code] = rule.Location.String()
	}
}

// observe renames the rule x (and its else chain) to its extension point's
// observed twin: `deny contains ...` becomes `deny_dryrun contains ...`,
// `key_deny.SSN := ...` becomes `key_deny_dryrun.SSN := ...`. The rule stays
// in its module, so it reads the same helpers as before.
func observe(m *ast.Module, x extensionRule) error {
	i := len(x.point.path) - 1 - len(m.Package.Path)
	if i < 0 {
		return fmt.Errorf("%s: rule %s is labelled enforcement: dryrun but is defined in package %s; define it in package %s to observe it",
			x.rule.Location, x.point.path, m.Package.Path, x.point.path[:len(x.point.path)-1])
	}
	twin := x.point.name() + observedSuffix
	for r := x.rule; r != nil; r = r.Else {
		ref := r.Head.Ref().Copy()
		if i >= len(ref) {
			return fmt.Errorf("%s: rule %s cannot be observed: its head has no %s", r.Location, x.point.path, x.point.name())
		}
		old := ref[i]
		switch old.Value.(type) {
		case ast.Var:
			ref[i] = ast.VarTerm(twin)
		case ast.String:
			ref[i] = ast.StringTerm(twin)
		default:
			return fmt.Errorf("%s: rule %s cannot be observed: its head has no %s", r.Location, x.point.path, x.point.name())
		}
		ref[i].Location = old.Location
		r.Head.Reference = ref
		if i == 0 && r.Head.Name != "" {
			r.Head.Name = ast.Var(twin)
		}
	}
	return nil
}

// rollout reads data.wwe.rollout of the data files: the reason codes
// data.wwe.rollout.dryrun observes, and the problems of the document. A
// shipped reason code may not be listed (it would turn a shipped rule off),
// and data.wwe.rollout.labelled is the guard's own.
func rollout(data map[string]any, shipped map[string]string) ([]string, []string) {
	wwe, _ := data["wwe"].(map[string]any)
	raw, present := wwe["rollout"]
	if !present {
		return nil, nil
	}
	doc, ok := raw.(map[string]any)
	if !ok {
		return nil, []string{"data.wwe.rollout must be an object"}
	}
	var codes, problems []string
	if _, taken := doc["labelled"]; taken {
		problems = append(problems, "data.wwe.rollout.labelled is set by the guard (when a rule is labelled enforcement: dryrun), not by data files")
	}
	list, ok := doc["dryrun"].([]any)
	if !ok && doc["dryrun"] != nil {
		return nil, append(problems, "data.wwe.rollout.dryrun must be a list of reason codes")
	}
	for _, x := range list {
		code, ok := x.(string)
		if !ok {
			problems = append(problems, "data.wwe.rollout.dryrun must be a list of reason codes")
			continue
		}
		if at, ok := shipped[code]; ok {
			problems = append(problems, fmt.Sprintf("data.wwe.rollout.dryrun: %q is the reason code of a shipped rule (%s), which always enforces; roll out a rule of your own with its enforcement: dryrun label", code, at))
			continue
		}
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return slices.Compact(codes), slices.Compact(problems)
}

// withObservedRules tells the entry point that some rule was renamed to an
// observed twin: data.wwe.rollout.labelled.
func withObservedRules(data map[string]any) {
	wwe, _ := data["wwe"].(map[string]any)
	if wwe == nil {
		wwe = map[string]any{}
		data["wwe"] = wwe
	}
	doc, _ := wwe["rollout"].(map[string]any)
	if doc == nil {
		doc = map[string]any{}
		wwe["rollout"] = doc
	}
	doc["labelled"] = true
}
