package guard

import (
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Query is the one entry point the guard evaluates.
const Query = "data.wwe.guard.decision"

// verdict draws the verdict for in from d under the given modes.
func verdict(d *policy.Decision, in *policy.Input, enforcement policy.Enforcement, mode policy.UserDataMode) policy.Verdict {
	would, err := enforced(d, in, mode)
	if enforcement == policy.DryRun {
		return policy.Verdict{Action: policy.Forward, Err: err, Would: would}
	}
	v := policy.Verdict{Action: would, Err: err, Would: would, Enforced: true, Hide: d.ReadDeny}
	if would == policy.Strip {
		v.Drop = d.DeniedKeys
	}
	return v
}

func enforced(d *policy.Decision, in *policy.Input, mode policy.UserDataMode) (policy.Action, *wwe.Error) {
	op := in.Operation
	if d.Allow {
		return policy.Forward, nil
	}
	e := &wwe.Error{Reasons: d.Reasons, DecisionID: d.ID}
	switch {
	case len(d.DeniedKeys) > 0:
		e.Code = wwe.CodeUserDataWriteNotAllowed
		e.DeniedKeys = d.DeniedKeys
		e.Message = "user data key(s) not allowed: " + strings.Join(d.DeniedKeys, ", ")
		if mode == policy.StripMode && op.Semantics().UserData == wwe.SetsKeyValues && cuttable(d, in.Writes) {
			return policy.Strip, e
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
	return policy.Refuse, e
}

// cuttable reports whether strip mode can forward the write without what d
// refuses: every denied key, and the key of every reason, is byte for byte
// the key of one of the writes, so cutting those keys leaves nothing refused.
// A reason without a key, or with a key the write does not have (a rule that
// matched "taxid" and reported "TaxId"), cannot be cut away.
func cuttable(d *policy.Decision, writes []policy.Write) bool {
	written := func(key string) bool {
		return slices.ContainsFunc(writes, func(w policy.Write) bool { return w.Op == policy.WriteSet && w.Key == key })
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
