// Package workspace holds the wire formats of Genesys Web Services' Workspace
// API v3 that more than one part of wwe-guard reads or writes: user-data KV
// lists (kv.go) and what GWS does to them (kvedit.go), Bayeux messages of its
// CometD notifications (bayeux.go), and the {"status":{"code","message"}}
// envelope of its REST replies (envelope.go).
//
// The facts come from Genesys' JavaScript client genesys-workspace-client-js
// 9.0.1, its models and wire captures (shared/WORKSPACE-V3.md). The package
// has no HTTP handlers and imports nothing outside the standard library, so
// the guard's v3 door and the reference GWS (internal/gwssim) share it.
package workspace
