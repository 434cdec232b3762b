package main

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/gwssim"
)

// TestE2EWorkspaceClientThroughTheGuard runs Genesys' own npm client
// (test/workspace-client/guard.test.js) through the guard in front of the
// reference GWS. It skips when node or the installed packages (npm ci in
// that folder) are missing, unless CI=true, where they are required.
func TestE2EWorkspaceClientThroughTheGuard(t *testing.T) {
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
	sim := gwssim.New(gwssim.Config{Advice: 2 * time.Second})
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	base := startGuard(t, "--config", writeWorkspaceConfig(t, srv.URL, `options:
  service-client-api.user-data.write-allowed: "Notes,CaseId,DispositionCode"
  service-client-api.user-data.read-allowed: "Notes,CaseId,DispositionCode"
  interaction.disposition.is-mandatory: true
`))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--test", "guard.test.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WWE_GUARD_URL="+base, "WWE_SIM_URL="+srv.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test guard.test.js: %v\n%s", err, out)
	}
	t.Logf("node --test guard.test.js:\n%s", out)
}
