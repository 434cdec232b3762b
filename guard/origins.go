package guard

import (
	"context"
	"slices"
)

// Origins is the set of browser origins the policies admit, as CORS needs
// it: Any admits every origin, otherwise List holds the admitted ones.
type Origins struct {
	Any  bool
	List []string
}

// Admits reports whether origin may call the guard from a browser.
func (o Origins) Admits(origin string) bool {
	return o.Any || slices.Contains(o.List, origin)
}

// AllowAll is a decider that allows every input and hides nothing. The
// reference service (wwe-sim) serves the contract through it, unguarded.
type AllowAll struct{}

// Decide allows in.
func (AllowAll) Decide(_ context.Context, in Input) (Decision, error) {
	return Decision{Allow: true, Verdict: Verdict{Action: Forward, Would: Forward, Enforced: true}}, nil
}

// AdmittedOrigins admits every origin.
func (AllowAll) AdmittedOrigins() Origins { return Origins{Any: true} }
