// Command wwe-guard runs the policy guard in front of the WWE Interaction
// API: serve (the default), check, eval, replay and version.
package main

import (
	"os"
	"runtime/debug"

	"github.com/wwe-guard/wwe-guard/internal/command"
)

func main() {
	tuneGC()
	command.Main("wwe-guard", run)
}

// Garbage collection defaults, unless the environment sets GOGC or
// GOMEMLIMIT. Decisions leave much short-lived garbage on a small live
// heap, so collecting at 5× the live heap rather than 2× cuts the
// collections and with them the tail of a decision (BenchmarkDecideLatency;
// BENCHMARKS.md has the figures); the soft limit bounds the heap whatever
// the load.
const (
	gcPercent   = 400
	memoryLimit = 96 << 20
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
