package api

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// scanReferenceID finds the top-level referenceId of a SCAPI envelope in
// body when the envelope as a whole cannot be decoded: body may be cut off
// at the size limit, malformed or not valid UTF-8 after it. It returns the
// value (a non-empty string or a json.Number, as parseEnvelope accepts it)
// when everything up to the end of that value is well-formed JSON and the
// value itself valid UTF-8; else nil. The first top-level referenceId wins;
// one inside a nested value is not the envelope's.
func scanReferenceID(body []byte) any {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		name, ok := tok.(string)
		if !ok {
			return nil
		}
		if name != "referenceId" {
			if skipValue(dec) != nil {
				return nil
			}
			continue
		}
		from := dec.InputOffset()
		tok, err = dec.Token()
		to := dec.InputOffset()
		if err != nil || !utf8.Valid(body[from:to]) {
			return nil
		}
		if _, isNumber := tok.(json.Number); isNumber && to == int64(len(body)) {
			return nil // the body may end inside the number: 12 may have been 123
		}
		return referenceID(tok)
	}
	return nil
}

// skipValue reads past the next value of dec, however nested.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
