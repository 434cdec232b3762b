package policies

import (
	"encoding/json"
	"io/fs"
	"slices"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// TestInputSchemaNamesEveryOperation: the input schema's operation enum is
// the table of operations, so a new operation cannot be left out of the
// type check of policies.
func TestInputSchemaNamesEveryOperation(t *testing.T) {
	t.Parallel()
	raw, err := fs.ReadFile(Schemas, "input.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Operation struct {
				Enum []string `json:"enum"`
			} `json:"operation"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, op := range wwe.Operations {
		ops = append(ops, string(op))
	}
	got := slices.Sorted(slices.Values(schema.Properties.Operation.Enum))
	if want := slices.Sorted(slices.Values(ops)); !slices.Equal(got, want) {
		t.Errorf("input.json operation enum = %v, want the operations %v", got, want)
	}
}
