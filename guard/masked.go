package guard

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// masked replaces every user-data value in a decision log entry.
const masked = "***"

// maskRule names the values of the input that a masked decision log entry
// replaces with "***" leaf by leaf (keys kept, null staying null), and lists
// in OPA's `masked` field as JSON pointers. Replay reads that field to know
// which inputs lost their values.
type maskRule struct {
	// path is the value's place below the input, one token a level; "*"
	// is any member or element.
	path []string
	// kept, when set, exempts the members it reports from the rule.
	kept func(name string) bool
	// listed, when set, reports whether a masked value is listed in
	// `masked`; without it every one is.
	listed func(ast.Value) bool
}

// maskRules are every user-data value — a write's value, the members of
// keyValues, extensions and the interaction's userData, the consult target —
// and every attribute of the interaction that is not one of the modelled
// non-user-data fields: ani, dnis, parties and the attributes the guard does
// not model. The first rule whose path matches a value decides.
var maskRules = []maskRule{
	{path: []string{"writes", "*", "value"}},
	{path: []string{"keyValues", "*"}},
	{path: []string{"extensions", "*"}},
	{path: []string{"target"}, listed: notNull},
	{path: []string{"interaction", "userData", "*"}},
	{path: []string{"interaction", "parties"}, listed: notEmpty},
	{path: []string{"interaction", "*"}, kept: interactionKept},
}

// interactionKept reports whether an interaction attribute is shown in a
// masked entry: a modelled attribute that is not user data (ids, state,
// previousState, types, direction, recordingState, flags, version,
// markdoneBlocks), or userData, whose members are masked one by one.
func interactionKept(name string) bool {
	switch name {
	case "ani", "dnis", "parties":
		return false
	}
	return wwe.Modelled(name)
}

func notNull(v ast.Value) bool { _, null := v.(ast.Null); return !null }

// notEmpty: an empty parties list hides nothing.
func notEmpty(v ast.Value) bool {
	a, ok := v.(*ast.Array)
	return !ok || a.Len() > 0
}

// maskRuleFor is the rule that masks the value at path, or nil.
func maskRuleFor(path []string) *maskRule {
	for i := range maskRules {
		r := &maskRules[i]
		if len(r.path) != len(path) {
			continue
		}
		match := true
		for j, token := range r.path {
			if token != "*" && token != path[j] {
				match = false
				break
			}
		}
		if match && (r.kept == nil || !r.kept(path[len(path)-1])) {
			return r
		}
	}
	return nil
}
