package guard

import (
	"bufio"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/metrics"
)

// decisionPath is the decision's path in OPA's decision-log shape.
const decisionPath = "wwe/guard/decision"

// decisionLog writes one JSON line per decision in OPA's decision-log shape,
// user-data values masked.
type decisionLog struct {
	mu          sync.Mutex
	w           *bufio.Writer
	labels      map[string]string
	enforcement Enforcement
	mask        bool
}

func newDecisionLog(w io.Writer, labels map[string]string, enforcement Enforcement, mask bool) *decisionLog {
	all := map[string]string{"app": "wwe-guard"}
	for k, v := range labels {
		all[k] = v
	}
	return &decisionLog{w: bufio.NewWriter(w), labels: all, enforcement: enforcement, mask: mask}
}

type logEntry struct {
	DecisionID  string            `json:"decision_id"`
	Timestamp   string            `json:"timestamp"`
	Path        string            `json:"path"`
	Input       map[string]any    `json:"input"`
	Result      map[string]any    `json:"result,omitempty"`
	Error       string            `json:"error,omitempty"`
	Masked      []string          `json:"masked,omitempty"`
	Labels      map[string]string `json:"labels"`
	RuleLabels  []map[string]any  `json:"rule_labels,omitempty"`
	Metrics     map[string]any    `json:"metrics"`
	Enforcement Enforcement       `json:"enforcement"`
	Outcome     *logOutcome       `json:"outcome,omitempty"`
}

type logOutcome struct {
	Action    Action `json:"action"`
	Would     Action `json:"would"`
	ErrorCode string `json:"errorCode,omitempty"`
}

func (l *decisionLog) write(id string, start time.Time, in *Input, d Decision, err error, m metrics.Metrics) {
	entry := logEntry{
		DecisionID:  id,
		Timestamp:   start.UTC().Format(time.RFC3339Nano),
		Path:        decisionPath,
		Input:       in.document(l.mask),
		Labels:      l.labels,
		Metrics:     m.All(),
		Enforcement: l.enforcement,
	}
	if l.mask {
		entry.Masked = in.maskedPaths()
	}
	if err != nil {
		entry.Error = err.Error()
	} else {
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
	}
	line, merr := json.Marshal(entry)
	if merr != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.w.Write(append(line, '\n'))
	_ = l.w.Flush()
}
