package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
	"github.com/wwe-guard/wwe-guard/policies"
)

// asMainEnv makes the test binary run main instead of the tests, so the
// tool can start `wwe-bench proxy` by re-executing itself under test.
const asMainEnv = "WWE_BENCH_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// newServiceServer serves the reference service alone (no policies) with
// the demo seed, as wwe-sim does; wrap, if any, wraps its handler.
func newServiceServer(tb testing.TB, wrap ...func(http.Handler) http.Handler) *httptest.Server {
	tb.Helper()
	var h http.Handler = api.New(api.Config{Service: service.NewMemory(service.DemoSeed()), Decider: sim.AllowAll{}})
	for _, w := range wrap {
		h = w(h)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv
}

// newGuardServer serves the guard with the bundled policies and the demo's
// options in front of svc. Its decisions may take 10 s, not 200 ms: these
// tests check the tool's counts, and a decision timed out under -race on a
// busy machine (POLICY_ERROR) would only make them flaky.
func newGuardServer(tb testing.TB, svc api.Service) *httptest.Server {
	tb.Helper()
	engine, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Timeout: 10 * time.Second, Options: map[string]any{
		"service-client-api.user-data.write-allowed": "DispositionCode,Notes,CustomerSegment",
		"interaction.disposition.is-mandatory":       true,
	}})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Service: svc, Decider: engine}))
	tb.Cleanup(srv.Close)
	return srv
}

// newServiceClient is the guard's client to a service served at url.
func newServiceClient(tb testing.TB, url string) api.Service {
	tb.Helper()
	c, err := service.NewClient(url, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// runTool runs the tool with args plus --json FILE and decodes the JSON
// report into report; it returns run's error and its output.
func runTool(tb testing.TB, report any, args ...string) (string, error) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "report.json")
	stdout, stderr := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	err := run(context.Background(), append(args, "--json", path), stdout, stderr)
	out := stdout.String() + stderr.String()
	if raw, rerr := os.ReadFile(path); rerr == nil {
		if jerr := json.Unmarshal(raw, report); jerr != nil {
			tb.Fatalf("report: %v\n%s", jerr, raw)
		}
	} else if err == nil {
		tb.Fatalf("no JSON report: %v\n%s", rerr, out)
	}
	return out, err
}

// checkCounts fails unless the report's outcomes add up to its scheduled
// requests and its answered and unexpected counts.
func checkCounts(tb testing.TB, r Report) {
	tb.Helper()
	total, answered, unexpected := 0, 0, 0
	for _, o := range r.Outcomes {
		total += o.Count
		if o.Status != 0 {
			answered += o.Count
		}
		if !o.Expected {
			unexpected += o.Count
		}
	}
	if total != r.Scheduled || answered != r.Answered || unexpected != r.Unexpected {
		tb.Errorf("outcomes add up to %d scheduled, %d answered, %d unexpected; report says %d, %d, %d",
			total, answered, unexpected, r.Scheduled, r.Answered, r.Unexpected)
	}
}

// countsByOp sums a report's outcomes per op.
func countsByOp(r Report) map[string]int {
	out := map[string]int{}
	for _, o := range r.Outcomes {
		out[o.Op] += o.Count
	}
	return out
}

// failingMarkdone answers 500 to every markdone after the first (which the
// setup sends), so a run against it has unexpected answers.
func failingMarkdone(next http.Handler) http.Handler {
	seen := make(chan struct{}, 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && filepath.Base(r.URL.Path) == "markdone" {
			select {
			case seen <- struct{}{}:
			default:
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
