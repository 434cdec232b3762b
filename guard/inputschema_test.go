package guard

import (
	"encoding/json"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// schemaNode is one node of the input JSON Schema, as far as these tests
// read it.
type schemaNode struct {
	Ref        string                 `json:"$ref"`
	Type       any                    `json:"type"`
	AnyOf      []schemaNode           `json:"anyOf"`
	Properties map[string]*schemaNode `json:"properties"`
	Items      *schemaNode            `json:"items"`
	Defs       map[string]*schemaNode `json:"definitions"`
}

// inputSchema reads policies/schemas/input.json; resolve follows a node's
// reference to its definition.
func inputSchema(t *testing.T) (root *schemaNode, resolve func(*schemaNode) *schemaNode) {
	t.Helper()
	raw, err := fs.ReadFile(policies.Schemas, "input.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	resolve = func(n *schemaNode) *schemaNode {
		for n != nil && n.Ref != "" {
			def := root.Defs[strings.TrimPrefix(n.Ref, "#/definitions/")]
			if def == nil {
				t.Fatalf("unresolved reference %s", n.Ref)
			}
			n = def
		}
		return n
	}
	return root, resolve
}

// populatedInput has every field of the input set, nested ones included.
// With attributes, the interaction and a party carry attributes the guard
// does not model.
func populatedInput(attributes bool) *policy.Input {
	warning := "finish the survey"
	kv := wwe.UserData{"Notes": "n", "Card": wwe.UserData{"Number": "4111"}, "Gone": nil, "a/b": int64(1)}
	it := fullInteraction()
	if !attributes {
		// Only the attribute the schema lists: GWS's own object on the
		// Workspace API v3 door.
		it.Extra = map[string]json.RawMessage{"gws": json.RawMessage(`{"userData":[{"key":"K","type":"str","value":"v"}]}`)}
		for i := range it.Parties {
			it.Parties[i].Extra = nil
		}
	}
	in := &policy.Input{
		Operation: wwe.OpConsult, InteractionID: "1", KeyValues: kv, Key: "Notes", WarningMessage: &warning, CaseID: "case-1",
		Target: map[string]any{"type": "agent", "id": "a2"}, Extensions: wwe.UserData{"x": "y", "deep": wwe.UserData{"z": "w"}},
		Interaction:    it,
		MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}},
		Caller:         policy.Caller{Origin: "https://crm", Application: "crm", AgentID: "a1", FrameID: policy.FrameID{Value: "7", Number: true}},
	}
	in.Writes = append(policy.WritesFor(wwe.OpSetUserData, kv, ""), policy.WritesFor(wwe.OpDeleteUserData, nil, "Old")...)
	return in
}

// isLeaf: a schema node with no properties and no items is one field,
// whatever its value holds (user data, a target).
func isLeaf(n *schemaNode) bool { return n == nil || (n.Properties == nil && n.Items == nil) }

// TestSchemaAndRenderingHaveTheSameFields: the input schema, nested
// properties included, and the input the guard renders from a fully
// populated Input name the same field paths, so a field added to one is
// added to the other.
func TestSchemaAndRenderingHaveTheSameFields(t *testing.T) {
	t.Parallel()
	root, resolve := inputSchema(t)
	schemaFields := map[string]*schemaNode{}
	var fromSchema func(n *schemaNode, prefix string)
	fromSchema = func(n *schemaNode, prefix string) {
		n = resolve(n)
		for name, p := range n.Properties {
			schemaFields[prefix+name] = resolve(p)
			fromSchema(p, prefix+name+".")
		}
		if n.Items != nil {
			fromSchema(n.Items, prefix+"*.")
		}
	}
	fromSchema(root, "")

	v, err := inputValue(populatedInput(false))
	if err != nil {
		t.Fatal(err)
	}
	rendered := map[string]bool{}
	var fromValue func(v ast.Value, prefix string)
	fromValue = func(v ast.Value, prefix string) {
		switch x := v.(type) {
		case ast.Object:
			x.Foreach(func(k, e *ast.Term) {
				name := prefix + string(k.Value.(ast.String))
				rendered[name] = true
				if n, known := schemaFields[name]; known && !isLeaf(n) {
					fromValue(e.Value, name+".")
				}
			})
		case *ast.Array:
			for i := range x.Len() {
				fromValue(x.Elem(i).Value, prefix+"*.")
			}
		}
	}
	fromValue(v, "")

	var want, got []string
	for name := range schemaFields {
		want = append(want, name)
	}
	for name := range rendered {
		got = append(got, name)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) < 40 {
		t.Fatalf("the schema names only %d fields: %v", len(want), want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("field paths (-schema +inputValue):\n%s", diff)
	}
}

// interactionPersonal are the interaction's modelled attributes that carry
// personal data: logged masked like user data.
var interactionPersonal = []string{"ani", "dnis", "parties", "gws"}

// TestMaskedPathsFollowTheSchema builds the pointers a masked entry must
// list from the schema and the test data alone: every member of a userData
// object, every field the schema leaves untyped (a write's value, the
// target), the interaction's personal attributes and every interaction
// attribute the schema does not list; and holds the entry's `masked` to it.
func TestMaskedPathsFollowTheSchema(t *testing.T) {
	t.Parallel()
	root, resolve := inputSchema(t)
	userData := root.Defs["userData"]
	in := populatedInput(true)
	var want []string
	var walk func(n *schemaNode, doc any, ptr string)
	walk = func(n *schemaNode, doc any, ptr string) {
		resolved := resolve(n)
		switch {
		case resolved.Type == nil && resolved.AnyOf == nil && isLeaf(resolved):
			// A write's null value is one the client sent; a null target
			// is no target.
			if doc != nil || ptr != "/input/target" {
				want = append(want, ptr)
			}
		case doc == nil:
		case resolved == userData:
			for k := range doc.(map[string]any) {
				want = append(want, ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k))
			}
		case resolved.Properties != nil:
			for k, e := range doc.(map[string]any) {
				p, listed := resolved.Properties[k]
				kptr := ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
				switch {
				case ptr == "/input/interaction" && (!listed || slices.Contains(interactionPersonal, k)):
					want = append(want, kptr)
				case listed:
					walk(p, e, kptr)
				}
			}
		case resolved.Items != nil:
			for i, e := range doc.([]any) {
				walk(resolved.Items, e, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(root, document(in, false), "/input")
	slices.Sort(want)
	for _, p := range []string{"/input/writes/0/value", "/input/target", "/input/keyValues/a~1b", "/input/extensions/deep",
		"/input/interaction/userData/Notes", "/input/interaction/parties", "/input/interaction/x-vendor", "/input/writes/2/value"} {
		if !slices.Contains(want, p) {
			t.Fatalf("the schema walk misses %s: %v", p, want)
		}
	}

	line := testLog(nil, policy.Enforce, true).encodeEntry(nil, "id", time.Now(), mustInputValue(t, in), policy.Decision{Allow: true}, nil, 1, entryMeta{revision: "rev"})
	var entry struct {
		Masked []string `json:"masked"`
	}
	if err := json.Unmarshal(line, &entry); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, entry.Masked); diff != "" {
		t.Errorf("masked pointers (-from the schema +logged):\n%s", diff)
	}
}
