package main

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/gwssim"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// TestE2EWorkspaceClientThroughTheGuard runs Genesys' own npm client
// (test/workspace-client/guard.test.js) through the guard in front of the
// reference GWS. It skips when node or the installed packages (npm ci in
// that folder) are missing, unless CI=true, where they are required.
func TestE2EWorkspaceClientThroughTheGuard(t *testing.T) {
	t.Parallel()
	testkit.NeedWorkspaceClient(t)
	sim := gwssim.New(gwssim.Config{Advice: 2 * time.Second})
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	base := startGuard(t, "--config", writeWorkspaceConfig(t, srv.URL, `options:
  service-client-api.user-data.write-allowed: "Notes,CaseId,DispositionCode"
  service-client-api.user-data.read-allowed: "Notes,CaseId,DispositionCode"
  interaction.disposition.is-mandatory: true
`))
	testkit.RunWorkspaceClient(t, []string{"WWE_GUARD_URL=" + base, "WWE_SIM_URL=" + srv.URL}, "guard.test.js")
}
