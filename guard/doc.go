// Package guard is the decision engine of wwe-guard: it renders the policy
// input (a policy.Input) as an OPA value, evaluates data.wwe.guard.decision
// with embedded OPA (compiled and prepared once), converts the decision
// strictly into a policy.Decision, draws the verdict that the enforcement
// and user-data modes call for, and writes the decision log. The plain types
// of the policy interface live in internal/policy, which imports no OPA, so
// only guard and the binaries that decide link it.
//
// A deny is a value; a decision that cannot be made (an evaluation error, an
// undefined or ill-typed result, a timeout) is an error, and the caller fails
// closed. guard knows nothing of HTTP.
package guard
