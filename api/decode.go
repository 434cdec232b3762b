package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// object is a decoded JSON object: its members in document order, so that
// whatever walks it (validation, binding) meets problems in the order the
// client wrote them and reports the same one every time.
type object []member

// member is one name/value pair of an object.
type member struct {
	name  string
	value any
}

// without returns o less its members called name; o itself is unchanged.
func (o object) without(name string) object {
	out := make(object, 0, len(o))
	for _, m := range o {
		if m.name != name {
			out = append(out, m)
		}
	}
	return out
}

// get returns the value of the member called name.
func (o object) get(name string) (any, bool) {
	for _, m := range o {
		if m.name == name {
			return m.value, true
		}
	}
	return nil, false
}

// indexedAbove is the member count from which duplicate names are found
// through a map rather than by scanning the members.
const indexedAbove = 16

// decodeJSON parses one JSON document strictly: valid UTF-8, no duplicate
// object keys, no trailing data, nesting bounded by maxNesting. Objects come
// back as object (members in document order), arrays as []any and numbers
// as json.Number, so the validators can tell integers from other numbers.
func decodeJSON(body []byte, maxNesting int) (any, error) {
	if !utf8.Valid(body) {
		return nil, invalid("request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := readValue(dec, maxNesting)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalid("request body has data after the JSON value")
	}
	return v, nil
}

// readValue reads the next value from dec; nesting is how many more levels
// of objects and arrays it may open.
func readValue(dec *json.Decoder, nesting int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, malformed(err)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if nesting <= 0 {
		return nil, invalid("request body is nested too deeply")
	}
	switch delim {
	case '{':
		return readObject(dec, nesting)
	case '[':
		arr := []any{}
		for dec.More() {
			v, err := readValue(dec, nesting-1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, malformed(err)
		}
		return arr, nil
	}
	return nil, invalid("malformed JSON")
}

// readObject reads the members of an object whose '{' dec has just read.
func readObject(dec *json.Decoder, nesting int) (object, error) {
	obj := object{}
	var names map[string]struct{} // built once the object is large
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return nil, malformed(err)
		}
		name, _ := keyTok.(string)
		dup := false
		if names != nil {
			_, dup = names[name]
		} else {
			_, dup = obj.get(name)
		}
		if dup {
			return nil, invalid("duplicate key %q in request body", name)
		}
		v, err := readValue(dec, nesting-1)
		if err != nil {
			return nil, err
		}
		obj = append(obj, member{name: name, value: v})
		switch {
		case names != nil:
			names[name] = struct{}{}
		case len(obj) > indexedAbove:
			names = make(map[string]struct{}, 2*len(obj))
			for _, m := range obj {
				names[m.name] = struct{}{}
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, malformed(err)
	}
	return obj, nil
}

func malformed(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalid("request body is not complete JSON")
	}
	return invalid("malformed JSON: %v", err)
}

func invalid(format string, args ...any) *wwe.Error {
	return wwe.Errorf(wwe.CodeInvalidRequest, format, args...)
}
