package main

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
)

func TestRunServesTheContract(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--listen", "127.0.0.1:0"}, stderr) }()
	re := regexp.MustCompile(`msg=listening addr=(\S+)`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("no listening line: %s", stderr.String())
	}
	resp, err := http.Get("http://" + addr + "/v1/interactions")
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK || len(list) == 0 {
		t.Fatalf("GET /v1/interactions: %d %v %v", resp.StatusCode, list, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

// startSim runs wwe-sim with args on a free port and returns its address;
// it stops with the test.
func startSim(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), stderr) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	re := regexp.MustCompile(`msg=listening addr=(\S+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no listening line: %s", stderr.String())
	return ""
}

func TestRunServesTheWorkspaceAPI(t *testing.T) {
	t.Parallel()
	addr := startSim(t, "--api", "workspace", "--cometd-advice", "1s")
	resp, err := http.Get("http://" + addr + "/workspace/v3/version")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v["name"] != "gws" {
		t.Fatalf("GET /workspace/v3/version: %d %v %v", resp.StatusCode, v, err)
	}
	resp.Body.Close()
}

func TestRunRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--api", "v2"}, {"--api", "workspace", "--cometd-advice", "0s"}, {"extra"}} {
		if err := run(context.Background(), append([]string{"--listen", "127.0.0.1:0"}, args...), &syncbuf.Buffer{}); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}
