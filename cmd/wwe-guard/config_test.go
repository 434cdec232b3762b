package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/policies"
)

func TestLoadConfigDefaultsAndFullFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "guard.yaml")
	mustWrite(t, path, "options:\n  service-client-api.user-data.write-allowed: \"A,B\"\n")
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:8080" || cfg.Upstream.Kind != "embedded" || cfg.Upstream.Timeout != 5*time.Second ||
		!cfg.Policies.Bundled || cfg.Enforcement != "enforce" || cfg.UserDataMode != "reject" ||
		cfg.Limits.MaxBodyBytes != 65536 || cfg.Limits.MaxKeys != 1000 || cfg.DecisionLog.Output != "stdout" {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	full := filepath.Join(dir, "full.yaml")
	mustWrite(t, full, `listen: "0.0.0.0:9000"
upstream:
  kind: http
  url: http://127.0.0.1:9090
  timeout: 2s
policies:
  bundled: true
  paths: [`+dir+`]
options:
  interaction.disposition.is-mandatory: true
  service-client-api.rate-limit: 100
enforcement: dryrun
userDataMode: strip
limits: {maxBodyBytes: 1024, maxKeyBytes: 64, maxDepth: 3, maxKeys: 10}
decisionLog: {output: none}
`)
	cfg, err = loadConfig(full)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Upstream.Timeout != 2*time.Second || cfg.UserDataMode != "strip" || cfg.Limits.MaxDepth != 3 || cfg.rateLimits == nil {
		t.Errorf("full config: %+v", cfg)
	}
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	t.Parallel()
	path := writeTemp(t, "bad.yaml", `upstream:
  kind: http
  timeout: 0s
enforcement: sometimes
userDataMode: drop
limits:
  maxDepth: -1
policies:
  paths: [/does/not/exist]
options:
  service-client-api.rate-limit: lots
  service-client-api.user-data.read-allowed: [a, b]
`)
	_, err := loadConfig(path)
	if err == nil {
		t.Fatal("bad config loaded")
	}
	testkit.ErrorReports(t, err,
		"upstream.url: required when kind is http", "upstream.timeout: must be greater than 0",
		"enforcement: must be one of enforce, dryrun", "userDataMode: must be one of reject, strip",
		"limits.maxDepth", "policies.paths: /does/not/exist does not exist",
		"options.service-client-api.rate-limit:", "options.service-client-api.user-data.read-allowed: must be a string, not a list",
	)
}

func TestLoadConfigUnknownKeyAndSyntax(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.yaml")
	mustWrite(t, unknown, "listen: \"127.0.0.1:1\"\nupstream:\n  kind: embedded\n  sead: x.yaml\n")
	if _, err := loadConfig(unknown); err == nil || !strings.Contains(err.Error(), "line 4: field sead not found") {
		t.Errorf("unknown key: %v", err)
	}
	broken := filepath.Join(dir, "broken.yaml")
	mustWrite(t, broken, "listen: [\n")
	if _, err := loadConfig(broken); err == nil || !strings.Contains(err.Error(), "line") {
		t.Errorf("syntax error: %v", err)
	}
	badDuration := filepath.Join(dir, "duration.yaml")
	mustWrite(t, badDuration, "upstream:\n  timeout: soon\n")
	if _, err := loadConfig(badDuration); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad duration: %v", err)
	}
}

func TestCheckCommand(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	good := writeConfig(t, "", "")
	if err := run(context.Background(), []string{"check", "--config", good}, &out, &errOut); err != nil {
		t.Fatalf("check of a good config: %v", err)
	}
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "one.rego"), "package wwe.userdata\n\ndeny contains x if {\n\tx := nope\n}\n")
	mustWrite(t, filepath.Join(dir, "two.rego"), "package wwe.markdone\n\nblock contains {\"code\": 1\n")
	bad := writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n")
	err := run(context.Background(), []string{"check", "--config", bad}, &out, &errOut)
	if err == nil {
		t.Fatal("check of broken policies succeeded")
	}
	testkit.ErrorReports(t, err, "one.rego:4", "two.rego:4: rego_parse_error")
}

func TestEvalCommand(t *testing.T) {
	t.Parallel()
	input := writeTemp(t, "input.json", `{"operation":"setUserData","request":"interaction.setUserData","writes":[{"op":"set","key":"SSN","value":"1"}],"caller":{"origin":null}}`)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"eval", "--config", writeConfig(t, "", ""), "--input", input}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var decision map[string]any
	if err := json.Unmarshal(out.Bytes(), &decision); err != nil {
		t.Fatalf("eval output is not the decision document: %v\n%s", err, out.String())
	}
	if decision["allow"] != false || len(decision["deniedKeys"].([]any)) != 1 {
		t.Errorf("decision = %v", decision)
	}
	out.Reset()
	if err := run(context.Background(), []string{"eval", "--config", writeConfig(t, "", ""), "--input", input, "--explain"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "write_allowed.rego") {
		t.Errorf("--explain does not show locations:\n%.2000s", out.String())
	}
}

