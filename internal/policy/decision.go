package policy

import "github.com/wwe-guard/wwe-guard/internal/wwe"

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
	RejectMode UserDataMode = "reject"
	StripMode  UserDataMode = "strip"
)

// Action is what the guard does with a request after deciding.
type Action string

// Actions.
const (
	Forward Action = "forward" // allowed: forward the request as it is
	Strip   Action = "strip"   // forward without the denied keys (strip mode)
	Refuse  Action = "refuse"  // refuse with Verdict.Err
)

// Verdict is what enforcement does with a decision. In dry-run, Action is
// always Forward and Would says what enforcement would have done.
type Verdict struct {
	Action   Action
	Err      *wwe.Error // set when Action is Refuse, or when dry-run would refuse
	Would    Action     // what enforce mode does; equals Action when enforcing
	Enforced bool
	Hide     []string // user-data keys the caller may not read (the decision's readDeny; none in dry-run)
	Drop     []string // user-data keys to drop before forwarding (the denied keys when Action is Strip; else none)
}
