package policytest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSchemaCatchesTypos: the compile that `opa check --strict -s
// policies/schemas` runs refuses a team rule, in a file of its own with no
// annotation, that misspells an input field or names an unknown option —
// because policies/wwe.rego applies the schemas to every package below
// data.wwe.
func TestSchemaCatchesTypos(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ rule, want string }{
		"input field": {"package wwe.userdata\n\ndeny contains {\"key\": k, \"code\": \"X\", \"message\": \"m\"} if {\n\tsome k, _ in input.keyValeus\n}\n",
			"undefined ref: input.keyValeus"},
		"option": {"package wwe.markdone\n\nblock contains {\"code\": \"X\", \"message\": \"m\"} if {\n\tdata.wwe.options[\"interaction.dispositon.key-name\"] == \"x\"\n}\n",
			`undefined ref: data.wwe.options["interaction.dispositon.key-name"]`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "team.rego"), []byte(tc.rule), 0o644); err != nil {
				t.Fatal(err)
			}
			compiler := strictCompile(t, "../policies", dir)
			if !compiler.Failed() || !strings.Contains(compiler.Errors.Error(), tc.want) || !strings.Contains(compiler.Errors.Error(), "team.rego:4") {
				t.Errorf("compile errors = %v\nwant team.rego:4 and %s", compiler.Errors, tc.want)
			}
		})
	}
}
