package guard

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// logEntry is the reference shape of one decision log line, which
// encodeEntry writes without building it: OPA's decision-log shape plus the
// enforcement mode and what the guard did.
type logEntry struct {
	DecisionID  string             `json:"decision_id"`
	Timestamp   string             `json:"timestamp"`
	Path        string             `json:"path"`
	Input       map[string]any     `json:"input"`
	Result      map[string]any     `json:"result,omitempty"`
	Error       string             `json:"error,omitempty"`
	Masked      []string           `json:"masked,omitempty"` // JSON pointers of the masked values
	Labels      map[string]string  `json:"labels"`
	RuleLabels  []map[string]any   `json:"rule_labels,omitempty"` // METADATA labels of the rules that gave the reasons
	Metrics     map[string]any     `json:"metrics"`
	Enforcement policy.Enforcement `json:"enforcement"`
	Outcome     *logOutcome        `json:"outcome,omitempty"`
}

type logOutcome struct {
	Action    policy.Action `json:"action"`
	Would     policy.Action `json:"would"`
	ErrorCode string        `json:"errorCode,omitempty"`
}

// newLogEntry builds the reference entry of one decision.
func newLogEntry(l testEntryLog, id string, start time.Time, in *policy.Input, d policy.Decision, err error, evalNS int64, revision string) *logEntry {
	entry := &logEntry{
		DecisionID:  id,
		Timestamp:   start.UTC().Format(time.RFC3339Nano),
		Path:        decisionPath,
		Input:       document(in, l.mask),
		Labels:      labelsOf(l.decisionLog, revision),
		Metrics:     map[string]any{"timer_rego_query_eval_ns": evalNS},
		Enforcement: l.enforcement,
	}
	if l.mask {
		entry.Masked = maskedPointers(in)
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

// testEntryLog is a decision log with no writer, for encoding entries,
// and the enforcement of the policy set its entries name.
type testEntryLog struct {
	*decisionLog
	enforcement policy.Enforcement
}

func testLog(labels map[string]string, enforcement policy.Enforcement, mask bool) testEntryLog {
	l := &decisionLog{mask: mask}
	l.labelsJSON = labelsPrefix(labels)
	return testEntryLog{decisionLog: l, enforcement: enforcement}
}

// labelsOf decodes the labels the log encoded once, with the entry's
// config_revision.
func labelsOf(l *decisionLog, revision string) map[string]string {
	labels := map[string]string{}
	_ = json.Unmarshal(append(slices.Clone(l.labelsJSON), '}'), &labels)
	labels["config_revision"] = revision
	return labels
}

// mustInputValue is the input value a decision on in evaluates.
func mustInputValue(t testing.TB, in *policy.Input) ast.Value {
	t.Helper()
	v, err := inputValue(in)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// encodedEntry encodes one entry with encodeEntry and, as the reference,
// with encoding/json from newLogEntry; both decoded for comparison.
func encodedEntry(t testing.TB, l testEntryLog, in *policy.Input, d policy.Decision, err error) (got, want any) {
	t.Helper()
	start := time.Date(2026, 11, 25, 1, 2, 3, 456, time.UTC)
	line := l.encodeEntry(nil, "id-1", start, mustInputValue(t, in), d, err, 1234, entryMeta{revision: "rev-1", enforcement: l.enforcement})
	if len(line) == 0 || line[len(line)-1] != '\n' {
		t.Fatalf("line does not end in a newline: %q", line)
	}
	if e := json.Unmarshal(line, &got); e != nil {
		t.Fatalf("encoded line is not JSON: %v\n%s", e, line)
	}
	ref, e := json.Marshal(newLogEntry(l, "id-1", start, in, d, err, 1234, "rev-1"))
	if e != nil {
		t.Fatal(e)
	}
	if e := json.Unmarshal(ref, &want); e != nil {
		t.Fatal(e)
	}
	return got, want
}

func TestEncodeEntryMatchesTheEntryShape(t *testing.T) {
	t.Parallel()
	msg := "finish the survey"
	it := &policy.Input{
		Operation: wwe.OpConsult, InteractionID: "1", Key: "", WarningMessage: &msg, CaseID: "c\"1",
		KeyValues: wwe.UserData{"Notes": "line\nbreak \"quoted\" \\ tab\t \x01 é \u2028", "Count": int64(42),
			"Nested": wwe.UserData{"Deep": map[string]any{"Pan": "4111"}, "N": int64(-7)}, "Bad": "\xff\xfe"},
		Target:     map[string]any{"type": "agent", "id": "a1"},
		Extensions: wwe.UserData{"x": "y"},
		Interaction: &wwe.Interaction{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, CallType: "INBOUND",
			IsMainCaseInteraction: true, UserData: wwe.UserData{"Old": "v"}, MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}}},
		MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w2"}},
		Caller:         policy.Caller{Origin: "https://crm", FrameID: policy.FrameID{Value: "f"}},
	}
	it.Writes = policy.WritesFor(wwe.OpSetUserData, it.KeyValues, "")
	del := &policy.Input{Operation: wwe.OpDeleteUserData, InteractionID: "2", Key: "Notes", Writes: policy.WritesFor(wwe.OpDeleteUserData, nil, "Notes"),
		Caller: policy.Caller{FrameID: policy.FrameID{Value: "-2.5e3", Number: true}}}
	bare := &policy.Input{Operation: wwe.OpGetInteractions, Target: "agent-7"}
	decision := policy.Decision{Allow: false, DeniedKeys: []string{"SSN"}, WarningMessages: []string{}, ReadDeny: []string{"Old"},
		Reasons:       []wwe.Reason{{Code: "WRITE_ALLOWED", Key: "SSN", Message: "no \"SSN\""}},
		DryRunReasons: []wwe.Reason{{Code: "NEW", Message: "m"}},
		RuleLabels:    []map[string]any{{"code": "WRITE_ALLOWED", "n": 1}},
		Verdict:       policy.Verdict{Action: policy.Refuse, Would: policy.Refuse, Err: &wwe.Error{Code: wwe.CodeUserDataWriteNotAllowed}}}
	allow := policy.Decision{Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Would: policy.Forward}}
	for _, mask := range []bool{true, false} {
		l := testLog(map[string]string{"app": "wwe-guard", "v": "1"}, policy.DryRun, mask)
		for name, tc := range map[string]struct {
			in  *policy.Input
			d   policy.Decision
			err error
		}{
			"consult refused": {it, decision, nil},
			"delete allowed":  {del, allow, nil},
			"bare read":       {bare, allow, nil},
			"failed":          {it, policy.Decision{}, errors.New("evaluate: \"boom\"")},
			"every attribute": {&policy.Input{Operation: wwe.OpGetByInteractionID, InteractionID: "1", Interaction: fullInteraction()}, allow, nil},
		} {
			got, want := encodedEntry(t, l, tc.in, tc.d, tc.err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mask=%v %s: encodeEntry differs from the entry shape (-want +got):\n%s", mask, name, diff)
			}
		}
	}
}

// FuzzEncodeEntry: whatever keys and values a client writes, the encoded
// line is one valid JSON object equal to the entry shape.
func FuzzEncodeEntry(f *testing.F) {
	f.Add("Notes", "called back", "x")
	f.Add("k\"\\", "\x00\x1f\u2029", "\xff")
	f.Fuzz(func(t *testing.T, key, value, origin string) {
		in := &policy.Input{Operation: wwe.OpSetUserData, KeyValues: wwe.UserData{key: value, "n": wwe.UserData{value: key}}, Caller: policy.Caller{Origin: origin}}
		in.Writes = policy.WritesFor(in.Operation, in.KeyValues, "")
		l := testLog(map[string]string{"app": "wwe-guard"}, policy.Enforce, false)
		got, want := encodedEntry(t, l, in, policy.Decision{Allow: true}, nil)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}
