package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// upstream is the reference service (what wwe-sim serves, in this process)
// with the end-to-end seed on an httptest server, as the guard sees a
// remote service. It records every request line that reaches it and counts
// the event streams opened to it, so a test can show what the guard
// forwarded; it can hold GET /v1/interactions/1 for a while, and restart (a
// new lifetime of the service, from the same seed, on the same address).
type upstream struct {
	url     string
	streams atomic.Int64
	slow    atomic.Int64 // nanoseconds to hold GET /v1/interactions/1
	held    chan struct{}
	svc     atomic.Pointer[api.Server]
	seed    []*wwe.Interaction

	mu   sync.Mutex
	seen []string // "METHOD request-URI", in arrival order
}

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	interactions, err := service.LoadSeed(writeTemp(t, "seed.json", e2eSeed))
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{held: make(chan struct{}, 16), seed: interactions}
	u.restart()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.seen = append(u.seen, r.Method+" "+r.RequestURI)
		u.mu.Unlock()
		if r.URL.Path == "/v1/events" {
			u.streams.Add(1)
		}
		if d := time.Duration(u.slow.Load()); d > 0 && r.Method == http.MethodGet && r.URL.Path == "/v1/interactions/1" {
			u.held <- struct{}{}
			time.Sleep(d)
		}
		u.svc.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		u.svc.Load().EndStreams()
		ts.Close()
	})
	u.url = ts.URL
	return u
}

// restart replaces the service with a new lifetime of it, seeded afresh;
// the old one's event streams end, as a stopped process's would.
func (u *upstream) restart() {
	if old := u.svc.Swap(api.New(api.Config{Service: service.NewMemory(u.seed), Decider: sim.AllowAll{}, TrustCallerApplication: true})); old != nil {
		old.EndStreams()
	}
}

// requests returns the request lines the service has seen so far.
func (u *upstream) requests() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.seen)
}

// sidecarConfig writes a config with the e2e options for a guard in front
// of the service at url, logging decisions to the returned file; extra is
// appended at the top level.
func sidecarConfig(t *testing.T, url string, extra ...string) (cfg, decisions string) {
	t.Helper()
	cfg = writeHTTPConfig(t, url, "", strings.Join(extra, ""))
	return cfg, filepath.Join(filepath.Dir(cfg), "decisions.jsonl")
}

// startSidecar starts a guard on sidecarConfig(t, url, extra...) and
// returns its base URL and the file it logs decisions to.
func startSidecar(t *testing.T, url string, extra ...string) (base, decisions string) {
	t.Helper()
	cfg, decisions := sidecarConfig(t, url, extra...)
	return startGuard(t, "--config", cfg), decisions
}

// writeHTTPConfig is writeConfig with upstream.kind http at url.
func writeHTTPConfig(t *testing.T, url, options, extra string) string {
	t.Helper()
	cfg := writeConfig(t, options, extra)
	seedLine := "kind: embedded\n  seed: " + filepath.Join(filepath.Dir(cfg), "seed.json")
	body := readFile(t, cfg)
	if !strings.Contains(body, seedLine) {
		t.Fatalf("unexpected config layout:\n%s", body)
	}
	mustWrite(t, cfg, strings.Replace(body, seedLine, "kind: http\n  url: "+url, 1))
	return cfg
}
