package main

import (
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// TestWorkspaceClientNode runs test/workspace-client (node --test) with
// Genesys' own npm client against wwe-sim --api workspace. It skips when
// node or the installed packages (npm ci in that folder) are missing,
// unless CI=true, where they are required.
func TestWorkspaceClientNode(t *testing.T) {
	t.Parallel()
	testkit.NeedWorkspaceClient(t)
	addr := startSim(t, "--api", "workspace", "--cometd-advice", "2s")
	testkit.RunWorkspaceClient(t, []string{"WWE_SIM_URL=http://" + addr})
}
