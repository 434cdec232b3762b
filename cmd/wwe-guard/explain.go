package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/guard"
)

// printContributions writes the rules that contributed to a decision, one
// block each: where the rule is, what it is, and what it said.
func printContributions(w io.Writer, cs []guard.Contribution) {
	if len(cs) == 0 {
		fmt.Fprintln(w, "\nno rule refused or hid anything")
		return
	}
	fmt.Fprintf(w, "\nrules that contributed (%d):\n", len(cs))
	for _, c := range cs {
		mode := ""
		if c.DryRun {
			mode = "  (dry-run: observed, not enforced)"
		}
		fmt.Fprintf(w, "  %s.%s  %s%s\n", c.Package, c.Rule, c.Location, mode)
		if c.Title != "" || len(c.Labels) > 0 {
			fmt.Fprintf(w, "    %s%s\n", c.Title, labelText(c.Labels))
		}
		fmt.Fprintf(w, "    %s\n", contributionText(c.Value))
	}
}

// contributionText renders a reason as "CODE key K: message", a hidden key
// as "hides key K", anything else as JSON.
func contributionText(v any) string {
	switch x := v.(type) {
	case string:
		return "hides key " + x
	case map[string]any:
		var b strings.Builder
		fmt.Fprint(&b, x["code"])
		if k, ok := x["key"]; ok {
			fmt.Fprintf(&b, " key %v", k)
		}
		fmt.Fprintf(&b, ": %v", x["message"])
		return b.String()
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

func labelText(labels map[string]any) string {
	if len(labels) == 0 {
		return ""
	}
	names := slices.Sorted(maps.Keys(labels))
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s=%v", k, labels[k])
	}
	return " [" + strings.Join(parts, " ") + "]"
}
