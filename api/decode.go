package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// decodeJSON parses one JSON document strictly: valid UTF-8, no duplicate
// object keys, no trailing data, nesting bounded by maxNesting. Objects come
// back as map[string]any, arrays as []any and numbers as json.Number, so
// the validators can tell integers from other numbers.
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
		obj := map[string]any{}
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return nil, malformed(err)
			}
			key, _ := keyTok.(string)
			if _, dup := obj[key]; dup {
				return nil, invalid("duplicate key %q in request body", key)
			}
			if obj[key], err = readValue(dec, nesting-1); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, malformed(err)
		}
		return obj, nil
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

func malformed(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return invalid("request body is not complete JSON")
	}
	return invalid("malformed JSON: %v", err)
}

func invalid(format string, args ...any) *wwe.Error {
	return wwe.Errorf(wwe.CodeInvalidRequest, format, args...)
}
