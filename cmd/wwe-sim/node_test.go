package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestWorkspaceClientNode runs test/workspace-client (node --test) with
// Genesys' own npm client against wwe-sim --api workspace. It skips when
// node or the installed packages (npm ci in that folder) are missing,
// unless CI=true, where they are required.
func TestWorkspaceClientNode(t *testing.T) {
	t.Parallel()
	dir, err := filepath.Abs(filepath.Join("..", "..", "test", "workspace-client"))
	if err != nil {
		t.Fatal(err)
	}
	need := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		need("node is needed to run Genesys' client: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "genesys-workspace-client-js")); err != nil {
		need("run npm ci in %s first: %v", dir, err)
	}
	addr := startSim(t, "--api", "workspace", "--cometd-advice", "2s")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WWE_SIM_URL=http://"+addr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	t.Logf("node --test:\n%s", out)
}
