package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The pair types of a KV list. GWS sends other strings too (its simulator's
// data has "interger"); a decoded list keeps them as they came.
const (
	TypeStr    = "str"
	TypeInt    = "int"
	TypeKVList = "kvlist"
)

// MaxDepth bounds how deep Map and Check follow nested kvlist values.
const MaxDepth = 32

// ErrKV is wrapped by every error about the shape of a KV list.
var ErrKV = errors.New("invalid KV list")

// Pair is one entry of a KV list: {"key":…,"type":…,"value":…}.
//
// Value is the value's JSON text as it came (a string, a number, a nested
// KV list for "kvlist", or anything else for types this package does not
// know). Keeping the text means a decoded list encodes back with the same
// order, the same types and the same values; the accessors Str, Int and List
// read it as a typed value.
type Pair struct {
	Key   string          `json:"key"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// KV is an ordered KV list. Duplicate keys are legal and kept.
type KV []Pair

// DecodeKV reads a KV list the way GWS sends it: a JSON array of objects,
// each with a string "key", a string "type" and any "value". It is tolerant
// of what GWS puts in a list (unknown types, values that do not match their
// type: both kept raw) and strict about structure: anything but an array of
// such objects is an error wrapping ErrKV. JSON null decodes to an empty
// list. Field names match exactly; other fields of a pair are ignored.
func DecodeKV(data []byte) (KV, error) {
	var kv KV
	if err := json.Unmarshal(data, &kv); err != nil {
		if errors.Is(err, ErrKV) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrKV, err)
	}
	return kv, nil
}

// UnmarshalJSON decodes one pair (see DecodeKV).
func (p *Pair) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return fmt.Errorf("%w: a pair is not an object", ErrKV)
	}
	key, ok := fields["key"]
	if !ok || json.Unmarshal(key, &p.Key) != nil {
		return fmt.Errorf("%w: a pair has no string key", ErrKV)
	}
	p.Type = ""
	if typ, ok := fields["type"]; ok && json.Unmarshal(typ, &p.Type) != nil {
		return fmt.Errorf("%w: pair %q: type is not a string", ErrKV, p.Key)
	}
	p.Value = nil
	if v, ok := fields["value"]; ok {
		p.Value = append(json.RawMessage(nil), v...)
	}
	return nil
}

// MarshalJSON writes the list in order; an empty or nil list is [].
func (kv KV) MarshalJSON() ([]byte, error) {
	if len(kv) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal([]Pair(kv))
}

// StrPair is a "str" pair.
func StrPair(key, value string) Pair {
	v, _ := json.Marshal(value)
	return Pair{Key: key, Type: TypeStr, Value: v}
}

// IntPair is an "int" pair.
func IntPair(key string, value int64) Pair {
	v, _ := json.Marshal(value)
	return Pair{Key: key, Type: TypeInt, Value: v}
}

// ListPair is a "kvlist" pair.
func ListPair(key string, value KV) Pair {
	v, _ := value.MarshalJSON()
	return Pair{Key: key, Type: TypeKVList, Value: v}
}

// Str is the value as a string, when it is a JSON string.
func (p Pair) Str() (string, bool) {
	var s string
	if len(p.Value) == 0 || p.Value[0] != '"' || json.Unmarshal(p.Value, &s) != nil {
		return "", false
	}
	return s, true
}

// Int is the value as an integer, when it is a JSON number without fraction
// or exponent that fits in 64 bits.
func (p Pair) Int() (int64, bool) {
	if !isInteger(p.Value) {
		return 0, false
	}
	var n int64
	if json.Unmarshal(p.Value, &n) != nil {
		return 0, false
	}
	return n, true
}

// List decodes the value as a nested KV list.
func (p Pair) List() (KV, error) {
	if v := bytes.TrimSpace(p.Value); len(v) == 0 || v[0] != '[' {
		return nil, fmt.Errorf("%w: pair %q: value is not a list", ErrKV, p.Key)
	}
	return DecodeKV(p.Value)
}

func isInteger(raw json.RawMessage) bool {
	v := bytes.TrimSpace(raw)
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Map flattens the list to an object, the last pair of a key winning (what
// update-user-data leaves). Values: a "str" string is a string, an "int"
// integer is a json.Number, a "kvlist" list is a nested map (to MaxDepth),
// and anything else (unknown types, values that do not match their type) is
// the value's JSON decoded with numbers as json.Number.
func (kv KV) Map() map[string]any {
	return kv.flatten(0)
}

func (kv KV) flatten(depth int) map[string]any {
	m := make(map[string]any, len(kv))
	for _, p := range kv {
		m[p.Key] = p.flatValue(depth)
	}
	return m
}

func (p Pair) flatValue(depth int) any {
	switch p.Type {
	case TypeStr:
		if s, ok := p.Str(); ok {
			return s
		}
	case TypeInt:
		if isInteger(p.Value) {
			return json.Number(bytes.TrimSpace(p.Value))
		}
	case TypeKVList:
		if depth < MaxDepth {
			if nested, err := p.List(); err == nil {
				return nested.flatten(depth + 1)
			}
		}
	}
	return rawValue(p.Value)
}

func rawValue(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil
	}
	return v
}
