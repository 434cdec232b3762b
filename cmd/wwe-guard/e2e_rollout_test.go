package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// decisionEntry is the part of a decision log line these tests read.
type decisionEntry struct {
	DecisionID string `json:"decision_id"`
	Result     struct {
		Allow         bool             `json:"allow"`
		DeniedKeys    []string         `json:"deniedKeys"`
		DryRunReasons []map[string]any `json:"dryRunReasons"`
	} `json:"result"`
	RuleLabels []map[string]any `json:"rule_labels"`
	Outcome    struct {
		Action    string `json:"action"`
		ErrorCode string `json:"errorCode"`
	} `json:"outcome"`
}

// logEntry finds the decision log entry with the given id.
func logEntry(t *testing.T, path, id string) decisionEntry {
	t.Helper()
	for line := range strings.Lines(readLogUntil(t, path, `"decision_id":"`+id+`"`)) {
		var e decisionEntry
		if json.Unmarshal([]byte(line), &e) == nil && e.DecisionID == id {
			return e
		}
	}
	t.Fatalf("no decision log entry %s in %s", id, path)
	return decisionEntry{}
}

// observedCardRule refuses card numbers in user data, rolled out in
// observe-only mode by its METADATA label; its head is on line 9.
const observedCardRule = `package wwe.userdata

# METADATA
# title: No card numbers in notes
# labels:
#   code: CARD_IN_NOTES
#   compliance: PCI DSS 4.0 3.3.1
#   enforcement: dryrun
deny contains {"key": w.key, "code": "CARD_IN_NOTES", "message": "card numbers may not be stored"} if {
	some w in input.writes
	w.op == "set"
	regex.match(` + "`" + `\d{4} \d{4} \d{4} \d{4}` + "`" + `, w.value)
}
`

// TestE2EPerRuleDryRun: one new rule ships in observe-only mode (by its
// METADATA label, or by data.wwe.rollout.dryrun in a data file) while every
// other rule enforces; the decision log shows what it would have refused and
// the labels (compliance codes) of the rules that fired.
func TestE2EPerRuleDryRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "cards.rego"), observedCardRule)
	mustWrite(t, filepath.Join(dir, "survey.rego"), `package wwe.markdone

block contains {"code": "SURVEY_REQUIRED", "message": "offer the survey first"} if {
	not input.interaction.userData.Survey
}
`)
	mustWrite(t, filepath.Join(dir, "rollout.json"), `{"wwe": {"rollout": {"dryrun": ["SURVEY_REQUIRED"]}}}`)
	cfg := writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n")
	log := filepath.Join(filepath.Dir(cfg), "decisions.jsonl")
	base := startGuard(t, "--config", cfg)

	// The observed rule does not refuse: the write reaches the service.
	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"4111 1111 1111 1111"}`).expect(t, http.StatusOK, "")
	if r.userData()["Notes"] != "4111 1111 1111 1111" {
		t.Fatalf("observed rule blocked the write: %s", r.raw)
	}
	e := logEntry(t, log, r.header.Get("X-Decision-Id"))
	if !e.Result.Allow || e.Outcome.Action != "forward" || len(e.Result.DryRunReasons) != 1 || e.Result.DryRunReasons[0]["code"] != "CARD_IN_NOTES" || e.Result.DryRunReasons[0]["key"] != "Notes" {
		t.Errorf("log entry of an observed refusal: %+v", e)
	}
	if !hasLabel(e.RuleLabels, "compliance", "PCI DSS 4.0 3.3.1") {
		t.Errorf("rule_labels = %v, want the observed rule's labels", e.RuleLabels)
	}

	// Every other rule still enforces, and names itself in rule_labels.
	r = send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	e = logEntry(t, log, r.header.Get("X-Decision-Id"))
	if !hasLabel(e.RuleLabels, "code", "WRITE_ALLOWED") || e.Outcome.ErrorCode != "USER_DATA_WRITE_NOT_ALLOWED" {
		t.Errorf("log entry of an enforced refusal: %+v", e)
	}

	// The data-driven roll-out: markdone is blocked by the disposition rule
	// only; the survey rule is observed.
	r = send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	if got := r.body["warningMessages"].([]any); len(got) != 1 {
		t.Errorf("warningMessages = %v, want only the disposition's", got)
	}
	e = logEntry(t, log, r.header.Get("X-Decision-Id"))
	if len(e.Result.DryRunReasons) != 1 || e.Result.DryRunReasons[0]["code"] != "SURVEY_REQUIRED" {
		t.Errorf("dryRunReasons = %v", e.Result.DryRunReasons)
	}
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"DispositionCode":"Sale"}`).expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusOK, "")
}

func hasLabel(labels []map[string]any, name, value string) bool {
	return slices.ContainsFunc(labels, func(l map[string]any) bool { return l[name] == value })
}
