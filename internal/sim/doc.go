// Package sim holds what the reference service's process (cmd/wwe-sim) and
// the tests that stand the reference service up share: a decider that lets
// everything through. It imports no policy engine.
package sim
