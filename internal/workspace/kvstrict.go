package workspace

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Limits bound the user data a client's body may carry; they mean what the
// /v1 door's limits of the same names mean.
type Limits struct {
	MaxKeyBytes int // bytes of one user-data key
	MaxDepth    int // nesting of one value: a top-level pair's kvlist is depth 1
	MaxKeys     int // pairs (nested ones included) and deleted keys in one request
}

// strict decodes the KV lists and keys of one client body within lim.
type strict struct {
	lim  Limits
	keys int // pairs and keys seen so far
}

// count adds n keys to the request's total.
func (s *strict) count(n int) error {
	s.keys += n
	if s.keys > s.lim.MaxKeys {
		return bodyError("more than %d keys", s.lim.MaxKeys)
	}
	return nil
}

// key checks a user-data key with wwe.KeyProblem (the body is valid UTF-8
// already).
func (s *strict) key(what, k string) error {
	if problem := wwe.KeyProblem(k, s.lim.MaxKeyBytes); problem != "" {
		return bodyError("%s %s", what, problem)
	}
	return nil
}

// kv decodes a client's KV list strictly: every pair an object with exactly
// "key", "type" and "value"; a str value a string, an int value an integer
// (64 bits), a kvlist value a KV list (to MaxDepth); a pair of another type
// only with a string or integer value. It returns the list re-encoded from
// the decoded values (no client bytes) and each pair's value as the
// policies see it: string, int64 or wwe.UserData (a kvlist flattened, the
// last pair of a key winning).
func (s *strict) kv(what string, raw json.RawMessage, depth int) (KV, []any, error) {
	if depth > s.lim.MaxDepth {
		return nil, nil, bodyError("%s is nested deeper than %d levels", what, s.lim.MaxDepth)
	}
	items, err := parseArray(raw)
	if err != nil {
		return nil, nil, bodyError("%s is not a KV list", what)
	}
	if err := s.count(len(items)); err != nil {
		return nil, nil, err
	}
	kv := make(KV, len(items))
	values := make([]any, len(items))
	for i, item := range items {
		p, v, err := s.pair(what, item, depth)
		if err != nil {
			return nil, nil, err
		}
		kv[i], values[i] = p, v
	}
	return kv, values, nil
}

func (s *strict) pair(what string, raw json.RawMessage, depth int) (Pair, any, error) {
	fields, err := parseObject(raw)
	if err != nil {
		return Pair{}, nil, bodyError("%s: a pair is not an object", what)
	}
	var p Pair
	var value json.RawMessage
	for _, f := range fields {
		switch f.name {
		case "key":
			err = decodeString(f.raw, &p.Key)
		case "type":
			err = decodeString(f.raw, &p.Type)
		case "value":
			value = f.raw
		default:
			return Pair{}, nil, bodyError("%s: a pair has the member %q", what, f.name)
		}
		if err != nil {
			return Pair{}, nil, bodyError("%s: a pair's %s is not a string", what, f.name)
		}
	}
	if len(fields) != 3 {
		return Pair{}, nil, bodyError("%s: a pair needs key, type and value", what)
	}
	if err := s.key(what+" key", p.Key); err != nil {
		return Pair{}, nil, err
	}
	p.Value = value
	at := what + " pair " + strconv.Quote(p.Key)
	if p.Type == TypeKVList {
		nested, values, err := s.kv(at, value, depth+1)
		if err != nil {
			return Pair{}, nil, err
		}
		return ListPair(p.Key, nested).withType(p.Type), flatten(nested, values), nil
	}
	str, isStr := p.Str()
	n, isInt := p.Int()
	switch {
	case isStr && p.Type != TypeInt:
		return StrPair(p.Key, str).withType(p.Type), str, nil
	case isInt && p.Type != TypeStr:
		return IntPair(p.Key, n).withType(p.Type), n, nil
	case p.Type == TypeStr:
		return Pair{}, nil, bodyError("%s: a str value must be a string", at)
	case p.Type == TypeInt:
		return Pair{}, nil, bodyError("%s: an int value must be a 64-bit integer", at)
	}
	return Pair{}, nil, bodyError("%s: type %q needs a string or integer value", at, p.Type)
}

// decodeString decodes a JSON string (not null) into s.
func decodeString(raw json.RawMessage, s *string) error {
	v, err := unquote(raw)
	if err == nil {
		*s = v
	}
	return err
}

// unquote is the JSON string raw, decoded; null is an error.
func unquote(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && plain(raw[1:len(raw)-1]) {
		return string(raw[1 : len(raw)-1]), nil
	}
	if isNull(raw) {
		return "", ErrBody
	}
	return unquoteEscaped(raw)
}

// unquoteEscaped is unquote's slow path, apart so that only it makes its
// result escape to the heap.
func unquoteEscaped(raw []byte) (string, error) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// plain reports whether b, the inside of a JSON string, reads as itself:
// valid UTF-8 with no escape, quote or control character.
func plain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.Valid(b)
}

// withType is p with the type the client declared.
func (p Pair) withType(t string) Pair {
	p.Type = t
	return p
}

// flatten is a decoded list as an object, the last pair of a key winning.
func flatten(kv KV, values []any) wwe.UserData {
	out := make(wwe.UserData, len(kv))
	for i, p := range kv {
		out[p.Key] = values[i]
	}
	return out
}

// keyList decodes a JSON array of user-data keys (data.keys,
// deletedUserData).
func (s *strict) keyList(what string, raw json.RawMessage) ([]string, error) {
	var keys []string
	if err := json.Unmarshal(raw, &keys); err != nil || keys == nil {
		return nil, bodyError("%s is not a list of strings", what)
	}
	if err := s.count(len(keys)); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if err := s.key(what+" entry", k); err != nil {
			return nil, err
		}
	}
	return keys, nil
}
