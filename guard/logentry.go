package guard

import "time"

// logEntry is one decision log line: OPA's decision-log shape plus the
// enforcement mode and what the guard did.
type logEntry struct {
	DecisionID  string            `json:"decision_id"`
	Timestamp   string            `json:"timestamp"`
	Path        string            `json:"path"`
	Input       map[string]any    `json:"input"`
	Result      map[string]any    `json:"result,omitempty"`
	Error       string            `json:"error,omitempty"`
	Masked      []string          `json:"masked,omitempty"` // JSON pointers of the masked values
	Labels      map[string]string `json:"labels"`
	RuleLabels  []map[string]any  `json:"rule_labels,omitempty"` // METADATA labels of the rules that fired
	Metrics     map[string]any    `json:"metrics"`
	Enforcement Enforcement       `json:"enforcement"`
	Outcome     *logOutcome       `json:"outcome,omitempty"`
}

type logOutcome struct {
	Action    Action `json:"action"`
	Would     Action `json:"would"`
	ErrorCode string `json:"errorCode,omitempty"`
}

// newLogEntry builds the entry of one decision from the decision and its
// input, values masked unless the log keeps them. It copies what it needs, so the entry can be encoded
// later on another goroutine. evalNS is the evaluation time the guard
// measured (OPA's timer_rego_query_eval_ns).
func newLogEntry(l *decisionLog, id string, start time.Time, in *Input, d Decision, err error, evalNS int64) *logEntry {
	entry := &logEntry{
		DecisionID:  id,
		Timestamp:   start.UTC().Format(time.RFC3339Nano),
		Path:        decisionPath,
		Input:       in.document(l.mask),
		Labels:      l.labels,
		Metrics:     map[string]any{"timer_rego_query_eval_ns": evalNS},
		Enforcement: l.enforcement,
	}
	if l.mask {
		entry.Masked = in.maskedPaths()
	}
	if err != nil {
		entry.Error = err.Error()
		return entry
	}
	entry.Result = map[string]any{
		"allow": d.Allow, "deniedKeys": d.DeniedKeys, "reasons": d.Reasons,
		"warningMessages": d.WarningMessages, "readDeny": d.ReadDeny,
	}
	if len(d.DryRunReasons) > 0 {
		entry.Result["dryRunReasons"] = d.DryRunReasons
	}
	entry.RuleLabels = d.RuleLabels
	entry.Outcome = &logOutcome{Action: d.Verdict.Action, Would: d.Verdict.Would}
	if d.Verdict.Err != nil {
		entry.Outcome.ErrorCode = string(d.Verdict.Err.Code)
	}
	return entry
}
