// Package policy holds the plain value types of the policy interface: the
// input document the guard renders for every call (Input, with its Writes
// and Caller), the decision the policies return (Decision), and the verdict
// the configured modes draw from it (Verdict, with the enforcement, user-data
// mode and action types), plus the browser origins the policies admit.
//
// It imports no policy engine, so the doors (package api) and the reference
// service's process speak the policy interface without linking OPA; only the
// guard package, which evaluates the policies, does.
package policy
