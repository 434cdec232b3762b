package workspace

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// The user-data members of each body shape, and the kind each one is.
var shapeMembers = map[Shape]map[string]memberKind{
	ShapeUserData:     {"userData": sets},
	ShapeDeleteKey:    {"key": oneKey},
	ShapeDeleteKeys:   {"keys": keyList},
	ShapeProperties:   {"addedProperties": sets, "changedProperties": sets, "deletedProperties": deletes},
	ShapeManage:       {"addedUserData": sets, "updatedUserData": sets, "deletedUserData": keyList},
	ShapeInteractions: {"interactions": kept},
	ShapeLeave:        {"afterAction": kept},
}

// The KV lists of the contract that are not user data.
var otherKVMembers = map[string]bool{"reasons": true, "extensions": true, "extension": true}

// The afterAction values of a chat leave ([client] LeaveData).
var afterActions = []string{"CloseIfNoAgents", "ForceClose", "KeepAlive"}

// decodeMember decodes one member of data and adds its writes.
func (c *Call) decodeMember(s *strict, f field) (member, error) {
	m := member{name: f.name}
	kind, ours := shapeMembers[c.route.Shape][f.name]
	switch {
	case ours && (kind == sets || kind == deletes):
		kv, values, err := s.kv(f.name, f.raw, 0)
		if err != nil {
			return m, err
		}
		m.kind, m.kv = kind, kv
		c.addPairs(kind, kv, values)
	case ours && kind == keyList:
		keys, err := s.keyList(f.name, f.raw)
		if err != nil {
			return m, err
		}
		m.kind, m.keys = keyList, keys
		for _, k := range keys {
			c.Writes = append(c.Writes, policy.Write{Op: policy.WriteDelete, Key: k})
		}
	case ours && kind == oneKey:
		var k string
		if decodeString(f.raw, &k) != nil {
			return m, bodyError("key is not a string")
		}
		if err := s.key("key", k); err != nil {
			return m, err
		}
		if err := s.count(1); err != nil {
			return m, err
		}
		m.kind, m.keys = oneKey, []string{k}
		c.Writes = append(c.Writes, policy.Write{Op: policy.WriteDelete, Key: k})
	case otherKVMembers[f.name]:
		kv, _, err := s.kv(f.name, f.raw, 0)
		if err != nil {
			return m, err
		}
		m.kind, m.kv = otherKV, kv
	default:
		if err := c.decodeKept(s, f); err != nil {
			return m, err
		}
		raw, err := compact(f.raw)
		if err != nil {
			return m, err
		}
		m.kind, m.raw = kept, raw
	}
	return m, nil
}

// addPairs adds the writes of one KV list.
func (c *Call) addPairs(kind memberKind, kv KV, values []any) {
	if kind == sets && c.KeyValues == nil {
		c.KeyValues = wwe.UserData{}
	}
	for i, p := range kv {
		if kind == deletes {
			c.Writes = append(c.Writes, policy.Write{Op: policy.WriteDelete, Key: p.Key})
			continue
		}
		c.Writes = append(c.Writes, policy.Write{Op: policy.WriteSet, Key: p.Key, Value: values[i]})
		c.KeyValues[p.Key] = values[i]
	}
}

// decodeKept checks a member the door forwards without reading its user
// data: it must not be user data under a name the route does not have,
// and the shape's own plain members (interactions, afterAction) are read.
func (c *Call) decodeKept(s *strict, f field) error {
	var v any
	if err := json.Unmarshal(f.raw, &v); err != nil {
		return bodyError("data.%s: %v", f.name, err)
	}
	if isUserDataName(f.name) || hasUserDataName(v) {
		return bodyError("data.%s carries user data this route does not take", f.name)
	}
	switch {
	case c.route.Shape == ShapeInteractions && f.name == "interactions":
		var ids []string
		if json.Unmarshal(f.raw, &ids) != nil || len(ids) == 0 {
			return bodyError("interactions is not a list of ids")
		}
		if err := s.count(len(ids)); err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.key("interaction id", id); err != nil {
				return err
			}
		}
		c.InteractionIDs = append(c.InteractionIDs, ids...)
	case c.route.Shape == ShapeLeave && f.name == "afterAction":
		var action string
		if decodeString(f.raw, &action) != nil || !slices.Contains(afterActions, action) {
			return bodyError("afterAction is not one of %v", afterActions)
		}
		if action != "ForceClose" {
			c.Operation = ""
		}
	}
	return nil
}

// finish checks what the body as a whole must carry and sets Key.
func (c *Call) finish() error {
	if c.route.Shape == ShapeLeave && !c.has("afterAction") {
		c.Operation = "" // the client's default is not ForceClose
	}
	if c.route.required {
		found := false
		for name := range shapeMembers[c.route.Shape] {
			found = found || c.has(name)
		}
		if !found {
			return bodyError("the body carries none of the route's %v", slices.Sorted(maps.Keys(shapeMembers[c.route.Shape])))
		}
	}
	deleted := 0
	for _, w := range c.Writes {
		if w.Op == policy.WriteDelete {
			deleted++
			c.Key = w.Key
		}
	}
	if deleted != 1 {
		c.Key = ""
	}
	return nil
}

func (c *Call) has(name string) bool {
	return slices.ContainsFunc(c.data, func(m member) bool { return m.name == name })
}
