package main

import (
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/roundtrip"
)

// loadArgs is a short load: 200 requests, no warm-up.
var loadArgs = []string{"--rate", "200", "--duration", "1s", "--warmup", "0", "--concurrency", "8"}

// TestRunAgainstGuard runs the default mix against the real guard with the
// bundled policies, through each door (/v1, SCAPI envelopes, the SCAPI
// socket): every answer is the expected one, the counts add up, and the
// service is left as it was (markdone block cleared, not done).
func TestRunAgainstGuard(t *testing.T) {
	t.Parallel()
	for _, door := range []string{"v1", "scapi", "socket"} {
		t.Run(door, func(t *testing.T) {
			t.Parallel()
			runAgainstGuard(t, door)
		})
	}
}

func runAgainstGuard(t *testing.T, door string) {
	svc := service.NewMemory(service.DemoSeed())
	srv := newGuardServer(t, svc)
	var r Report
	out, err := runTool(t, &r, append([]string{"--url", srv.URL, "--api", door}, loadArgs...)...)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	checkCounts(t, r)
	if r.Kind != "guard" || r.API != door || r.Unexpected != 0 || r.Scheduled != 200 || r.Answered != 200 {
		t.Errorf("kind %s, api %s, unexpected %d, scheduled %d, answered %d; want guard, %s, 0, 200, 200\n%s", r.Kind, r.API, r.Unexpected, r.Scheduled, r.Answered, door, out)
	}
	if r.MaxInFlight < 1 || r.MaxInFlight > 8 {
		t.Errorf("max in flight %d, want 1..8 (--concurrency 8)", r.MaxInFlight)
	}
	want := map[string]int{"set": 140, "refused": 20, "get": 20, "delete": 10, "markdone": 10}
	if got := countsByOp(r); !maps.Equal(got, want) {
		t.Errorf("counts by op = %v, want %v", got, want)
	}
	if !hasOutcome(r, "refused", http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED") || !hasOutcome(r, "markdone", http.StatusConflict, "MARKDONE_BLOCKED") {
		t.Errorf("outcomes = %+v", r.Outcomes)
	}
	it, err := svc.Interaction(t.Context(), "1")
	if err != nil {
		t.Fatal(err)
	}
	if it.IsDone || len(it.MarkdoneBlocks) != 0 || it.UserData["SSN"] != nil {
		t.Errorf("interaction 1 after the load: done %v, blocks %v, user data %v", it.IsDone, it.MarkdoneBlocks, it.UserData)
	}
}

// TestRunAgainstServiceAlone: the same load against the service without
// policies runs cleanly too; SSN is written there, and markdone is refused
// by the service itself because of the tool's block.
func TestRunAgainstServiceAlone(t *testing.T) {
	t.Parallel()
	srv := newServiceServer(t)
	var r Report
	out, err := runTool(t, &r, append([]string{"--url", srv.URL + "/"}, loadArgs...)...)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	checkCounts(t, r)
	if r.Kind != "unguarded" || r.Unexpected != 0 || r.Scheduled != 200 {
		t.Errorf("kind %s, unexpected %d, scheduled %d; want unguarded, 0, 200", r.Kind, r.Unexpected, r.Scheduled)
	}
	if !hasOutcome(r, "refused", http.StatusOK, "") || !hasOutcome(r, "markdone", http.StatusConflict, "MARKDONE_BLOCKED") {
		t.Errorf("outcomes = %+v", r.Outcomes)
	}
	if !strings.Contains(out, "(unguarded)") || !strings.Contains(out, "p99.9") {
		t.Errorf("table:\n%s", out)
	}
}

// TestRunReportsUnexpected: answers other than the expected ones are
// counted, reported, and make run fail after writing the report.
func TestRunReportsUnexpected(t *testing.T) {
	t.Parallel()
	srv := newServiceServer(t, failingMarkdone)
	var r Report
	out, err := runTool(t, &r, append([]string{"--url", srv.URL}, loadArgs...)...)
	if !errors.Is(err, errUnexpected) {
		t.Fatalf("run error = %v, want errUnexpected\n%s", err, out)
	}
	checkCounts(t, r)
	if r.Unexpected != 10 || !hasOutcome(r, "markdone", http.StatusInternalServerError, "") {
		t.Errorf("unexpected %d, outcomes %+v; want the 10 markdone answers", r.Unexpected, r.Outcomes)
	}
	if !strings.Contains(out, "NO") {
		t.Errorf("table does not flag the unexpected answers:\n%s", out)
	}
}

