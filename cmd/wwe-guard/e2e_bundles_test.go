package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// bundleServer serves one bundle at /team.tar.gz, with an ETag, answering
// 304 to a matching If-None-Match; down answers 503.
type bundleServer struct {
	*httptest.Server
	mu          sync.Mutex
	body        []byte
	down        bool
	notModified atomic.Int64
}

func newBundleServer(t *testing.T) *bundleServer {
	s := &bundleServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		body, down := s.body, s.down
		s.mu.Unlock()
		if down || body == nil {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			s.notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *bundleServer) serve(body []byte, down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.down = body, down
}

const bundleDeny = `package wwe.userdata

deny contains {"key": w.key, "code": "TEAM_KEY", "message": "refused by the team bundle"} if {
	some w in input.writes
	w.key in data.team.refused
}
`

// anyKey lets the shipped write-allowed rule admit every key, so what is
// refused is the bundle's doing.
const anyKey = "\n  service-client-api.user-data.write-allowed: \"*\"\n"

// teamBundle is the team's bundle refusing key, at revision rev.
func teamBundle(t *testing.T, rev, key string, keys *testkit.BundleKeys) []byte {
	return testkit.Bundle(t, rev, []string{"team", "wwe/userdata"}, map[string]string{"team/deny.rego": bundleDeny},
		map[string]any{"team": map[string]any{"refused": []any{key}}}, keys)
}

// readyBundles is what /ready says of the bundles ("" when not ready).
func readyBundles(t *testing.T, base string) map[string]any {
	r := send(t, http.MethodGet, base+"/ready", "")
	if r.status != http.StatusOK {
		return nil
	}
	b, _ := r.body["bundles"].(map[string]any)
	return b
}

func waitReadyRevision(t *testing.T, base, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if readyBundles(t, base)["team"] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ready never named revision %s: %v", want, readyBundles(t, base))
		}
	}
}

// TestE2EBundles: a signed bundle from a URL decides with the shipped
// policies and names its revision in /ready, /metrics and every
// decision-log entry; a new revision is picked up by polling with ETag; a
// tampered or unsigned revision is refused and the last good one stays.
func TestE2EBundles(t *testing.T) {
	t.Parallel()
	keys := testkit.NewBundleKeys(t)
	srv := newBundleServer(t)
	srv.serve(teamBundle(t, "r1", "TaxId", &keys), false)
	cfg := writeConfig(t, anyKey, "")
	dir := filepath.Dir(cfg)
	mustWrite(t, filepath.Join(dir, "bundle-key.pem"), keys.Public)
	mustWrite(t, cfg, readFile(t, cfg)+"policies:\n  bundled: true\n  bundles:\n    - {name: team, url: "+srv.URL+"/team.tar.gz, publicKeyFile: bundle-key.pem, poll: 100ms}\n")
	base, stderr := startGuardOutput(t, "--config", cfg)
	write := base + "/v1/interactions/1/user-data"

	if got := readyBundles(t, base); got["team"] != "r1" {
		t.Fatalf("/ready bundles = %v", got)
	}
	refused := send(t, http.MethodPatch, write, `{"TaxId":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if !strings.Contains(refused.raw, `"code":"TEAM_KEY"`) {
		t.Errorf("not refused by the bundle's rule: %s", refused.raw)
	}
	id := refused.header.Get("X-Decision-Id")
	if log := readLogUntil(t, filepath.Join(dir, "decisions.jsonl"), id); !strings.Contains(log, `"bundles":{"team":{"revision":"r1"}}`) {
		t.Errorf("the decision log lacks the bundle revision:\n%s", log)
	}
	if !strings.Contains(scrape(t, base), `wwe_guard_bundle_info{name="team",revision="r1"} 1`) {
		t.Error("/metrics lacks the bundle revision")
	}

	srv.serve(teamBundle(t, "r2", "Notes", &keys), false)
	waitReadyRevision(t, base, "r2")
	send(t, http.MethodPatch, write, `{"Notes":"n"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodPatch, write, `{"TaxId":"1"}`).expect(t, http.StatusOK, "")
	for deadline := time.Now().Add(5 * time.Second); srv.notModified.Load() == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the poller never sent If-None-Match")
		}
	}

	for name, body := range map[string][]byte{
		"tampered": testkit.TamperBundle(t, teamBundle(t, "r3", "Notes", &keys), `"Notes"`, `"Other"`),
		"unsigned": teamBundle(t, "r4", "TaxId", nil),
	} {
		srv.serve(body, false)
		waitFor(t, stderr, `trigger="bundle team"`)
		time.Sleep(300 * time.Millisecond) // a few polls
		if got := readyBundles(t, base)["team"]; got != "r2" {
			t.Errorf("after a %s revision: /ready names %v, want r2 kept", name, got)
		}
		send(t, http.MethodPatch, write, `{"Notes":"n"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	}
	if !strings.Contains(stderr.String(), "config reload failed; keeping the last good config") {
		t.Errorf("a refused bundle was not logged:\n%s", stderr)
	}

	// check fetches a URL bundle and verifies it; a file bundle is read.
	srv.serve(teamBundle(t, "r5", "TaxId", &keys), false)
	if err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Errorf("check: %v", err)
	}
	srv.serve(teamBundle(t, "r6", "TaxId", nil), false)
	if err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "bundle team") {
		t.Errorf("check of an unsigned bundle = %v, want it refused", err)
	}
	fileCfg := writeConfig(t, anyKey, "policies:\n  bundled: true\n  bundles:\n    - {name: team, file: team.tar.gz}\n")
	mustWrite(t, filepath.Join(filepath.Dir(fileCfg), "team.tar.gz"), string(teamBundle(t, "f1", "TaxId", nil)))
	if err := run(context.Background(), []string{"check", "--config", fileCfg}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Errorf("check with a file bundle: %v", err)
	}
	expectRefusedConfig(t, writeConfig(t, "", "policies:\n  bundles:\n    - {name: team, file: missing.tar.gz}\n    - {name: team, url: "+srv.URL+"}\n"),
		"policies.bundles[0].file:", "does not exist", "policies.bundles[1].name: team is listed twice")
}

// TestE2EBundlesNotReadyUntilActivated: while the bundle cannot be
// fetched the guard answers NOT_READY; once it is served the guard loads
// it and is ready.
func TestE2EBundlesNotReadyUntilActivated(t *testing.T) {
	t.Parallel()
	srv := newBundleServer(t)
	srv.serve(nil, true)
	cfg := writeConfig(t, anyKey, "policies:\n  bundled: true\n  bundles:\n    - {name: team, url: "+srv.URL+"/team.tar.gz}\n")
	addr := closedAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	stderr := &syncbuf.Buffer{}
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg, "--listen", addr, "--shutdown-wait", "0s"}, &syncbuf.Buffer{}, stderr)
	}()
	t.Cleanup(func() { cancel(); <-done })
	base := "http://" + addr
	waitFor(t, stderr, "policy bundles not read yet")
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusServiceUnavailable, "NOT_READY")
	send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusServiceUnavailable, "NOT_READY")
	srv.serve(teamBundle(t, "r1", "TaxId", nil), false)
	waitReadyRevision(t, base, "r1")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"TaxId":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
}