func TestServeStopsOnBadConfigAndServesTheDemo(t *testing.T) {
	t.Parallel()
	bad := writeTemp(t, "bad.yaml", "enforcement: maybe\n")
	if err := run(context.Background(), []string{"serve", "--config", bad, "--listen", "127.0.0.1:0"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("serve started with a bad config")
	}
	policyDir := t.TempDir()
	mustWrite(t, filepath.Join(policyDir, "x.rego"), "package wwe.userdata\n\ndeny contains x if { x := nope }\n")
	broken := writeConfig(t, "", "policies:\n  paths: ["+policyDir+"]\n")
	if err := run(context.Background(), []string{"--config", broken, "--listen", "127.0.0.1:0"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "x.rego:3") {
		t.Errorf("serve with a broken policy: %v", err)
	}

	base, stderr := startGuardOutput(t)
	if !strings.Contains(stderr.String(), "curl -s -X PATCH "+base+"/v1/interactions/1/user-data") {
		t.Errorf("demo does not print curl lines with its address:\n%s", stderr.String())
	}
	send(t, "PATCH", base+"/v1/interactions/1/user-data", `{"SSN":"1"}`).expect(t, 403, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, "POST", base+"/v1/interactions/1/markdone", "").expect(t, 409, "MARKDONE_BLOCKED")
	send(t, "PATCH", base+"/v1/interactions/1/user-data", `{"DispositionCode":"Sale"}`).expect(t, 200, "")
	send(t, "POST", base+"/v1/interactions/1/markdone", "").expect(t, 200, "")
	send(t, "GET", base+"/ready", "").expect(t, 200, "")
}

func TestLoadConfigResolvesPathsAgainstItsDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "seed.json"), e2eSeed)
	mustWrite(t, filepath.Join(dir, "policy", "x.rego"), "package wwe.userdata\n")
	abs := t.TempDir()
	path := filepath.Join(dir, "guard.yaml")
	mustWrite(t, path, "upstream:\n  seed: seed.json\npolicies:\n  paths: [policy, "+abs+"]\ndecisionLog:\n  output: logs/decisions.jsonl\n")
	// The test runs in cmd/wwe-guard: none of these relative paths exist there.
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "seed.json"); cfg.Upstream.Seed != want || len(cfg.seed) != 4 {
		t.Errorf("upstream.seed = %q (%d interactions), want %q", cfg.Upstream.Seed, len(cfg.seed), want)
	}
	if diff := cmp.Diff([]string{filepath.Join(dir, "policy"), abs}, cfg.Policies.Paths); diff != "" {
		t.Errorf("policies.paths (-want +got):\n%s", diff)
	}
	if want := filepath.Join(dir, "logs", "decisions.jsonl"); cfg.DecisionLog.Output != want {
		t.Errorf("decisionLog.output = %q, want %q", cfg.DecisionLog.Output, want)
	}
	for _, output := range []string{"stdout", "none"} {
		mustWrite(t, path, "decisionLog:\n  output: "+output+"\n")
		if cfg, err := loadConfig(path); err != nil || cfg.DecisionLog.Output != output {
			t.Errorf("decisionLog.output %s became %q (%v)", output, cfg.DecisionLog.Output, err)
		}
	}
}

// TestEngineConfigTypeChecks: the config hands the guard's compile the
// schemas whether or not it bundles the shipped policies, so `wwe-guard
// check`, start-up and reload type-check every rule against them
// (policy_test's TestSchemaCatchesTypos shows what that refuses).
func TestEngineConfigTypeChecks(t *testing.T) {
	t.Parallel()
	for _, bundled := range []bool{true, false} {
		cfg, err := loadConfig(writeConfig(t, "", fmt.Sprintf("policies:\n  bundled: %v\n  paths: [%s]\n", bundled, t.TempDir())))
		if err != nil {
			t.Fatal(err)
		}
		gc := cfg.engineConfig(nil, nil)
		if gc.Schemas != policies.Schemas {
			t.Errorf("bundled %v: the guard compiles without the schemas", bundled)
		}
		if want := map[bool]fs.FS{true: policies.FS, false: nil}[bundled]; gc.Bundled != want {
			t.Errorf("bundled %v: Bundled = %v, want %v", bundled, gc.Bundled, want)
		}
	}
}
