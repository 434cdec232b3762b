package guard

import (
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Contribution is one value a rule of an extension point added to a
// decision: a refusal (deny, block), or a key hidden from reads.
type Contribution struct {
	Package  string         `json:"package"`  // e.g. wwe.userdata
	Rule     string         `json:"rule"`     // deny, block or read_deny
	Location string         `json:"location"` // file:line of the rule
	Title    string         `json:"title,omitempty"`
	Labels   map[string]any `json:"labels,omitempty"`
	Value    any            `json:"value"`            // the reason object, or the hidden key
	DryRun   bool           `json:"dryRun,omitempty"` // observed, not enforced
}

// contributionTracer records, as evaluation goes, every value a rule of an
// extension point produces: at a rule's exit its head is plugged with the
// bindings that made the body true.
type contributionTracer struct {
	annotations *ast.AnnotationSet
	out         []Contribution
	seen        map[string]bool // location and value of each recorded contribution
}

var _ topdown.QueryTracer = (*contributionTracer)(nil)

func (t *contributionTracer) Enabled() bool { return true }

func (t *contributionTracer) Config() topdown.TraceConfig { return topdown.TraceConfig{} }

func (t *contributionTracer) TraceEvent(evt topdown.Event) {
	rule, ok := evt.Node.(*ast.Rule)
	if evt.Op != topdown.ExitOp || !ok || rule.Head.Key == nil {
		return
	}
	path := rule.Path()
	if !gathered(path) {
		return
	}
	term := evt.Plug(rule.Head.Key)
	value, err := ast.JSON(term.Value)
	if err != nil {
		value = term.String()
	}
	key := rule.Location.String() + " " + term.String()
	if t.seen[key] {
		return
	}
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	t.seen[key] = true
	names := make([]string, 0, len(path)-1)
	for _, p := range path[1:] {
		s, _ := p.Value.(ast.String)
		names = append(names, string(s))
	}
	c := Contribution{
		Package:  strings.Join(names[:len(names)-1], "."),
		Rule:     names[len(names)-1],
		Location: rule.Location.String(),
		Value:    value,
	}
	for _, a := range t.annotations.GetRuleScope(rule) {
		c.Title = a.Title
		c.Labels = a.Labels
	}
	t.out = append(t.out, c)
}

// gathered reports whether path is a multi-value extension point, whose
// values the entry point gathers: the refusals, and the keys read_deny hides.
func gathered(path ast.Ref) bool {
	for _, p := range extensionPoints {
		if !p.table && path.Equal(p.path) {
			return true
		}
	}
	return false
}

// markDryRun marks the contributions whose reason code the decision lists
// among its dryRunReasons.
func markDryRun(cs []Contribution, decision any) {
	doc, _ := decision.(map[string]any)
	observed, _ := doc["dryRunReasons"].([]any)
	codes := map[any]bool{}
	for _, r := range observed {
		if obj, ok := r.(map[string]any); ok {
			codes[obj["code"]] = true
		}
	}
	for i := range cs {
		if reason, ok := cs[i].Value.(map[string]any); ok && codes[reason["code"]] {
			cs[i].DryRun = true
		}
	}
}
