package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoPolicyEngine: the doors (package api) and the reference service's
// process speak the policy interface through its plain types and link no
// policy engine; only the guard, which decides, links OPA. And api does not
// depend on the reference service it is tested against.
func TestNoPolicyEngine(t *testing.T) {
	t.Parallel()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the go command is needed to list dependencies: %v", err)
		}
		t.Skipf("the go command is needed to list dependencies: %v", err)
	}
	const module = "github.com/wwe-guard/wwe-guard"
	list := func(pkgs ...string) []string {
		t.Helper()
		out, err := exec.Command(goCmd, append([]string{"list", "-deps"}, pkgs...)...).Output()
		if err != nil {
			t.Fatalf("go list -deps %v: %v", pkgs, err)
		}
		return strings.Fields(string(out))
	}
	for _, dep := range list(module+"/api", module+"/cmd/wwe-sim") {
		if strings.HasPrefix(dep, "github.com/open-policy-agent/") {
			t.Errorf("api or wwe-sim links %s", dep)
		}
	}
	if deps := list(module + "/api"); slices.Contains(deps, module+"/api/service") {
		t.Errorf("api imports %s/api/service", module)
	}
}
