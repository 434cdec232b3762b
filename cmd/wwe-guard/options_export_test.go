package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// TestOptionsExportDecidesAsTheGuard: for every example, the walk-through
// runs through the guard with values kept in the decision log; then `opa
// eval` over the shipped policies, the example's policy and the data.json
// `wwe-guard options export` wrote decides every logged input as the guard
// did.
func TestOptionsExportDecidesAsTheGuard(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	policiesDir, err := filepath.Abs("../../policies")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			work := filepath.Join(t.TempDir(), e.Name())
			if err := os.CopyFS(work, os.DirFS(filepath.Join(examplesDir, e.Name()))); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(work, "guard.yaml")
			logFile := keepValuesLog(t, cfg)
			base := startGuard(t, "--config", cfg)
			var last string
			for _, s := range readWalkthrough(t, filepath.Join(work, "requests.yaml")) {
				if id := s.replay(t, base); id != "" {
					last = id
				}
			}
			if last == "" {
				t.Skip("the walk-through makes no decision")
			}
			logged := decisionEntries(t, readLogUntil(t, logFile, last))

			compareWithOPA(t, cfg, logged, policiesDir, filepath.Join(work, "policy"))
		})
	}
}

// TestOptionsExportConvertsOptions: options the guard converts (a boolean
// written "TRUE", key lists with spaces) reach opa eval as the guard reads
// them, so its decisions over the shipped policies match the guard's for
// allowed and refused writes, hidden reads and a held markdone.
func TestOptionsExportConvertsOptions(t *testing.T) {
	t.Parallel()
	options := `
  service-client-api.user-data.write-allowed: "DispositionCode, Notes"
  service-client-api.user-data.read-allowed: "Notes , DispositionCode"
  interaction.disposition.is-mandatory: "TRUE"
`
	cfg := writeConfig(t, options, "")
	logFile := keepValuesLog(t, cfg)
	base := startGuard(t, "--config", cfg)
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"CustomerSegment":"x"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	last := send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED").header.Get("X-Decision-Id")
	logged := decisionEntries(t, readLogUntil(t, logFile, last))
	policiesDir, err := filepath.Abs("../../policies")
	if err != nil {
		t.Fatal(err)
	}
	compareWithOPA(t, cfg, logged, policiesDir)
}

// compareWithOPA exports the data of the config at cfg and checks that
// `opa eval` over policyDirs and it decides each logged input as the guard
// logged it.
func compareWithOPA(t *testing.T, cfg string, logged []map[string]any, policyDirs ...string) {
	t.Helper()
	work := filepath.Dir(cfg)
	data := filepath.Join(work, "data.json")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"options", "export", "--config", cfg, "--output", data}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("options export: %v\n%s", err, stderr.String())
	}
	inputs := make([]any, len(logged))
	for i, l := range logged {
		inputs[i] = l["input"]
	}
	inputsFile := filepath.Join(work, "inputs.json")
	mustWrite(t, inputsFile, mustJSON(t, map[string]any{"replayed": inputs}))
	args := []string{"tool", "opa", "eval", "--format", "json"}
	for _, d := range append(policyDirs, data, inputsFile) {
		args = append(args, "-d", d)
	}
	cmd := exec.Command("go", append(args, "[d | some x in data.replayed; d := data.wwe.guard.decision with input as x]")...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("opa eval: %v\n%s", err, out)
	}
	var res struct {
		Result []struct {
			Expressions []struct {
				Value []map[string]any `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res.Result) != 1 {
		t.Fatalf("opa eval answered %s (%v)", out, err)
	}
	decided := res.Result[0].Expressions[0].Value
	if len(decided) != len(logged) {
		t.Fatalf("opa decided %d inputs, the guard logged %d", len(decided), len(logged))
	}
	for i, l := range logged {
		if diff := cmp.Diff(comparable(l["result"].(map[string]any)), comparable(decided[i])); diff != "" {
			t.Errorf("decision %s (%s): guard (-) vs opa eval (+):\n%s", l["decision_id"], l["input"].(map[string]any)["operation"], diff)
		}
	}
}

// keepValuesLog rewrites the config at path to log decisions with their
// values to a file beside it, and returns the file.
func keepValuesLog(t *testing.T, path string) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(readFile(t, path)), &doc); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(filepath.Dir(path), "decisions.jsonl")
	doc["decisionLog"] = map[string]any{"output": logFile, "values": "keep"}
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, path, string(b))
	return logFile
}

// decisionEntries decodes a decision log's entries.
func decisionEntries(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("decision log line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

// comparable is a decision's fields with absent and null lists as empty
// ones, as the log and OPA write them differently.
func comparable(d map[string]any) map[string]any {
	out := map[string]any{"allow": d["allow"]}
	for _, k := range []string{"deniedKeys", "reasons", "warningMessages", "readDeny", "dryRunReasons"} {
		v, _ := d[k].([]any)
		if v == nil {
			v = []any{}
		}
		out[k] = v
	}
	return out
}
