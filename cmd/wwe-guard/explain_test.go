package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/guard"
)

// TestEvalExplain: `eval --explain` names every rule that contributed, with
// its package, rule, file:line, METADATA title and labels, and message; a
// rule in dry-run is marked as observed.
func TestEvalExplain(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "notes.rego"), observedCardRule)
	cfg := writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n")
	input := filepath.Join(dir, "input.json")
	mustWrite(t, input, `{"operation":"setUserData","request":"interaction.setUserData","interactionId":"1",
		"writes":[{"op":"set","key":"SSN","value":"1"},{"op":"set","key":"Notes","value":"4111 1111 1111 1111"}],
		"interaction":{"interactionId":"1","state":"TALKING","isMainCaseInteraction":true,"userData":{"Secret":"s"}},
		"markdoneBlocks":[],"caller":{"origin":null}}`)

	var out bytes.Buffer
	if err := run(context.Background(), []string{"eval", "--config", cfg, "--input", input, "--json"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var res guard.EvalResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, out.String())
	}
	writeAllowed := map[string]any{"code": "WRITE_ALLOWED", "key": "SSN", "message": `user data key "SSN" is not in service-client-api.user-data.write-allowed`}
	want := []guard.Contribution{
		{Package: "wwe.userdata", Rule: "deny", Location: filepath.Join(dir, "notes.rego") + ":9", Title: "No card numbers in notes",
			Labels: map[string]any{"code": "CARD_IN_NOTES", "compliance": "PCI DSS 4.0 3.3.1", "enforcement": "dryrun"},
			Value:  map[string]any{"code": "CARD_IN_NOTES", "key": "Notes", "message": "card numbers may not be stored"}, DryRun: true},
		{Package: "wwe.userdata", Rule: "deny", Location: ruleLine(t, "userdata/write_allowed.rego", "deny contains {"), Title: "Write-allowed user-data keys",
			Labels: map[string]any{"code": "WRITE_ALLOWED", "control": "service-client-api.user-data.write-allowed"}, Value: writeAllowed},
		{Package: "wwe.userdata", Rule: "read_deny", Location: ruleLine(t, "userdata/read_allowed.rego", "read_deny contains k if {"), Title: "Read-allowed user-data keys",
			Labels: map[string]any{"code": "READ_ALLOWED", "control": "service-client-api.user-data.read-allowed"}, Value: "Secret"},
		{Package: "wwe.userdata", Rule: "read_deny", Location: ruleLine(t, "userdata/read_allowed.rego", "read_deny contains w.key if {"), Title: "Read-allowed keys of a write",
			Labels: map[string]any{"code": "READ_ALLOWED", "control": "service-client-api.user-data.read-allowed"}, Value: "SSN"},
	}
	sortContributions(res.Contributions)
	sortContributions(want)
	if diff := cmp.Diff(want, res.Contributions); diff != "" {
		t.Errorf("contributions (-want +got):\n%s", diff)
	}

	out.Reset()
	if err := run(context.Background(), []string{"eval", "--config", cfg, "--input", input, "--explain"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"rules that contributed (4):",
		"  wwe.userdata.deny  " + ruleLine(t, "userdata/write_allowed.rego", "deny contains {") + "\n",
		"    Write-allowed user-data keys [code=WRITE_ALLOWED control=service-client-api.user-data.write-allowed]\n",
		`    WRITE_ALLOWED key SSN: user data key "SSN" is not in service-client-api.user-data.write-allowed` + "\n",
		"notes.rego:9  (dry-run: observed, not enforced)\n",
		"    CARD_IN_NOTES key Notes: card numbers may not be stored\n",
		"    hides key Secret\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("eval --explain lacks %q:\n%s", line, out.String())
		}
	}
}

// ruleLine is "policies/FILE:N", N the line of the bundled file that starts
// with prefix.
func ruleLine(t *testing.T, file, prefix string) string {
	t.Helper()
	for i, line := range strings.Split(readFile(t, filepath.Join("../../policies", file)), "\n") {
		if strings.HasPrefix(line, prefix) {
			return fmt.Sprintf("policies/%s:%d", file, i+1)
		}
	}
	t.Fatalf("no line of %s starts with %q", file, prefix)
	return ""
}

func sortContributions(cs []guard.Contribution) {
	key := func(c guard.Contribution) string { raw, _ := json.Marshal(c); return string(raw) }
	slices.SortFunc(cs, func(a, b guard.Contribution) int { return strings.Compare(key(a), key(b)) })
}
