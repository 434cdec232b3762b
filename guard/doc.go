// Package guard is the decision engine of wwe-guard: it builds the policy
// input, evaluates data.wwe.guard.decision with embedded OPA (compiled and
// prepared once), converts the decision strictly, draws the verdict that the
// enforcement and user-data modes call for, and writes the decision log.
//
// A deny is a value; a decision that cannot be made (an evaluation error, an
// undefined or ill-typed result, a timeout) is an error, and the caller fails
// closed. guard knows nothing of HTTP.
package guard
