package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// Every directory under examples/ is a runnable scenario: guard.yaml, its
// seed and policy, requests.yaml (the walk-through) and a README showing the
// walk-through as curl lines. TestExamples checks each config, starts the
// guard on it and replays the walk-through, so no example can rot.

// examplesDir is the policy library, from this package's directory.
const examplesDir = "../../examples"

// step is one request of a walk-through and the answer it must get.
type step struct {
	Name    string            `yaml:"name"`
	Method  string            `yaml:"method"`
	Path    string            `yaml:"path"`
	Headers map[string]string `yaml:"headers"`
	// ReadAs are the headers (a credential) the test reads the service's
	// state with, before and after a refused step; default: none.
	ReadAs map[string]string `yaml:"readAs"`
	Body   map[string]any    `yaml:"body"`
	Expect struct {
		Status     int            `yaml:"status"`
		ErrorCode  string         `yaml:"errorCode"`
		DeniedKeys []string       `yaml:"deniedKeys"`
		Body       map[string]any `yaml:"body"`   // dotted path ("userData.Notes", "reasons.0.code") -> value
		Absent     []string       `yaml:"absent"` // dotted paths that must not be in the body
	} `yaml:"expect"`

	body string // Body as sent (and as the README shows it), JSON
}

func TestExamples(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		ran++
		dir := filepath.Join(examplesDir, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			testExample(t, dir)
		})
	}
	if ran == 0 {
		t.Fatalf("no examples under %s", examplesDir)
	}
}

func testExample(t *testing.T, dir string) {
	// check, from this directory: the config's relative paths must resolve.
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"check", "--config", filepath.Join(dir, "guard.yaml")}, &out, &errOut); err != nil {
		t.Fatalf("check: %v\n%s", err, errOut.String())
	}
	steps := readWalkthrough(t, filepath.Join(dir, "requests.yaml"))
	readme := readFile(t, filepath.Join(dir, "README.md"))
	for _, s := range steps {
		if !strings.Contains(readme, s.curl()) {
			t.Errorf("README.md does not show step %q as\n%s", s.Name, s.curl())
		}
	}

	// Serve a copy, so that a decision log file lands in a temp dir.
	work := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := os.CopyFS(work, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(filepath.Join(work, "guard.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// policy_test runs the Rego tests of examples/*/policy: that is where
	// an example's rules must be.
	if want := []string{filepath.Join(work, "policy")}; !slices.Equal(cfg.Policies.Paths, want) || !cfg.Policies.Bundled {
		t.Errorf("policies = bundled %v, paths %q; want bundled and [policy]", cfg.Policies.Bundled, cfg.Policies.Paths)
	}
	logFile := ""
	if o := cfg.DecisionLog.Output; o != "stdout" && o != "none" {
		logFile = o
		if err := os.Remove(logFile); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	base := startGuard(t, "--config", filepath.Join(work, "guard.yaml"))
	ids := make([]string, len(steps)) // each step's decision (X-Decision-Id)
	for i, s := range steps {
		if !t.Run(fmt.Sprintf("%02d %s", i+1, s.Name), func(t *testing.T) { ids[i] = s.replay(t, base) }) {
			return // later steps build on this one
		}
	}
	if logFile != "" {
		checkMaskedLog(t, logFile, steps, ids)
	}
}

func readWalkthrough(t *testing.T, path string) []step {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(readFile(t, path)))
	dec.KnownFields(true)
	var steps []step
	if err := dec.Decode(&steps); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(steps) == 0 {
		t.Fatalf("%s: no steps", path)
	}
	for i, s := range steps {
		if s.Name == "" || s.Method == "" || !strings.HasPrefix(s.Path, "/") || s.Expect.Status == 0 {
			t.Fatalf("%s: step %q needs name, method, path and expect.status", path, s.Name)
		}
		if s.Body != nil {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(s.Body); err != nil {
				t.Fatalf("%s: step %q: body: %v", path, s.Name, err)
			}
			steps[i].body = strings.TrimSuffix(buf.String(), "\n")
		}
		if strings.Contains(steps[i].body, "'") {
			t.Fatalf("%s: step %q: a body with ' cannot be shown as a curl line", path, s.Name)
		}
	}
	return steps
}

// replay sends the step and checks the answer; a refused step must leave the
// service as it was. It returns the answer's decision id.
func (s step) replay(t *testing.T, base string) string {
	headers, readAs := headerList(s.Headers), headerList(s.ReadAs)
	refused := s.Expect.Status >= 400
	before := ""
	if refused {
		before = snapshot(t, base, readAs...)
	}
	r := send(t, s.Method, base+s.Path, s.body, headers...).expect(t, s.Expect.Status, s.Expect.ErrorCode)
	id := r.header.Get("X-Decision-Id")
	if id == "" && s.Expect.Status != http.StatusUnauthorized { // an unauthenticated call is decided by nothing
		t.Errorf("the answer has no X-Decision-Id")
	}
	if s.Expect.DeniedKeys != nil {
		if diff := cmp.Diff(testkit.JSONValue(t, s.Expect.DeniedKeys), r.body["deniedKeys"]); diff != "" {
			t.Errorf("deniedKeys (-want +got):\n%s", diff)
		}
	}
	var doc any
	if err := json.Unmarshal([]byte(r.raw), &doc); err != nil && (len(s.Expect.Body) > 0 || len(s.Expect.Absent) > 0) {
		t.Fatalf("body is not JSON: %v\n%s", err, r.raw)
	}
	for path, want := range s.Expect.Body {
		got, ok := field(doc, path)
		if !ok {
			t.Errorf("body has no %s: %s", path, r.raw)
			continue
		}
		if diff := cmp.Diff(testkit.JSONValue(t, want), got); diff != "" {
			t.Errorf("body %s (-want +got):\n%s", path, diff)
		}
	}
	for _, path := range s.Expect.Absent {
		if got, ok := field(doc, path); ok {
			t.Errorf("body has %s = %v; want it absent", path, got)
		}
	}
	if refused {
		if after := snapshot(t, base, readAs...); after != before {
			t.Errorf("a refused request changed the service:\nbefore %s\nafter  %s", before, after)
		}
	}
	return id
}

// curl is the step as the README shows it, against the examples' listen
// address.
func (s step) curl() string {
	var b strings.Builder
	b.WriteString("curl -s")
	if s.Method != http.MethodGet {
		b.WriteString(" -X " + s.Method)
	}
	b.WriteString(" localhost:8080" + s.Path)
	for _, name := range slices.Sorted(maps.Keys(s.Headers)) {
		fmt.Fprintf(&b, " -H '%s: %s'", name, s.Headers[name])
	}
	if s.body != "" {
		b.WriteString(" -H 'Content-Type: application/json' -d '" + s.body + "'")
	}
	return b.String()
}

// headerList is headers as name, value pairs, in name order.
func headerList(headers map[string]string) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(headers)) {
		out = append(out, name, headers[name])
	}
	return out
}

