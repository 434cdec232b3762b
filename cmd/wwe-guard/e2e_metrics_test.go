package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestE2EMetrics scrapes /metrics of a guard in front of wwe-sim after
// known traffic and checks the values: decisions by operation, outcome and
// errorCode, their latency count, refusals and rate-limit refusals, upstream
// calls by result, decision-log entries written, the active policy
// revision, and Go's and the process's collectors.
func TestE2EMetrics(t *testing.T) {
	t.Parallel()
	sim := startSimSeed(t, e2eSeed)
	options := e2eOptions + "  service-client-api.rate-limit.interaction.getByInteractionId: 2\n"
	cfg := writeHTTPConfig(t, sim, options, "")
	base := startGuard(t, "--config", cfg)

	before := scrape(t, base)
	if got := series(before, `wwe_guard_decisions_total{door="v1",error_code="",operation="setUserData",outcome="forward"}`); got != 0 {
		t.Fatalf("decisions before any traffic = %v", got)
	}
	for range 2 {
		send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	}
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	send(t, http.MethodGet, base+"/v1/interactions/2", "").expect(t, http.StatusOK, "")
	send(t, http.MethodGet, base+"/v1/interactions/2", "").expect(t, http.StatusOK, "")
	send(t, http.MethodGet, base+"/v1/interactions/2", "").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")

	decisions := 6.0 // the rate-limited read is refused before deciding
	readLogUntil(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"), "MARKDONE_BLOCKED")
	var text string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		text = scrape(t, base)
		if series(text, "wwe_guard_decision_log_entries_written_total") == decisions || time.Now().After(deadline) {
			break
		}
	}
	want := map[string]float64{
		`wwe_guard_decisions_total{door="v1",error_code="",operation="setUserData",outcome="forward"}`:                           2,
		`wwe_guard_decisions_total{door="v1",error_code="USER_DATA_WRITE_NOT_ALLOWED",operation="setUserData",outcome="refuse"}`: 1,
		`wwe_guard_decisions_total{door="v1",error_code="MARKDONE_BLOCKED",operation="markdone",outcome="refuse"}`:               1,
		`wwe_guard_decisions_total{door="v1",error_code="",operation="getByInteractionId",outcome="forward"}`:                    2,
		`wwe_guard_decision_duration_seconds_count{operation="setUserData"}`:                                                     3,
		`wwe_guard_refusals_total{error_code="USER_DATA_WRITE_NOT_ALLOWED"}`:                                                     1,
		`wwe_guard_refusals_total{error_code="MARKDONE_BLOCKED"}`:                                                                1,
		`wwe_guard_refusals_total{error_code="RATE_LIMITED"}`:                                                                    1,
		`wwe_guard_rate_limited_total`:                 1,
		`wwe_guard_decision_log_entries_written_total`: decisions,
		`wwe_guard_decision_log_entries_dropped_total`: 0,
		`wwe_guard_event_streams_open`:                 0,
	}
	for name, v := range want {
		if got := series(text, name); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	// The two allowed writes and the two allowed reads each reached wwe-sim
	// (with the reads the guard makes to decide, unless it remembered the
	// revision), and wwe-sim answered 2xx; nothing failed.
	if got := series(text, `wwe_guard_upstream_requests_total{result="2xx"}`); got < 4 {
		t.Errorf("upstream 2xx calls = %v, want at least 4", got)
	}
	if got := series(text, `wwe_guard_upstream_requests_total{result="error"}`); got != 0 {
		t.Errorf("upstream calls without an answer = %v", got)
	}
	if got := series(text, `wwe_guard_upstream_request_duration_seconds_count{result="2xx"}`); got != series(text, `wwe_guard_upstream_requests_total{result="2xx"}`) {
		t.Errorf("upstream latency count %v differs from the calls counted", got)
	}
	if !regexp.MustCompile(`(?m)^wwe_guard_policy_info\{revision="[0-9a-f]{16}"\} 1$`).MatchString(text) {
		t.Errorf("no active policy revision in:\n%s", grep(text, "policy_info"))
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "wwe_guard_build_info"} {
		if !regexp.MustCompile(`(?m)^` + name + `[ {]`).MatchString(text) {
			t.Errorf("no %s series", name)
		}
	}
}

// scrape GETs /metrics.
func scrape(t *testing.T, base string) string {
	t.Helper()
	r := send(t, http.MethodGet, base+"/metrics", "")
	if r.status != http.StatusOK {
		t.Fatalf("/metrics: %d %s", r.status, r.raw)
	}
	return r.raw
}

// series is the value of one series, written as Prometheus' text format
// writes it (labels sorted); 0 when it is absent.
func series(text, name string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err != nil {
				panic(fmt.Sprintf("series %s: %v", name, err))
			}
			return v
		}
	}
	return 0
}

// grep is the lines of text that hold s.
func grep(text, s string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
