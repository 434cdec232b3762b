package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// ErrAllDropped is Encode's report that drop removed every pair and key of
// a call that does nothing but write user data (set, delete and manage
// user data): nothing is left to forward, and the door answers 403.
var ErrAllDropped = errors.New("every user-data key of the call is dropped")

// Encode returns the body to forward: the validated call re-encoded
// (operationId, then data's members in the client's order; every KV list in
// order with its types), minus the user-data pairs and deleted keys whose
// key is in drop (strip mode). Reasons and extensions are never dropped. An
// empty body stays empty.
func (c *Call) Encode(drop []string) ([]byte, error) {
	if c.empty {
		return []byte{}, nil
	}
	before, after := 0, 0
	var data bytes.Buffer
	data.WriteByte('{')
	for _, m := range c.data {
		var v any
		switch m.kind {
		case kept:
			v = m.raw
		case otherKV:
			v = m.kv
		case sets, deletes:
			left := slices.DeleteFunc(slices.Clone(m.kv), func(p Pair) bool { return slices.Contains(drop, p.Key) })
			before, after = before+len(m.kv), after+len(left)
			v = left
		case keyList:
			left := slices.DeleteFunc(slices.Clone(m.keys), func(k string) bool { return slices.Contains(drop, k) })
			before, after = before+len(m.keys), after+len(left)
			v = left
		case oneKey:
			before++
			if slices.Contains(drop, m.keys[0]) {
				continue
			}
			after++
			v = m.keys[0]
		}
		if err := appendMember(&data, m.name, v); err != nil {
			return nil, err
		}
	}
	data.WriteByte('}')
	if before > 0 && after == 0 && c.writeOnly() {
		return nil, ErrAllDropped
	}
	var out bytes.Buffer
	out.WriteByte('{')
	if c.hasOpID {
		if err := appendMember(&out, "operationId", c.OperationID); err != nil {
			return nil, err
		}
	}
	if c.hasData {
		if err := appendMember(&out, "data", json.RawMessage(data.Bytes())); err != nil {
			return nil, err
		}
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// writeOnly reports whether the call does nothing but write user data.
func (c *Call) writeOnly() bool {
	op := c.route.Operation
	return op == wwe.OpSetUserData || op == wwe.OpDeleteUserData || c.route.Shape == ShapeManage
}

// appendMember writes "name":value to an object being built in b.
func appendMember(b *bytes.Buffer, name string, v any) error {
	if b.Len() > 1 {
		b.WriteByte(',')
	}
	n, err := json.Marshal(name)
	if err != nil {
		return err
	}
	val, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(n)
	b.WriteByte(':')
	b.Write(val)
	return nil
}

// SetAutoCompleteFalse returns an activate-channels body with
// data.autoCompleteCall set to false and everything else kept in order (an
// empty body becomes {"data":{"autoCompleteCall":false}}). A body that is
// not one JSON object, or whose data is not an object, is an error
// wrapping ErrBody.
func SetAutoCompleteFalse(body []byte) ([]byte, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := checkSyntax(body, 64); err != nil {
		return nil, err
	}
	top, err := parseObject(body)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(top, func(f field) bool { return f.name == "data" })
	if i < 0 || isNull(top[i].raw) {
		top = slices.DeleteFunc(top, func(f field) bool { return f.name == "data" })
		top = append(top, field{name: "data", raw: json.RawMessage("{}")})
		i = len(top) - 1
	}
	data, err := parseObject(top[i].raw)
	if err != nil {
		return nil, bodyError("data is not an object")
	}
	j := slices.IndexFunc(data, func(f field) bool { return f.name == "autoCompleteCall" })
	if j < 0 {
		data = append(data, field{name: "autoCompleteCall"})
		j = len(data) - 1
	}
	data[j].raw = json.RawMessage("false")
	if top[i].raw, err = encodeFields(data); err != nil {
		return nil, err
	}
	return encodeFields(top)
}

// encodeFields writes an object of the fields in order, each value compact.
func encodeFields(fields []field) (json.RawMessage, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for _, f := range fields {
		if err := appendMember(&b, f.name, f.raw); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
