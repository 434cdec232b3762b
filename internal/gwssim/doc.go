// Package gwssim is the reference Genesys Web Services (GWS): an in-memory
// http.Handler serving the Workspace API v3 subset that wwe-guard's v3 door
// and its tests need, following the contract of Genesys' npm client
// genesys-workspace-client-js 9.0.1 (shared/WORKSPACE-V3.md) where Genesys'
// own simulator deviates from it. cmd/wwe-sim serves it with --api workspace.
// (Package sim is the /v1 reference service's allow-all decider; this one is
// named for what it simulates.)
//
// # Session
//
// POST /auth/v3/sign-in (form: username, password, redirect_uri) answers 302
// to redirect_uri?code=…; POST /auth/v3/oauth/token (form grant_type=password
// or authorization_code) answers {"access_token":…}. POST
// /workspace/v3/initialize-workspace with ?code= (and the same redirect_uri)
// or Authorization: Bearer starts a session and sets
// WORKSPACE_SESSIONID=…; Path=/; HttpOnly. Every later call is identified by
// that cookie alone (plus x-api-key when Config.APIKey is set).
//
// # Notifications
//
// CometD long-polling on /workspace/v3/notifications and every path under it
// (handshake, connect, subscribe, unsubscribe, disconnect, in any batch). A
// client gets only the channels it subscribed to; messages queued for it
// come back in the reply to whatever it sends next; a connect is held until
// a message is queued or Config.Advice ends; an unknown clientId is answered
// 402::session_unknown with advice reconnect=handshake. Subscribing to
// /workspace/v3/initialization queues WorkspaceInitializationComplete.
// Calls publish CallStateChanged on /workspace/v3/voice; media interactions
// publish InteractionStateChanged on /workspace/v3/media and
// /workspace/v3/media/{mediatype}; each carries the whole object.
//
// # Test endpoints (not part of GWS; never counted)
//
//	POST   /sim/ring      {"agent"?,"from"?,"userData"?:KV}  an inbound call rings
//	POST   /sim/offer     {"agent"?,"mediatype"?,"subject"?,"userData"?:KV}  a media interaction (default workitem) is offered
//	GET    /sim/received  {"counts":{"POST /workspace/v3/…/{id}/update-user-data":N,…},"bodies":{route:last body}}
//	DELETE /sim/received  resets the counts
//	GET    /health, /ready  {"status":"ok"}: probes, as wwe-sim --api v1 and the guard have them
//
// ring and offer go to every session of the agent that activated its
// channels (every such session when agent is empty) and answer
// {"status":{"code":0},"data":{"calls"|"interactions":[{"agent","id"}]}}, or
// 404 when no session took it. The counts are per route as registered (the
// method and the path pattern) and count every request that arrived,
// refused ones included; requests matching no route count under their
// method and path (at most 256 distinct ones, then "OTHER").
//
// Errors are always JSON: {"status":{"code":N,"message":…}} where N is the
// HTTP status (400 malformed, 401 no session, 403 bad x-api-key, 404 unknown
// route or id, 409 an operation the object's state does not allow, 413 body
// too large, 503 too many sessions).
package gwssim
