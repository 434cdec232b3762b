package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCatchesSchemaTypos: a team's rule that misspells an input field
// or names an option the options schema does not know is refused by
// `wwe-guard check` with file:line, before it can silently never match.
func TestCheckCatchesSchemaTypos(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rule, want string
	}{
		{"input field", "package wwe.userdata\n\ndeny contains {\"key\": k, \"code\": \"X\", \"message\": \"m\"} if {\n\tsome k, _ in input.keyValeus\n}\n",
			`typo.rego:4: rego_type_error: undefined ref: input.keyValeus`},
		{"nested input field", "package wwe.markdone\n\nblock contains {\"code\": \"X\", \"message\": \"m\"} if {\n\tinput.interaction.stat == \"TALKING\"\n}\n",
			`typo.rego:4: rego_type_error: undefined ref: input.interaction.stat`},
		{"option by reference", "package wwe.markdone\n\nblock contains {\"code\": \"X\", \"message\": \"m\"} if {\n\tdata.wwe.options[\"interaction.dispositon.key-name\"] == \"x\"\n}\n",
			`typo.rego:4: rego_type_error: undefined ref: data.wwe.options["interaction.dispositon.key-name"]`},
		{"option by helper", "package wwe.markdone\n\nimport data.wwe.config\n\nblock contains {\"code\": \"X\", \"message\": \"m\"} if {\n\tconfig.enabled(\"interaction.disposition.is-mandatroy\")\n}\n",
			`typo.rego:6: rego_type_error: unknown option "interaction.disposition.is-mandatroy"`},
		{"wrong type", "package wwe.userdata\n\ndeny contains {\"key\": w.key, \"code\": \"X\", \"message\": \"m\"} if {\n\tsome w in input.writes\n\tw.op == 1\n}\n",
			`typo.rego:5: rego_type_error: match error`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			mustWrite(t, filepath.Join(dir, "typo.rego"), tt.rule)
			cfg := writeConfig(t, "", "policies:\n  bundled: true\n  paths: ["+dir+"]\n")
			err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("check = %v\nwant an error containing %s", err, tt.want)
			}
		})
	}

	// The same rule spelled right passes.
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "ok.rego"), "package wwe.userdata\n\ndeny contains {\"key\": k, \"code\": \"X\", \"message\": \"m\"} if {\n\tsome k, _ in input.keyValues\n\tk == \"SSN\"\n}\n")
	cfg := writeConfig(t, "", "policies:\n  bundled: true\n  paths: ["+dir+"]\n")
	if err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("check of a correct rule: %v", err)
	}
}
