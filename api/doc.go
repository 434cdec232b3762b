// Package api is the HTTP face of wwe-guard: the REST routes and the SCAPI
// envelope door of the Interaction namespace, the event stream, CORS, rate
// limits and the one mapping from error codes to HTTP statuses.
//
// Every request goes through one pipeline: decode, validate, build the policy
// input, decide, then forward the validated value to the service or refuse.
// The package talks to the decision engine and to the service through the
// small interfaces it declares here; cmd wires the concrete types.
package api
