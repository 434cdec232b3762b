package api

import (
	"encoding/json"
	"strconv"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// validator turns decoded JSON into the validated values the guard
// evaluates and forwards, within the configured limits.
type validator struct {
	lim  Limits
	keys int // keys seen so far in this request
}

// name checks an identifier or user-data key: non-empty, within MaxKeyBytes,
// valid UTF-8, no control characters.
func (v *validator) name(what, s string) error {
	if problem := wwe.KeyProblem(s, v.lim.MaxKeyBytes); problem != "" {
		return invalid("%s %s", what, problem)
	}
	return nil
}

// id checks a positional string parameter that names something.
func (v *validator) id(what string, raw any) (string, error) {
	s, ok := raw.(string)
	if !ok {
		return "", invalid("%s must be a string", what)
	}
	return s, v.segment(what, s)
}

// segment checks an id or key that a remote service receives as one segment
// of a URL path: a name that is not "." or "..", which no escaping keeps
// from being read as "this" or "the parent" segment.
func (v *validator) segment(what, s string) error {
	if s == "." || s == ".." {
		return invalid("%s must not be %q", what, s)
	}
	return v.name(what, s)
}

// userData validates a key/value object: keys are names, values are
// strings, integers or nested objects no deeper than MaxDepth.
func (v *validator) userData(what string, raw any) (wwe.UserData, error) {
	obj, ok := raw.(object)
	if !ok {
		return nil, invalid("%s must be an object", what)
	}
	return v.object(what, obj, 0)
}

// object validates the members of obj in document order, so the first
// problem the client wrote is the one reported.
func (v *validator) object(what string, obj object, depth int) (wwe.UserData, error) {
	if depth > v.lim.MaxDepth {
		return nil, invalid("%s is nested deeper than %d levels", what, v.lim.MaxDepth)
	}
	v.keys += len(obj)
	if v.keys > v.lim.MaxKeys {
		return nil, invalid("request has more than %d keys", v.lim.MaxKeys)
	}
	out := make(wwe.UserData, len(obj))
	for _, m := range obj {
		if err := v.name("user data key", m.name); err != nil {
			return nil, err
		}
		val, err := v.value(m.name, m.value, depth)
		if err != nil {
			return nil, err
		}
		out[m.name] = val
	}
	return out, nil
}

func (v *validator) value(key string, raw any, depth int) (any, error) {
	switch x := raw.(type) {
	case string:
		return x, nil
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			return nil, invalid("value of key %q must be a string, an integer or an object", key)
		}
		return n, nil
	case object:
		return v.object("value of key "+strconv.Quote(key), x, depth+1)
	}
	return nil, invalid("value of key %q must be a string, an integer or an object", key)
}

// target validates the target of consult and its kin: a non-empty string or
// an object validated like user data.
func (v *validator) target(raw any) (any, error) {
	switch x := raw.(type) {
	case string:
		if x == "" {
			return nil, invalid("target must not be empty")
		}
		return x, v.name("target", x)
	case object:
		if len(x) == 0 {
			return nil, invalid("target must not be empty")
		}
		return v.object("target", x, 0)
	case nil:
		return nil, invalid("target is required")
	}
	return nil, invalid("target must be a string or an object")
}

// optionalUserData validates an optional object: absent or null is nil.
func (v *validator) optionalUserData(what string, raw any) (wwe.UserData, error) {
	if raw == nil {
		return nil, nil
	}
	return v.userData(what, raw)
}