// TestRunSetupFailsFast: a target that does not serve the demo seed is
// refused by the setup with a message that says so, before any load.
func TestRunSetupFailsFast(t *testing.T) {
	t.Parallel()
	srv := newServiceServer(t)
	var r Report
	_, err := runTool(t, &r, "--url", srv.URL, "--ids", "99", "--rate", "10", "--duration", "1s")
	if err == nil || !strings.Contains(err.Error(), "404 INTERACTION_NOT_FOUND") || !strings.Contains(err.Error(), "demo seed") {
		t.Errorf("run error = %v, want the setup to name the 404 and the demo seed", err)
	}
}

func TestParseOptionsProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string // every one must be reported
	}{
		{nil, []string{"give --url"}},
		{[]string{"--url", "http://x", "--rate", "0", "--mix", "nope=1", "--kind", "what"},
			[]string{"--rate must be positive", `unknown op "nope"`, `--kind "what"`}},
		{[]string{"--compare"}, []string{"need --service and --guard, or --start"}},
		{[]string{"--compare", "--url", "http://x", "--start"}, []string{"--url is for one target"}},
		{[]string{"--compare", "--max", "--start"}, []string{"separate runs"}},
		{[]string{"--max", "--url", "http://x", "--rate", "10", "--max-rate", "5"}, []string{"--max-rate must be at least --rate"}},
		{[]string{"--compare", "--start", "--decision-log", "stdout"}, []string{"--decision-log"}},
		{[]string{"--url", "http://x", "extra"}, []string{`unexpected argument "extra"`}},
		{[]string{"--url", "http://x", "--ids", " , "}, []string{"no interaction ids"}},
		{[]string{"--url", "http://x", "--api", "soap"}, []string{`--api "soap"`}},
		{[]string{"--url", "http://x", "--sim", "http://y"}, []string{"--sim is for --api workspace"}},
		{[]string{"--url", "http://x", "--api", "workspace", "--mix", "set=1,markdone=1"}, []string{"op markdone is not in the Workspace mix"}},
	}
	for _, tc := range tests {
		_, err := parseOptions(tc.args, &strings.Builder{})
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("parseOptions(%q) = %v, want %q", tc.args, err, w)
			}
		}
	}
	if _, err := parseOptions([]string{"--url", "http://x/"}, &strings.Builder{}); err != nil {
		t.Errorf("plain --url: %v", err)
	}
	var usage strings.Builder
	if err := run(t.Context(), []string{"-h"}, &usage, &usage); err != nil || !strings.Contains(usage.String(), "--compare") {
		t.Errorf("-h: %v\n%s", err, usage.String())
	}
}

func hasOutcome(r Report, op string, status int, code string) bool {
	for _, o := range r.Outcomes {
		if o.Op == op && o.Status == status && o.ErrorCode == code {
			return true
		}
	}
	return false
}

// TestFanout: every write's event reaches every subscribed socket, and the
// report says so.
func TestFanout(t *testing.T) {
	t.Parallel()
	srv := newGuardServer(t, service.NewMemory(service.DemoSeed()))
	var r FanoutReport
	out, err := runTool(t, &r, "fanout", "--url", srv.URL, "--sockets", "20", "--rate", "20", "--duration", "1s")
	if err != nil {
		t.Fatalf("fanout: %v\n%s", err, out)
	}
	if r.Sockets != 20 || r.Writes != 20 || r.Expected != 400 || r.Delivered != 400 || r.Closed != 0 || r.LatencyMs.Max <= 0 {
		t.Errorf("report %+v\n%s", r, out)
	}
}

// TestWithAPIKey: every request the transport makes carries --api-key; the
// caller's request is left as it was.
func TestWithAPIKey(t *testing.T) {
	t.Parallel()
	var got string
	rt := withAPIKey(roundtrip.Func(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Get("X-API-Key")
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
	}), "bench-key")
	req, err := http.NewRequest(http.MethodGet, "http://target.test/v1/interactions", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if got != "bench-key" {
		t.Errorf("X-API-Key sent: %q, want %q", got, "bench-key")
	}
	if h := req.Header.Get("X-API-Key"); h != "" {
		t.Errorf("the caller's request was changed: X-API-Key %q", h)
	}
}