// field returns the value at a dotted path of a JSON document; a number
// segment indexes an array.
func field(doc any, path string) (any, bool) {
	for _, seg := range strings.Split(path, ".") {
		switch v := doc.(type) {
		case map[string]any:
			next, ok := v[seg]
			if !ok {
				return nil, false
			}
			doc = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			doc = v[i]
		default:
			return nil, false
		}
	}
	return doc, true
}

// checkMaskedLog checks the decision log an example writes, once it holds
// the decision of every step (ids, X-Decision-Id of each answer) or after
// waitForLog's deadline: see maskedLogProblems.
func checkMaskedLog(t *testing.T, path string, steps []step, ids []string) {
	t.Helper()
	log := waitForLog(t, path, func(log string) bool { return len(missingDecisions(log, ids)) == 0 })
	for _, p := range maskedLogProblems(log, steps, ids) {
		t.Error(p)
	}
}

// maskedLogProblems checks a decision log: a JSON line per decision, an
// entry for each step's decision (ids[i] is step i's), the labels
// (METADATA) of the rules behind the reasons the walk-through expects, and
// no user-data value of the walk-through.
func maskedLogProblems(log string, steps []step, ids []string) []string {
	var problems []string
	labelled := map[any]bool{} // rule_labels codes
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var entry struct {
			DecisionID string           `json:"decision_id"`
			RuleLabels []map[string]any `json:"rule_labels"`
		}
		if err := json.Unmarshal(sc.Bytes(), &entry); err != nil || entry.DecisionID == "" {
			problems = append(problems, "decision log line is not a decision: "+sc.Text())
		}
		for _, l := range entry.RuleLabels {
			labelled[l["code"]] = labelled[l["code"]] || l["compliance"] != nil
		}
	}
	for _, i := range missingDecisions(log, ids) {
		problems = append(problems, fmt.Sprintf("decision log has no entry %s (step %q)", ids[i], steps[i].Name))
	}
	for _, s := range steps {
		if code, ok := s.Expect.Body["reasons.0.code"]; ok && !labelled[code] {
			problems = append(problems, fmt.Sprintf("decision log has no rule_labels with code %v and its compliance reference (step %q)", code, s.Name))
		}
	}
	for _, s := range steps {
		for _, v := range leaves(s.Body) {
			if len(v) >= 6 && strings.Contains(log, v) {
				problems = append(problems, fmt.Sprintf("decision log shows the value %q of step %q", v, s.Name))
			}
		}
	}
	return problems
}

// missingDecisions returns the indexes of the ids that have no entry in the
// log.
func missingDecisions(log string, ids []string) []int {
	var missing []int
	for i, id := range ids {
		if id == "" || !strings.Contains(log, `"decision_id":"`+id+`"`) {
			missing = append(missing, i)
		}
	}
	return missing
}

// leaves returns the string form of every leaf value below v.
func leaves(v any) []string {
	switch v := v.(type) {
	case map[string]any:
		var out []string
		for _, x := range v {
			out = append(out, leaves(x)...)
		}
		return out
	case nil:
		return nil
	}
	return []string{fmt.Sprint(v)}
}
