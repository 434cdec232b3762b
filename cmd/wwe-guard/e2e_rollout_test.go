package main

import (
	"bytes"
	"context"
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

// trialRules are rules rolled out in observe-only mode that reuse the codes
// of shipped rules: a trial of a stricter notes rule, a survey block and an
// origin rule. Each must be observed alone, never the shipped rule.
const trialRules = `package wwe.userdata

# METADATA
# title: Trial of a notes rule
# labels:
#   code: WRITE_ALLOWED
#   trial: notes
#   enforcement: dryrun
deny contains {"key": w.key, "code": "WRITE_ALLOWED", "message": "trial: no notes"} if {
	some w in input.writes
	w.key == "Notes"
}
`

const trialBlocks = `package wwe.markdone

# METADATA
# labels:
#   trial: survey
#   enforcement: dryrun
block contains {"code": "DISPOSITION_REQUIRED", "message": "trial: offer the survey"} if {
	not input.interaction.userData.Survey
}

# METADATA
# labels:
#   enforcement: dryrun
block contains {"code": "CLIENT_BLOCK", "message": "trial: a client block"} if {
	not input.interaction.userData.Survey
}
`

const trialAccess = `package wwe.access

# METADATA
# labels:
#   trial: origins
#   enforcement: dryrun
deny contains {"code": "ORIGIN_NOT_ACCEPTED", "message": "trial: no kb"} if {
	input.caller.origin == "https://kb"
}
`

// TestE2ETrialRuleLeavesShippedRulesEnforced: a rule labelled
// enforcement: dryrun is observed on its own, even when it gives the reason
// code of a shipped rule (WRITE_ALLOWED, DISPOSITION_REQUIRED, CLIENT_BLOCK,
// ORIGIN_NOT_ACCEPTED); the shipped rule keeps refusing, and the decision log
// names each rule's own labels.
func TestE2ETrialRuleLeavesShippedRulesEnforced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "trial.rego"), trialRules)
	mustWrite(t, filepath.Join(dir, "blocks.rego"), trialBlocks)
	mustWrite(t, filepath.Join(dir, "access.rego"), trialAccess)
	cfg := writeConfig(t, e2eOptions+"  service-client-api.accepted-web-content-origins: \"https://crm, https://kb\"\n", "policies:\n  paths: ["+dir+"]\n")
	if err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("check: %v", err)
	}
	log := filepath.Join(filepath.Dir(cfg), "decisions.jsonl")
	base := startGuard(t, "--config", cfg)
	crm := []string{"Origin", "https://crm"}

	// The trial rule is observed: the write goes through.
	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"x"}`, crm...).expect(t, http.StatusOK, "")
	e := logEntry(t, log, r.header.Get("X-Decision-Id"))
	if len(e.Result.DryRunReasons) != 1 || e.Result.DryRunReasons[0]["message"] != "trial: no notes" || !hasLabel(e.RuleLabels, "trial", "notes") {
		t.Errorf("log entry of the observed trial: %+v", e)
	}
	// The shipped rule with the same code still refuses, under its own labels.
	r = send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1"}`, crm...).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	e = logEntry(t, log, r.header.Get("X-Decision-Id"))
	if !hasLabel(e.RuleLabels, "control", "service-client-api.user-data.write-allowed") || hasLabel(e.RuleLabels, "trial", "notes") || len(e.Result.DryRunReasons) != 0 {
		t.Errorf("log entry of the shipped refusal: %+v", e)
	}

	// The shipped origin rule refuses an origin not listed; the trial
	// origin rule only observes.
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://evil").expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	r = send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://kb").expect(t, http.StatusOK, "")
	if e = logEntry(t, log, r.header.Get("X-Decision-Id")); len(e.Result.DryRunReasons) != 1 || !hasLabel(e.RuleLabels, "trial", "origins") {
		t.Errorf("log entry of the observed origin trial: %+v", e)
	}

	// The shipped disposition rule blocks markdone; the trial blocks do not.
	r = send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "", crm...).expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	if got := r.body["warningMessages"].([]any); len(got) != 1 || !strings.HasPrefix(got[0].(string), "A disposition (DispositionCode) is required") {
		t.Errorf("warningMessages = %v, want only the shipped disposition rule's", got)
	}
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"DispositionCode":"Sale"}`, crm...).expect(t, http.StatusOK, "")
	r = send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "", crm...).expect(t, http.StatusOK, "")
	if e = logEntry(t, log, r.header.Get("X-Decision-Id")); len(e.Result.DryRunReasons) != 2 || !hasLabel(e.RuleLabels, "trial", "survey") {
		t.Errorf("log entry of the observed blocks: %+v", e)
	}
}

// keyDenyEntries is a key_deny table with one entry rolled out in
// observe-only mode and one enforced, each with its own labels.
const keyDenyEntries = `package wwe.userdata

