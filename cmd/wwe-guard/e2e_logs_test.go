package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
)

// TestE2EAccessLogJSON: with log.format json every line the guard writes
// is a JSON object, and each request ends with one access line whose
// decision_id is the id the client got and the decision log holds — for an
// allowed and a refused write alike — while a query string never reaches
// the log.
func TestE2EAccessLogJSON(t *testing.T) {
	t.Parallel()
	cfg := writeConfig(t, "", "log:\n  format: json\n  level: debug\n")
	base, stderr := startGuardOutput(t, "--config", cfg)

	allowed := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	refused := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodGet, base+"/v1/interactions?code=secret-session-code", "").expect(t, http.StatusOK, "")
	ids := map[int]string{http.StatusOK: allowed.header.Get("X-Decision-Id"), http.StatusForbidden: refused.header.Get("X-Decision-Id")}
	if ids[http.StatusOK] == "" || ids[http.StatusForbidden] == "" {
		t.Fatalf("answers without a decision id: %v", ids)
	}
	readLogUntil(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"), ids[http.StatusOK], ids[http.StatusForbidden])

	lines := accessLines(t, stderr, 3)
	for _, l := range lines[:2] {
		status := int(l["status"].(float64))
		if l["method"] != "PATCH" || l["path"] != "/v1/interactions/1/user-data" || l["decision_id"] != ids[status] || l["level"] != "INFO" {
			t.Errorf("access line %v, want PATCH of /v1/interactions/1/user-data with decision_id %q", l, ids[status])
		}
		if _, ok := l["duration"].(float64); !ok {
			t.Errorf("access line without a duration: %v", l)
		}
	}
	if l := lines[2]; l["path"] != "/v1/interactions" || l["status"] != 200.0 {
		t.Errorf("access line %v, want GET /v1/interactions 200", l)
	}
	if strings.Contains(stderr.String(), "secret-session-code") {
		t.Errorf("the query reached the log:\n%s", stderr)
	}
}

// accessLines waits for n access lines in a JSON log and returns them, in
// order, after checking that every line of the log is a JSON object.
func accessLines(t *testing.T, stderr *syncbuf.Buffer, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("a log line that is not JSON: %q", line)
			}
			if v["msg"] == "request" {
				out = append(out, v)
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d access lines, want %d:\n%s", len(out), n, stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestE2ELogLevelAndAccessOff: log.level warn keeps the info lines (the
// access log among them) out and still logs why the upstream failed;
// log.access false turns the access log off at level info.
func TestE2ELogLevelAndAccessOff(t *testing.T) {
	t.Parallel()
	dead := closedAddr(t)
	t.Run("level warn", func(t *testing.T) {
		t.Parallel()
		cfg := writeTemp(t, "guard.yaml", "upstream:\n  kind: http\n  url: http://"+dead+"\nlog:\n  level: warn\ndecisionLog:\n  output: none\n")
		base, stderr := serveOn(t, cfg)
		send(t, http.MethodGet, base+"/v1/interactions", "").expect(t, http.StatusBadGateway, "SERVICE_UNAVAILABLE")
		waitFor(t, stderr, "msg=\"call failed\"")
		if out := stderr.String(); strings.Contains(out, "level=INFO") || !strings.Contains(out, "connection refused") {
			t.Errorf("at level warn, want no INFO line and the upstream's cause:\n%s", out)
		}
	})
	t.Run("access off", func(t *testing.T) {
		t.Parallel()
		base, stderr := startGuardOutput(t, "--config", writeConfig(t, "", "log:\n  access: false\n"))
		send(t, http.MethodGet, base+"/v1/interactions", "").expect(t, http.StatusOK, "")
		send(t, http.MethodGet, base+"/health", "").expect(t, http.StatusOK, "")
		if out := stderr.String(); strings.Contains(out, "msg=request") {
			t.Errorf("access lines with log.access false:\n%s", out)
		}
	})
	expectRefusedConfig(t, writeConfig(t, "", "log:\n  format: xml\n  level: loud\n"),
		`log.format: must be one of text, json, not "xml"`, `log.level: must be one of debug, info, warn, error, not "loud"`)
}

// closedAddr is a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serveOn runs the guard with cfg on a free port without reading its log
// (which may hold no info line) and returns its base URL, with its stderr,
// once its policies are loaded: a guarded route no longer answers 503.
func serveOn(t *testing.T, cfg string) (string, *syncbuf.Buffer) {
	t.Helper()
	addr := closedAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg, "--listen", addr, "--shutdown-wait", "0s"}, &syncbuf.Buffer{}, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(base + "/v1/interactions"); err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable {
				return base, stderr
			}
		}
	}
	t.Fatalf("guard did not load its policies:\n%s", stderr)
	return "", nil
}

// waitFor waits until the log holds want.
func waitFor(t *testing.T, stderr *syncbuf.Buffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stderr.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log lacks %q:\n%s", want, stderr)
		}
	}
}
