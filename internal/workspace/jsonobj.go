package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrBody is wrapped by every error about a client's request body: the door
// answers 400.
var ErrBody = errors.New("invalid request body")

func bodyError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBody, fmt.Sprintf(format, args...))
}

// checkSyntax holds a client's body to one strict JSON reading, so that
// every later decoder (and GWS) reads it alike: valid UTF-8, one value, no
// object with a name twice (which parsers resolve differently), nesting no
// deeper than maxNesting.
func checkSyntax(body []byte, maxNesting int) error {
	if !utf8.Valid(body) {
		return bodyError("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := walkValue(dec, maxNesting); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bodyError("data after the JSON value")
	}
	return nil
}

func walkValue(dec *json.Decoder, nesting int) error {
	tok, err := dec.Token()
	if err != nil {
		return bodyError("malformed JSON: %v", err)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if nesting <= 0 {
		return bodyError("nested too deeply")
	}
	var names map[string]bool
	if delim == '{' {
		names = map[string]bool{}
	}
	for dec.More() {
		if names != nil {
			tok, err := dec.Token()
			if err != nil {
				return bodyError("malformed JSON: %v", err)
			}
			name, _ := tok.(string)
			if names[name] {
				return bodyError("the name %q twice in one object", name)
			}
			names[name] = true
		}
		if err := walkValue(dec, nesting-1); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return bodyError("malformed JSON: %v", err)
	}
	return nil
}

// field is one member of a JSON object, in document order.
type field struct {
	name string
	raw  json.RawMessage
}

// parseObject reads the members of a JSON object in order. The body has
// passed checkSyntax, so names are unique.
func parseObject(raw []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bodyError("not a JSON object")
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bodyError("malformed JSON: %v", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, bodyError("malformed JSON: %v", err)
		}
		out = append(out, field{name: tok.(string), raw: v})
	}
	return out, nil
}

// compact is raw without insignificant white space.
func compact(raw []byte) (json.RawMessage, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, bodyError("malformed JSON: %v", err)
	}
	return b.Bytes(), nil
}

// isNull reports whether raw is the JSON null.
func isNull(raw []byte) bool { return string(bytes.TrimSpace(raw)) == "null" }
