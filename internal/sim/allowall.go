package sim

import (
	"context"

	"github.com/wwe-guard/wwe-guard/internal/policy"
)

// AllowAll is a decider that allows every input and hides nothing. The
// reference service (wwe-sim) serves the contract through it, unguarded.
type AllowAll struct{}

// Decide allows in.
func (AllowAll) Decide(_ context.Context, in policy.Input) (policy.Decision, error) {
	return policy.Decision{Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Would: policy.Forward, Enforced: true}}, nil
}

// AdmittedOrigins admits every origin.
func (AllowAll) AdmittedOrigins() policy.Origins { return policy.Origins{Any: true} }
