package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// printingRule is a team's rule that calls print() for every write it
// looks at (line 5 of team.rego).
const printingRule = `package wwe.userdata

deny contains {"key": w.key, "code": "NO_X", "message": "X is not written"} if {
	some w in input.writes
	print("looking at", w.key)
	w.key == "X"
}
`

// TestE2ERegoPrint: print() in a rule reaches the guard's log at debug
// level (and not at info), and reaches `wwe-guard eval` on stderr, with
// the rule's file:line.
func TestE2ERegoPrint(t *testing.T) {
	t.Parallel()
	config := func(level string) string {
		cfg := writeConfig(t, "", "log:\n  level: "+level+"\n")
		dir := filepath.Dir(cfg)
		mustWrite(t, filepath.Join(dir, "policy", "team.rego"), printingRule)
		mustWrite(t, cfg, readFile(t, cfg)+"policies:\n  bundled: true\n  paths: [policy]\n")
		return cfg
	}
	debug := config("debug")
	base, stderr := startGuardOutput(t, "--config", debug)
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	waitFor(t, stderr, `msg="rego print"`)
	if out := stderr.String(); !strings.Contains(out, `team.rego:5`) || !strings.Contains(out, `msg="looking at Notes"`) {
		t.Errorf("the print line lacks its location or message:\n%s", out)
	}

	quiet, quietErr := startGuardOutput(t, "--config", config("info"))
	send(t, http.MethodPatch, quiet+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	if strings.Contains(quietErr.String(), "rego print") {
		t.Errorf("print() at level info:\n%s", quietErr)
	}

	input := filepath.Join(filepath.Dir(debug), "input.json")
	mustWrite(t, input, `{"operation":"setUserData","request":"interaction.setUserData","interactionId":"1",
		"writes":[{"op":"set","key":"X","value":"1"}],"keyValues":{"X":"1"},"caller":{"origin":null,"frameId":null,"application":null,"agentId":null},
		"interaction":{"interactionId":"1","state":"TALKING","userData":{}},"markdoneBlocks":[]}`)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"eval", "--config", debug, "--input", input}, &out, &errOut); err != nil {
		t.Fatalf("eval: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "team.rego:5") || !strings.Contains(errOut.String(), ": looking at X") {
		t.Errorf("eval's stderr lacks the print line:\n%s", errOut.String())
	}
	if !strings.Contains(out.String(), "NO_X") {
		t.Errorf("eval's decision lacks the rule's refusal:\n%s", out.String())
	}
}
