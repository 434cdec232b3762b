package policytest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/policies"
)

// TestSchemaCatchesTypos: a team's rule, in a file of its own with no
// annotation, that misspells an input field, names an option the options
// schema does not know, or compares a field with a value of another type is
// refused with its file:line by the compile the guard runs (`wwe-guard
// check`, start-up and reload) and, where the type checker alone sees it,
// by the compile `opa check --strict -s policies/schemas` runs — because
// policies/wwe.rego applies the schemas to every package below data.wwe.
// The same rule spelled right passes both.
func TestSchemaCatchesTypos(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rule string
		line       int
		want       string // the problem after "team.rego:<line>: rego_type_error: "
		opa        bool   // whether `opa check` refuses it too (the option helpers are the guard's own check)
	}{
		{"input field", "package wwe.userdata\n\ndeny contains {\"key\": k, \"code\": \"X\", \"message\": \"m\"} if {\n\tsome k, _ in input.keyValeus\n}\n",
			4, `undefined ref: input.keyValeus`, true},
		{"nested input field", "package wwe.markdone\n\nblock contains {\"code\": \"X\", \"message\": \"m\"} if {\n\tinput.interaction.stat == \"TALKING\"\n}\n",
			4, `undefined ref: input.interaction.stat`, true},
		{"option by reference", "package wwe.markdone\n\nblock contains {\"code\": \"X\", \"message\": \"m\"} if {\n\tdata.wwe.options[\"interaction.dispositon.key-name\"] == \"x\"\n}\n",
			4, `undefined ref: data.wwe.options["interaction.dispositon.key-name"]`, true},
		{"option by helper", "package wwe.markdone\n\nimport data.wwe.config\n\nblock contains {\"code\": \"X\", \"message\": \"m\"} if {\n\tconfig.enabled(\"interaction.disposition.is-mandatroy\")\n}\n",
			6, `unknown option "interaction.disposition.is-mandatroy"`, false},
		{"wrong type", "package wwe.userdata\n\ndeny contains {\"key\": w.key, \"code\": \"X\", \"message\": \"m\"} if {\n\tsome w in input.writes\n\tw.op == 1\n}\n",
			5, `match error`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := teamRule(t, tt.rule)
			want := fmt.Sprintf("team.rego:%d: rego_type_error: %s", tt.line, tt.want)
			if err := guardCheck(dir); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("the guard's check = %v\nwant a problem containing %s", err, want)
			}
			if !tt.opa {
				return
			}
			if compiler := strictCompile(t, "../policies", dir); !compiler.Failed() || !strings.Contains(compiler.Errors.Error(), want) {
				t.Errorf("opa check errors = %v\nwant one containing %s", compiler.Errors, want)
			}
		})
	}

	dir := teamRule(t, "package wwe.userdata\n\ndeny contains {\"key\": k, \"code\": \"X\", \"message\": \"m\"} if {\n\tsome k, _ in input.keyValues\n\tk == \"SSN\"\n}\n")
	if err := guardCheck(dir); err != nil {
		t.Errorf("the guard's check of the rule spelled right: %v", err)
	}
	for _, e := range strictCompile(t, "../policies", dir).Errors {
		t.Errorf("opa check of the rule spelled right: %v", e)
	}
}

// teamRule writes rule as team.rego in a directory of its own.
func teamRule(t *testing.T, rule string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "team.rego"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// guardCheck compiles the bundled policies and dir as the guard does.
func guardCheck(dir string) error {
	return guard.Check(context.Background(), guard.Config{Bundled: policies.FS, Schemas: policies.Schemas, Paths: []string{dir}})
}
