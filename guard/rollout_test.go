package guard

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// TestDryRunLabel: a rule labelled enforcement: dryrun is observed (its
// message may be computed; its code must be a constant), and one whose code
// is computed is refused at compile time with its location.
func TestDryRunLabel(t *testing.T) {
	t.Parallel()
	const observed = `package wwe.userdata

# METADATA
# labels:
#   enforcement: dryrun
deny contains {"key": w.key, "code": "NEW_RULE", "message": sprintf("no %s", [w.key])} if {
	some w in input.writes
}
`
	e := mustEngine(t, Config{Bundled: policies.FS, Schemas: policies.Schemas}, map[string]string{"new.rego": observed})
	in := Input{Operation: wwe.OpSetUserData, KeyValues: wwe.UserData{"Notes": "x"}}
	in.Writes = WritesFor(in.Operation, in.KeyValues, "")
	d, err := e.Decide(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Allow || d.Verdict.Action != Forward || len(d.DryRunReasons) != 1 || d.DryRunReasons[0].Message != "no Notes" {
		t.Errorf("observed rule: %+v", d)
	}

	const computed = `package wwe.userdata

# METADATA
# labels:
#   enforcement: dryrun
deny contains {"key": w.key, "code": upper(w.key), "message": "no"} if {
	some w in input.writes
}
`
	dir := t.TempDir()
	mustWriteFile(t, dir, "computed.rego", computed)
	err = Check(context.Background(), Config{Bundled: policies.FS, Schemas: policies.Schemas, Paths: []string{dir}})
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Error(), "computed.rego:6: rule data.wwe.userdata.deny is labelled enforcement: dryrun but its reason has no constant \"code\"") {
		t.Errorf("computed code: %v", err)
	}
}
