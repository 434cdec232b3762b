// Package wwe holds the domain of the Workspace Web Edition Interaction API as
// wwe-guard sees it: interactions and their user data, the operations of the
// Interaction namespace, events, and the one error model every layer shares.
//
// It imports nothing of HTTP, OPA or YAML, so the policy engine (guard), the
// HTTP adapter (api) and the reference service can all speak it.
package wwe
