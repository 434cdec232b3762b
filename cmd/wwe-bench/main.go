// Command wwe-bench is the load tool of wwe-guard. It sends open-loop load
// at a fixed request rate to anything that serves the /v1 REST contract and
// measures latency from each request's intended send time, so a stall of
// the target is never hidden. It can also compare, in alternating rounds,
// the service alone, a bare reverse proxy in front of it and the guard in
// front of it (--compare), and find the highest rate each of them sustains
// under a p99 bound (--max). With --api workspace it speaks Workspace API v3
// instead, to the reference GWS (wwe-sim --api workspace) and a guard of
// kind workspace, with a long-poll subscriber listening throughout.
// `wwe-bench proxy` is that bare reverse proxy.
package main

import "github.com/wwe-guard/wwe-guard/internal/command"

func main() {
	command.Main("wwe-bench", run)
}
