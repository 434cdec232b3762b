package guard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Logged is what replay reads of one decision log entry.
type Logged struct {
	ID     string         `json:"decision_id"`
	Input  map[string]any `json:"input"`
	Result *struct {
		Allow           bool         `json:"allow"`
		DeniedKeys      []string     `json:"deniedKeys"`
		Reasons         []wwe.Reason `json:"reasons"`
		WarningMessages []string     `json:"warningMessages"`
		DryRunReasons   []wwe.Reason `json:"dryRunReasons"`
	} `json:"result"`
	Error  string   `json:"error"`
	Masked []string `json:"masked"` // non-empty: the input's user-data values are "***"
}

// Outcome is a decision reduced to what replay compares: whether it allows,
// the keys and warnings it refuses with, and the codes of its reasons.
type Outcome struct {
	Allow           bool     `json:"allow"`
	DeniedKeys      []string `json:"deniedKeys,omitempty"`
	WarningMessages []string `json:"warningMessages,omitempty"`
	Codes           []string `json:"codes,omitempty"`       // reason codes, sorted
	DryRunCodes     []string `json:"dryRunCodes,omitempty"` // observed reason codes, sorted
	Error           string   `json:"error,omitempty"`       // the decision failed
}

func outcomeOf(allow bool, denied, warnings []string, reasons, dryRun []wwe.Reason) Outcome {
	return Outcome{Allow: allow, DeniedKeys: denied, WarningMessages: warnings, Codes: codes(reasons), DryRunCodes: codes(dryRun)}
}

func codes(rs []wwe.Reason) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Code)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (o Outcome) equal(p Outcome) bool {
	return o.Allow == p.Allow && o.Error == "" && p.Error == "" &&
		slices.Equal(o.DeniedKeys, p.DeniedKeys) && slices.Equal(o.WarningMessages, p.WarningMessages) &&
		slices.Equal(o.Codes, p.Codes) && slices.Equal(o.DryRunCodes, p.DryRunCodes)
}

// String reads "allow", "refuse [CODE ...]" or "error: ...".
func (o Outcome) String() string {
	switch {
	case o.Error != "":
		return "error: " + o.Error
	case o.Allow && len(o.DryRunCodes) > 0:
		return "allow (observed " + strings.Join(o.DryRunCodes, " ") + ")"
	case o.Allow:
		return "allow"
	}
	return "refuse " + strings.Join(o.Codes, " ")
}

// Change is one recorded decision the candidate policies decide otherwise.
type Change struct {
	ID      string   `json:"decisionId"`
	Before  Outcome  `json:"before"`
	After   Outcome  `json:"after"`
	Added   []string `json:"added,omitempty"`   // reason codes only the candidate gives
	Removed []string `json:"removed,omitempty"` // reason codes only the recording gives
	Masked  bool     `json:"masked,omitempty"`  // evaluated on masked values
}

// RuleChanges counts, for one reason code, the decisions that gained and
// lost it.
type RuleChanges struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
}

// ReplayReport is the impact of a candidate policy set on recorded decisions.
type ReplayReport struct {
	Entries   int                    `json:"entries"`
	Replayed  int                    `json:"replayed"`
	Skipped   int                    `json:"skipped"` // masked entries left out on request
	Masked    int                    `json:"masked"`  // replayed entries whose values were masked
	Unchanged int                    `json:"unchanged"`
	Changed   int                    `json:"changed"`
	ByRule    map[string]RuleChanges `json:"byRule"`
	Changes   []Change               `json:"changes"`
}

// ErrNoInput is returned for a logged entry without an input document.
var ErrNoInput = errors.New("entry has no input")

// Replay re-evaluates each logged input against the engine's policies and
// reports the decisions that come out differently. With skipMasked, entries
// whose values were masked are counted but not replayed.
func (e *Engine) Replay(ctx context.Context, logged []Logged, skipMasked bool) (ReplayReport, error) {
	rep := ReplayReport{Entries: len(logged), ByRule: map[string]RuleChanges{}, Changes: []Change{}}
	for _, l := range logged {
		if l.Input == nil {
			return rep, fmt.Errorf("decision %s: %w", l.ID, ErrNoInput)
		}
		masked := len(l.Masked) > 0
		if masked && skipMasked {
			rep.Skipped++
			continue
		}
		rep.Replayed++
		if masked {
			rep.Masked++
		}
		before := Outcome{Error: l.Error}
		if l.Result != nil {
			r := l.Result
			before = outcomeOf(r.Allow, r.DeniedKeys, r.WarningMessages, r.Reasons, r.DryRunReasons)
		}
		after := e.outcome(ctx, l.Input)
		if before.equal(after) {
			rep.Unchanged++
			continue
		}
		c := Change{ID: l.ID, Before: before, After: after, Masked: masked,
			Added: missing(after.allCodes(), before.allCodes()), Removed: missing(before.allCodes(), after.allCodes())}
		for _, code := range c.Added {
			rc := rep.ByRule[code]
			rc.Added++
			rep.ByRule[code] = rc
		}
		for _, code := range c.Removed {
			rc := rep.ByRule[code]
			rc.Removed++
			rep.ByRule[code] = rc
		}
		rep.Changed++
		rep.Changes = append(rep.Changes, c)
	}
	return rep, nil
}

// outcome evaluates one raw input and converts the decision strictly, as
// Decide does.
func (e *Engine) outcome(ctx context.Context, input map[string]any) Outcome {
	val, err := ast.InterfaceToValue(input)
	if err != nil {
		return Outcome{Error: fmt.Sprintf("input: %v", err)}
	}
	d, err := e.decision(ctx, e.state.Load(), val)
	if err != nil {
		return Outcome{Error: err.Error()}
	}
	return outcomeOf(d.Allow, d.DeniedKeys, d.WarningMessages, d.Reasons, d.DryRunReasons)
}

// allCodes are the reason codes, observed ones marked with a "~" prefix so a
// rule moving between enforced and observed counts as a change.
func (o Outcome) allCodes() []string {
	out := slices.Clone(o.Codes)
	for _, c := range o.DryRunCodes {
		out = append(out, "~"+c)
	}
	return out
}

// missing returns the items of a that b lacks.
func missing(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
