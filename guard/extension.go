package guard

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
)

// extensionPoint is a rule the entry point gathers from (DESIGN.md §3): the
// refusals of deny and block rules, the keys read_deny hides, and the
// key_deny table the shipped key rule looks written keys up in.
type extensionPoint struct {
	path    ast.Ref // e.g. data.wwe.userdata.deny
	table   bool    // an object of reasons by key (key_deny), not a multi-value rule
	refusal bool    // its reasons refuse, so it may be rolled out in observe-only mode
}

// extensionPoints are every rule the shipped entry point gathers.
var extensionPoints = []extensionPoint{
	{path: ast.MustParseRef("data.wwe.userdata.deny"), refusal: true},
	{path: ast.MustParseRef("data.wwe.markdone.block"), refusal: true},
	{path: ast.MustParseRef("data.wwe.access.deny"), refusal: true},
	{path: ast.MustParseRef("data.wwe.userdata.read_deny")},
	{path: ast.MustParseRef("data.wwe.userdata.key_deny"), table: true, refusal: true},
}

// name is the point's rule name, the last part of its path.
func (p *extensionPoint) name() string {
	s, _ := p.path[len(p.path)-1].Value.(ast.String)
	return string(s)
}

// extensionRule is one rule of a module that defines (part of) an extension
// point.
type extensionRule struct {
	rule  *ast.Rule
	point *extensionPoint
	ref   ast.Ref // the rule's full ref: package path and head ref
}

// extensionRuleOf returns the extension point rule of module m defines part
// of. It reads the parsed rule only, whatever the shape of its head.
func extensionRuleOf(m *ast.Module, rule *ast.Rule) (extensionRule, bool) {
	if m == nil || m.Package == nil || rule == nil || rule.Head == nil {
		return extensionRule{}, false
	}
	ref := m.Package.Path.Extend(rule.Head.Ref())
	for i := range extensionPoints {
		if p := &extensionPoints[i]; ref.HasPrefix(p.path) {
			return extensionRule{rule: rule, point: p, ref: ref}, true
		}
	}
	return extensionRule{}, false
}

// shapeProblem says why the entry point cannot gather the rule, or "" when
// it can: deny, block and read_deny are multi-value rules
// (`deny contains {...} if {...}`); key_deny entries are values
// (`key_deny.SSN := {...}`), never functions or sets.
func (x extensionRule) shapeProblem() string {
	h := x.rule.Head
	name := x.point.name()
	if x.point.table {
		if len(h.Args) == 0 && h.Value != nil {
			return ""
		}
		return fmt.Sprintf("%s: %s must be an object of reasons (%s.KEY := {\"code\": ..., \"message\": ...})", x.rule.Location, x.point.path, name)
	}
	if len(h.Args) == 0 && h.Value == nil && h.Key != nil && x.ref.Equal(x.point.path) {
		return ""
	}
	return fmt.Sprintf("%s: %s must be a multi-value rule (%s contains {...} if {...})", x.rule.Location, x.point.path, name)
}

// constantCode returns the "code" of the rule's reason when it is a string
// constant: in the head's key for deny and block rules, in its value for
// key_deny entries. It reads only well-shaped rules (shapeProblem "").
func (x extensionRule) constantCode() (string, bool) {
	term := x.rule.Head.Key
	if x.point.table {
		term = x.rule.Head.Value
	}
	if term == nil {
		return "", false
	}
	obj, ok := term.Value.(ast.Object)
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
