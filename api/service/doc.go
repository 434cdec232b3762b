// Package service is the service behind the guard: Memory, the in-process
// reference implementation of the WWE service side, and Client, which speaks
// the /v1 contract to a remote service such as wwe-sim.
package service
