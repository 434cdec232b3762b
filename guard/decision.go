package guard

import (
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Query is the one entry point the guard evaluates.
const Query = "data.wwe.guard.decision"

// Decision is data.wwe.guard.decision converted to Go, plus the id the guard
// gave it and the verdict the configured modes draw from it.
type Decision struct {
	ID              string
	Allow           bool
	DeniedKeys      []string
	Reasons         []wwe.Reason
	WarningMessages []string
	ReadDeny        []string
	DryRunReasons   []wwe.Reason     // what rules rolled out in observe-only mode would have refused
	RuleLabels      []map[string]any // METADATA labels of the rules that gave the reasons (decision log on only)
	Verdict         Verdict
}

// Enforcement is the enforcement mode.
type Enforcement string

// Enforcement modes.
const (
	Enforce Enforcement = "enforce"
	DryRun  Enforcement = "dryrun"
)

// UserDataMode says what a write with denied keys does.
type UserDataMode string

// User-data modes.
const (
	Reject UserDataMode = "reject"
	Strip  UserDataMode = "strip"
)

// Action is what the guard does with a request after deciding.
type Action string

// Actions.
const (
	Forward    Action = "forward" // allowed: forward the request as it is
	ForwardCut Action = "strip"   // forward without the denied keys (strip mode)
	Refuse     Action = "refuse"  // refuse with Verdict.Err
)

// Verdict is what enforcement does with a decision. In dry-run, Action is
// always Forward and Would says what enforcement would have done.
type Verdict struct {
	Action   Action
	Err      *wwe.Error // set when Action is Refuse, or when dry-run would refuse
	Would    Action     // what enforce mode does; equals Action when enforcing
	Enforced bool
}

// verdict draws the verdict for in from d under the given modes.
func (d *Decision) verdict(in *Input, enforcement Enforcement, mode UserDataMode) Verdict {
	would, err := d.enforced(in, mode)
	if enforcement == DryRun {
		return Verdict{Action: Forward, Err: err, Would: would}
	}
	return Verdict{Action: would, Err: err, Would: would, Enforced: true}
}

func (d *Decision) enforced(in *Input, mode UserDataMode) (Action, *wwe.Error) {
	op := in.Operation
	if d.Allow {
		return Forward, nil
	}
	e := &wwe.Error{Reasons: d.Reasons, DecisionID: d.ID}
	switch {
	case len(d.DeniedKeys) > 0:
		e.Code = wwe.CodeUserDataWriteNotAllowed
		e.DeniedKeys = d.DeniedKeys
		e.Message = "user data key(s) not allowed: " + strings.Join(d.DeniedKeys, ", ")
		if mode == Strip && (op == wwe.OpSetUserData || op.CarriesUserData()) && d.cuttable(in.Writes) {
			return ForwardCut, e
		}
	case len(d.WarningMessages) > 0:
		e.Code = wwe.CodeMarkdoneBlocked
		e.WarningMessages = d.WarningMessages
		e.Message = d.WarningMessages[0]
	default:
		e.Code = wwe.CodeRequestNotAllowed
		e.Message = "request not allowed: " + op.Request()
		if len(d.Reasons) > 0 {
			e.Message = d.Reasons[0].Message
		}
	}
	return Refuse, e
}

// cuttable reports whether strip mode can forward the write without what d
// refuses: every denied key, and the key of every reason, is byte for byte
// the key of one of the writes, so cutting those keys leaves nothing refused.
// A reason without a key, or with a key the write does not have (a rule that
// matched "taxid" and reported "TaxId"), cannot be cut away.
func (d *Decision) cuttable(writes []Write) bool {
	written := func(key string) bool {
		return slices.ContainsFunc(writes, func(w Write) bool { return w.Op == WriteSet && w.Key == key })
	}
	for _, k := range d.DeniedKeys {
		if !written(k) {
			return false
		}
	}
	for _, r := range d.Reasons {
		if !written(r.Key) {
			return false
		}
	}
	return true
}
