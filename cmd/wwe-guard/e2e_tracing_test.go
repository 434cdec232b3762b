package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/sim"
)

// TestE2ETracing: with tracing.otlpEndpoint the guard continues the
// caller's W3C trace: the service gets a traceparent of the same trace
// (the guard's own span as parent), the decision-log entry carries its
// trace_id, a request without one starts a trace of its own, and the spans
// reach the OTLP collector by the time the guard has stopped.
func TestE2ETracing(t *testing.T) {
	t.Parallel()
	var exports atomic.Int64
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			exports.Add(1)
		}
	}))
	defer collector.Close()
	seed, err := service.LoadSeed(writeTemp(t, "seed.json", e2eSeed))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var parents []string
	svc := api.New(api.Config{Service: service.NewMemory(seed), Decider: sim.AllowAll{}})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		parents = append(parents, r.Header.Get("Traceparent"))
		mu.Unlock()
		svc.ServeHTTP(w, r)
	}))
	defer upstream.Close()
	sent := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := parents
		parents = nil
		return out
	}

	cfg := writeHTTPConfig(t, upstream.URL, "", "tracing:\n  otlpEndpoint: "+collector.URL+"\n")
	base, stop := startGuardStoppable(t, "--config", cfg)
	logFile := filepath.Join(filepath.Dir(cfg), "decisions.jsonl")

	const traceID, clientSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	id := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`,
		"Traceparent", "00-"+traceID+"-"+clientSpan+"-01").expect(t, http.StatusOK, "").header.Get("X-Decision-Id")
	got := sent()
	if len(got) == 0 {
		t.Fatal("the service got no call")
	}
	for _, p := range got {
		if !strings.HasPrefix(p, "00-"+traceID+"-") || strings.Contains(p, clientSpan) {
			t.Errorf("traceparent upstream %q, want trace %s under the guard's own span", p, traceID)
		}
	}
	if log := readLogUntil(t, logFile, id); !strings.Contains(log, `"trace_id":"`+traceID+`"`) {
		t.Errorf("the decision log lacks trace_id %s:\n%s", traceID, log)
	}

	id = send(t, http.MethodGet, base+"/v1/interactions/2", "").expect(t, http.StatusOK, "").header.Get("X-Decision-Id")
	got = sent()
	if len(got) == 0 || len(got[0]) != 55 {
		t.Fatalf("traceparents upstream %q, want a new trace", got)
	}
	fresh := strings.Split(got[0], "-")[1]
	if fresh == traceID || !strings.Contains(readLogUntil(t, logFile, id), `"trace_id":"`+fresh+`"`) {
		t.Errorf("an untraced request: trace %s upstream, want a new one in its log entry", fresh)
	}

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if exports.Load() == 0 {
		t.Error("no span reached the collector")
	}
}
