package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
)

// recordingService serves the reference service (what wwe-sim serves, in
// this process) with the end-to-end seed and records every request line
// that reaches it, so a test can show what the guard forwarded.
type recordingService struct {
	URL  string
	mu   sync.Mutex
	seen []string // "METHOD request-URI", in arrival order
}

func startRecordingService(t *testing.T) *recordingService {
	t.Helper()
	seed := filepath.Join(t.TempDir(), "seed.json")
	mustWrite(t, seed, e2eSeed)
	interactions, err := service.LoadSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	sim := api.New(api.Config{Service: service.NewMemory(interactions), Decider: guard.AllowAll{}})
	rs := &recordingService{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.seen = append(rs.seen, r.Method+" "+r.RequestURI)
		rs.mu.Unlock()
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rs.URL = srv.URL
	return rs
}

// requests returns the request lines the service has seen so far.
func (rs *recordingService) requests() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return slices.Clone(rs.seen)
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
