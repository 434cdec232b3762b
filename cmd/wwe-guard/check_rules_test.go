package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckMalformedExtensionRule: an extension point defined with a head
// the entry point cannot gather (a complete rule, an object, a function) is a
// check problem with its file:line, never a panic of the loader, with or
// without the bundled policies; a well-formed rule in the same place checks
// ok with them, and without them check says the entry point is missing.
func TestCheckMalformedExtensionRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
	}{
		{"well formed", "package wwe.userdata\n\ndeny contains {\"key\": w.key, \"code\": \"C\", \"message\": \"m\"} if {\n\tsome w in input.writes\n}\n", ""},
		{"complete set", "package wwe.userdata\n\ndeny := set()\n", "x.rego:3: data.wwe.userdata.deny must be a multi-value rule"},
		{"object", "package wwe.markdone\n\nblock[k] := {\"code\": \"C\", \"message\": k} if {\n\tsome k in [\"a\"]\n}\n", "x.rego:3: data.wwe.markdone.block must be a multi-value rule"},
		{"function", "package wwe.access\n\ndeny(x) := {\"code\": \"C\", \"message\": x}\n", "x.rego:3: data.wwe.access.deny must be a multi-value rule"},
		{"key_deny set", "package wwe.userdata\n\nkey_deny contains \"SSN\"\n", "x.rego:3: data.wwe.userdata.key_deny must be an object of reasons"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			mustWrite(t, filepath.Join(dir, "x.rego"), tt.src)
			for _, bundled := range []string{"true", "false"} {
				cfg := writeConfig(t, "", "policies:\n  bundled: "+bundled+"\n  paths: ["+dir+"]\n")
				err := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{})
				var wants []string
				if tt.want != "" {
					wants = append(wants, tt.want)
				}
				if bundled == "false" {
					wants = append(wants, "no rule defines data.wwe.guard.decision, the entry point")
				}
				if len(wants) == 0 && err != nil {
					t.Errorf("bundled %s: check of a well-formed rule: %v", bundled, err)
				}
				for _, want := range wants {
					if err == nil || !strings.Contains(err.Error(), want) {
						t.Errorf("bundled %s: check = %v, want a problem %q", bundled, err, want)
					}
				}
			}
		})
	}
}
