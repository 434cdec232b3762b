package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestE2EDecisionLogOPAFields: every decision-log entry carries OPA's
// fields — labels.id (one per process), labels.version, and on stdout
// "type":"openpolicyagent.org/decision_logs" — plus labels.config_revision,
// which names the policy set /metrics reports as active and changes with
// the options. (labels.id is per process; these guards share one.)
func TestE2EDecisionLogOPAFields(t *testing.T) {
	t.Parallel()
	stdoutConfig := func(options string) string {
		cfg := writeConfig(t, options, "")
		mustWrite(t, cfg, strings.Replace(readFile(t, cfg), "decisionLog:\n  output: ", "decisionLog:\n  output: stdout\n  #", 1))
		return cfg
	}
	base, stdout, _, _ := launchGuard(t, "--config", stdoutConfig(""))
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	entries := stdoutEntries(t, stdout, 2)
	active := regexp.MustCompile(`wwe_guard_policy_info\{revision="([0-9a-f]+)"\} 1`).FindStringSubmatch(scrape(t, base))
	if active == nil {
		t.Fatal("no active revision in /metrics")
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, e := range entries {
		labels, _ := e["labels"].(map[string]any)
		if e["type"] != "openpolicyagent.org/decision_logs" || !uuid.MatchString(labels["id"].(string)) ||
			labels["id"] != entries[0]["labels"].(map[string]any)["id"] || labels["version"] == "" ||
			labels["config_revision"] != active[1] || labels["app"] != "wwe-guard" {
			t.Errorf("entry %v\nwant OPA's type, one UUID id, a version and config_revision %s", e, active[1])
		}
	}

	other, stdout2, _, _ := launchGuard(t, "--config", stdoutConfig("\n  service-client-api.user-data.write-allowed: \"Notes\"\n"))
	send(t, http.MethodPatch, other+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	second := stdoutEntries(t, stdout2, 1)[0]["labels"].(map[string]any)
	if second["config_revision"] == active[1] {
		t.Errorf("a guard with other options: labels %v, want another config_revision than %s", second, active[1])
	}

	// A decision log in a file is not OPA's console log: no type.
	cfg := writeConfig(t, "", "")
	fileLog := startGuard(t, "--config", cfg)
	id := send(t, http.MethodGet, fileLog+"/v1/interactions/1", "").expect(t, http.StatusOK, "").header.Get("X-Decision-Id")
	if log := readLogUntil(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"), id); strings.Contains(log, `"type"`) {
		t.Errorf("a file decision log carries a type:\n%s", log)
	}
}

// stdoutEntries waits for n decision-log entries on stdout and decodes them.
func stdoutEntries(t *testing.T, stdout interface{ String() string }, n int) []map[string]any {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var out []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			var e map[string]any
			if json.Unmarshal([]byte(line), &e) == nil && e["decision_id"] != nil {
				out = append(out, e)
			}
		}
		if len(out) >= n {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d decision-log entries on stdout, want %d:\n%s", len(out), n, stdout.String())
		}
	}
}
