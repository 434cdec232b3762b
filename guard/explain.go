package guard

import (
	"slices"
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
	path := rule.Ref().GroundPrefix() // up to a variable in the head, as the deprecated Path was
	point, observed, ok := gathered(path)
	if !ok {
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
	names := make([]string, 0, len(path)-2)
	for _, p := range path[1 : len(path)-1] {
		s, _ := p.Value.(ast.String)
		names = append(names, string(s))
	}
	c := Contribution{
		Package:  strings.Join(names, "."),
		Rule:     point.name(), // an observed rule under the name it was written with
		Location: rule.Location.String(),
		Value:    value,
		DryRun:   observed,
	}
	for _, a := range t.annotations.GetRuleScope(rule) {
		c.Title = a.Title
		c.Labels = a.Labels
	}
	t.out = append(t.out, c)
}

// gathered returns the multi-value extension point path is, or whose
// observed twin it is (observed): the rules whose values the entry point
// gathers, refusals and the keys read_deny hides.
func gathered(path ast.Ref) (point *extensionPoint, observed, ok bool) {
	if len(path) < 2 {
		return nil, false, false
	}
	last, _ := path[len(path)-1].Value.(ast.String)
	for i := range extensionPoints {
		p := &extensionPoints[i]
		if p.table || !path[:len(path)-1].Equal(p.path[:len(p.path)-1]) {
			continue
		}
		switch string(last) {
		case p.name():
			return p, false, true
		case p.name() + observedSuffix:
			return p, p.refusal, p.refusal
		}
	}
	return nil, false, false
}

// markDryRun marks the refusals whose reason code data.wwe.rollout.dryrun
// observes (the observed twins of labelled rules are marked as they are
// recorded).
func markDryRun(cs []Contribution, dataCodes []string) {
	for i := range cs {
		if reason, ok := cs[i].Value.(map[string]any); ok {
			if code, ok := reason["code"].(string); ok && slices.Contains(dataCodes, code) {
				cs[i].DryRun = true
			}
		}
	}
}
