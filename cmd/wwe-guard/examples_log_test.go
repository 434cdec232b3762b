package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMaskedLogCheckNeedsEveryDecision: the examples' log check fails on a
// log that lacks the last step's decision even when the log already has as
// many lines as there are steps (the reads a refused step makes to compare
// the service before and after are decisions too), which is all the check
// used to wait for; on the whole log it passes.
func TestMaskedLogCheckNeedsEveryDecision(t *testing.T) {
	t.Parallel()
	steps := []step{{Name: "allowed write"}, {Name: "refused write"}, {Name: "markdone"}}
	ids := []string{"d-1", "d-2", "d-3"}
	entry := func(id string) string {
		return fmt.Sprintf(`{"decision_id":%q,"input":{"operation":"setUserData"},"result":{"allow":true}}`+"\n", id)
	}
	// The refused step's snapshots (reads before and after) logged two
	// decisions of their own; the last step's entry is not written yet.
	truncated := entry("d-1") + entry("snapshot-1") + entry("d-2") + entry("snapshot-2")
	if strings.Count(truncated, "\n") < len(steps) {
		t.Fatal("the truncated log must have as many lines as steps, as the old check waited for")
	}
	want := []string{`decision log has no entry d-3 (step "markdone")`}
	if diff := cmp.Diff(want, maskedLogProblems(truncated, steps, ids)); diff != "" {
		t.Errorf("truncated log (-want +got):\n%s", diff)
	}
	if got := maskedLogProblems(truncated+entry("d-3"), steps, ids); len(got) != 0 {
		t.Errorf("whole log: %q", got)
	}
}