# METADATA
# title: No notes (trial)
# labels:
#   code: NO_NOTES
#   compliance: trial-7
#   enforcement: dryrun
key_deny.Notes := {"code": "NO_NOTES", "message": "notes may not be stored"}

# METADATA
# title: No customer segment
# labels:
#   code: NO_SEGMENT
#   compliance: policy-9
key_deny.CustomerSegment := {"code": "NO_SEGMENT", "message": "segments may not be stored"}
`

// TestE2EKeyDenyEntryInDryRun: a key_deny entry labelled enforcement: dryrun
// is observed (the write goes through, the log shows what it would have
// refused and its labels), while an enforced entry beside it refuses and is
// logged with its labels.
func TestE2EKeyDenyEntryInDryRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "keys.rego"), keyDenyEntries)
	cfg := writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n")
	log := filepath.Join(filepath.Dir(cfg), "decisions.jsonl")
	base := startGuard(t, "--config", cfg)

	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"CustomerSegment":"gold"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	e := logEntry(t, log, r.header.Get("X-Decision-Id"))
	if !hasLabel(e.RuleLabels, "compliance", "policy-9") || len(e.Result.DeniedKeys) != 1 {
		t.Errorf("log entry of the enforced entry: %+v", e)
	}

	r = send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	if r.userData()["Notes"] != "n" {
		t.Fatalf("observed entry blocked the write: %s", r.raw)
	}
	e = logEntry(t, log, r.header.Get("X-Decision-Id"))
	if !e.Result.Allow || len(e.Result.DryRunReasons) != 1 || e.Result.DryRunReasons[0]["code"] != "NO_NOTES" || e.Result.DryRunReasons[0]["key"] != "Notes" {
		t.Errorf("dryRunReasons of the observed entry: %+v", e.Result.DryRunReasons)
	}
	if !hasLabel(e.RuleLabels, "compliance", "trial-7") || hasLabel(e.RuleLabels, "compliance", "policy-9") {
		t.Errorf("rule_labels of the observed entry: %v", e.RuleLabels)
	}
}

// TestCheckRefusesShippedCodesInRolloutData: data.wwe.rollout.dryrun is
// code-based, so a shipped reason code there would turn a shipped rule off;
// check and serve refuse it, and a rule that writes data.wwe.rollout. A code
// of one's own is fine.
func TestCheckRefusesShippedCodesInRolloutData(t *testing.T) {
	t.Parallel()
	tests := []struct{ data, want string }{
		{`{"wwe":{"rollout":{"dryrun":["SURVEY_REQUIRED"]}}}`, ""},
		{`{"wwe":{"rollout":{"dryrun":["WRITE_ALLOWED"]}}}`, `data.wwe.rollout.dryrun: "WRITE_ALLOWED" is the reason code of a shipped rule`},
		{`{"wwe":{"rollout":{"dryrun":["NEW", "CLIENT_BLOCK", "ORIGIN_NOT_ACCEPTED"]}}}`, `data.wwe.rollout.dryrun: "CLIENT_BLOCK" is the reason code of a shipped rule`},
		{`{"wwe":{"rollout":{"dryrun":"NEW"}}}`, `data.wwe.rollout.dryrun must be a list of reason codes`},
		{`{"wwe":{"rollout":{"labelled":true}}}`, `data.wwe.rollout.labelled is set by the guard`},
	}
	// A rule may not write the list either: that would get around the check.
	tests = append(tests, struct{ data, want string }{"package wwe.rollout\n\ndryrun := [\"WRITE_ALLOWED\"]\n", "rollout.rego:3: data.wwe.rollout comes from data files and the guard; a rule may not define it"})
	for _, tt := range tests {
		dir := t.TempDir()
		if strings.HasPrefix(tt.data, "package") {
			mustWrite(t, filepath.Join(dir, "rollout.rego"), tt.data)
		} else {
			mustWrite(t, filepath.Join(dir, "rollout.json"), tt.data)
		}
		cfg := writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n")
		t.Run(tt.data, func(t *testing.T) {
			if tt.want != "" {
				expectRefusedConfig(t, cfg, tt.want)
			} else if err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
				t.Errorf("check: %v", err)
			}
		})
	}
}
