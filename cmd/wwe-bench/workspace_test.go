package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/gwssim"
	"github.com/wwe-guard/wwe-guard/policies"
)

// newGWSServer serves the reference GWS with a short CometD hold.
func newGWSServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	sim := gwssim.New(gwssim.Config{Advice: 500 * time.Millisecond})
	srv := httptest.NewServer(sim)
	tb.Cleanup(func() { sim.Close(); srv.Close() })
	return srv
}

// newWorkspaceGuardServer serves the guard's Workspace API v3 door in front
// of the GWS at gwsURL, with the options guardConfig gives a started guard.
func newWorkspaceGuardServer(tb testing.TB, gwsURL string) *httptest.Server {
	tb.Helper()
	engine, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Options: map[string]any{
		"service-client-api.user-data.write-allowed": "DispositionCode,Notes,CustomerSegment",
		"service-client-api.user-data.read-allowed":  "DispositionCode,Notes,CustomerSegment,Subject",
		"interaction.disposition.is-mandatory":       true,
	}})
	if err != nil {
		tb.Fatal(err)
	}
	upstream, _ := url.Parse(gwsURL)
	w := api.DefaultWorkspaceConfig(upstream)
	w.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	gws, err := service.NewGWS(gwsURL, w.Client, w.Timeout)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Service: gws, Decider: engine, Workspace: &w}))
	tb.Cleanup(srv.Close)
	return srv
}

// TestWorkspaceCompare runs the Workspace mix against the reference GWS,
// the bare proxy the tool starts, and the guard: each target's subscriber
// hears the writes, the guard's never shows the key it hides while the
// others show it on every notification, and SSN is refused only by the
// guard. No t.Parallel: t.Setenv lets the child run main.
func TestWorkspaceCompare(t *testing.T) {
	t.Setenv(asMainEnv, "1")
	gws := newGWSServer(t)
	g := newWorkspaceGuardServer(t, gws.URL)
	var rep CompareReport
	out, err := runTool(t, &rep, "--compare", "--api", "workspace", "--service", gws.URL, "--guard", g.URL,
		"--rounds", "1", "--rate", "100", "--duration", "500ms", "--warmup", "100ms", "--concurrency", "4")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if len(rep.Runs) != 3 {
		t.Fatalf("runs = %+v", rep.Runs)
	}
	for _, r := range rep.Runs {
		checkCounts(t, r)
		n := r.Notifications
		if r.Unexpected != 0 || r.Mix != defaultWorkspaceMix || n == nil || n.Received == 0 || n.Errors != 0 {
			t.Errorf("%s: unexpected %d, mix %s, notifications %+v", r.Name, r.Unexpected, r.Mix, n)
			continue
		}
		switch r.Name {
		case "guard":
			if n.HiddenSeen != 0 || !hasOutcome(r, "refused", http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED") {
				t.Errorf("guard: hidden key seen in %d notifications, outcomes %+v", n.HiddenSeen, r.Outcomes)
			}
		default:
			if n.HiddenSeen != n.Received || !hasOutcome(r, "refused", http.StatusOK, "") {
				t.Errorf("%s: hidden key seen in %d of %d notifications, outcomes %+v", r.Name, n.HiddenSeen, n.Received, r.Outcomes)
			}
		}
	}
	if !strings.Contains(out, "notifications") {
		t.Errorf("the table lacks the subscriber's figures:\n%s", out)
	}
}

// TestWorkspaceLoadOneTarget: --url names the guard and --sim the GWS
// behind it that rings the call; the kind is told by the refused write.
func TestWorkspaceLoadOneTarget(t *testing.T) {
	t.Parallel()
	gws := newGWSServer(t)
	g := newWorkspaceGuardServer(t, gws.URL)
	var r Report
	out, err := runTool(t, &r, "--api", "workspace", "--url", g.URL, "--sim", gws.URL,
		"--rate", "100", "--duration", "300ms", "--warmup", "0", "--concurrency", "4")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	checkCounts(t, r)
	if r.Kind != "guard" || r.Unexpected != 0 || r.Notifications == nil || r.Notifications.Received == 0 {
		t.Errorf("report: kind %s, unexpected %d, notifications %+v", r.Kind, r.Unexpected, r.Notifications)
	}
	if !strings.Contains(out, "long-poll") {
		t.Errorf("the table lacks the long-poll line:\n%s", out)
	}
}

// TestWorkspaceLeakIsUnexpected: a target that passes on what a guard hides
// is reported, so the subscriber's check can fail.
func TestWorkspaceLeakIsUnexpected(t *testing.T) {
	t.Parallel()
	gws := newGWSServer(t)
	var r Report
	_, err := runTool(t, &r, "--api", "workspace", "--url", gws.URL, "--kind", "guard",
		"--mix", "set=1", "--rate", "50", "--duration", "300ms", "--warmup", "0", "--concurrency", "2")
	if err == nil || r.Notifications == nil || r.Notifications.HiddenSeen == 0 || r.Unexpected < r.Notifications.HiddenSeen {
		t.Errorf("err %v, unexpected %d, notifications %+v; want every leak unexpected", err, r.Unexpected, r.Notifications)
	}
}

// TestWorkspaceSetupFailsFast: a --sim that cannot ring (here the /v1
// service) fails the setup with a message that names it.
func TestWorkspaceSetupFailsFast(t *testing.T) {
	t.Parallel()
	gws := newGWSServer(t)
	v1 := newServiceServer(t)
	var r Report
	_, err := runTool(t, &r, "--api", "workspace", "--url", gws.URL, "--sim", v1.URL, "--rate", "10", "--duration", "1s")
	if err == nil || !strings.Contains(err.Error(), "ring a call") {
		t.Errorf("run error = %v, want the ring to fail", err)
	}
}
