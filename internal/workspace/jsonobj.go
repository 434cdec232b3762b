package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v) // only for its message
		return bodyError("malformed JSON: %v", err)
	}
	_, err := (&members{buf: body}).value(0, maxNesting, nil)
	return err
}

// members reads JSON that json.Valid has accepted: it checks what Valid
// does not (nesting, names given twice) and finds the members of an
// object and the elements of an array without decoding them. Every index
// is still bounds-checked, so input that skipped Valid gets an error,
// never a panic.
type members struct {
	buf []byte
}

func (m *members) malformed(i int) error {
	return bodyError("malformed JSON at byte %d", i)
}

func (m *members) ws(i int) int {
	for i < len(m.buf) && (m.buf[i] == ' ' || m.buf[i] == '\t' || m.buf[i] == '\n' || m.buf[i] == '\r') {
		i++
	}
	return i
}

// value reads the value after white space at i and returns where it ends.
// With out set, an object's members are appended to it (not its nested
// ones').
func (m *members) value(i, nesting int, out *[]field) (int, error) {
	i = m.ws(i)
	if i >= len(m.buf) {
		return 0, m.malformed(i)
	}
	switch c := m.buf[i]; c {
	case '{', '[':
		if nesting <= 0 {
			return 0, bodyError("nested too deeply")
		}
		if c == '{' {
			return m.object(i, nesting-1, out)
		}
		return m.array(i, nesting-1, nil)
	case '"':
		return m.str(i)
	}
	j := i // a number, true, false or null
	for j < len(m.buf) && (isNumberByte(m.buf[j]) || m.buf[j] >= 'a' && m.buf[j] <= 'z') {
		j++
	}
	if j == i {
		return 0, m.malformed(i)
	}
	return j, nil
}

// str reads the string at i and returns where it ends.
func (m *members) str(i int) (int, error) {
	for j := i + 1; j < len(m.buf); j++ {
		switch m.buf[j] {
		case '"':
			return j + 1, nil
		case '\\':
			j++
		}
	}
	return 0, m.malformed(i)
}

// name is the member name in buf[start:end], decoded.
func (m *members) name(start, end int) (string, error) {
	s, err := unquote(m.buf[start:end])
	if err != nil {
		return "", m.malformed(start)
	}
	return s, nil
}

// object reads the object at i; with out set, its members are appended to
// it. A name given twice, escaped or not, is refused.
func (m *members) object(i, nesting int, out *[]field) (int, error) {
	var seen []string
	var many map[string]bool // past 16 names
	i = m.ws(i + 1)
	if i < len(m.buf) && m.buf[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(m.buf) || m.buf[i] != '"' {
			return 0, m.malformed(i)
		}
		end, err := m.str(i)
		if err != nil {
			return 0, err
		}
		name, err := m.name(i, end)
		if err != nil {
			return 0, err
		}
		if slices.Contains(seen, name) || many[name] {
			return 0, bodyError("the name %q twice in one object", name)
		}
		if seen = append(seen, name); len(seen) > 16 {
			if many == nil {
				many = map[string]bool{}
			}
			for _, n := range seen {
				many[n] = true
			}
			seen = seen[:0]
		}
		i = m.ws(end)
		if i >= len(m.buf) || m.buf[i] != ':' {
			return 0, m.malformed(i)
		}
		start := m.ws(i + 1)
		if i, err = m.value(start, nesting, nil); err != nil {
			return 0, err
		}
		if out != nil {
			*out = append(*out, field{name: name, raw: m.buf[start:i:i]})
		}
		var closed bool
		if i, closed, err = m.next(i, '}'); err != nil || closed {
			return i, err
		}
	}
}

// array reads the array at i; with out set, its elements are appended to
// it.
func (m *members) array(i, nesting int, out *[]json.RawMessage) (int, error) {
	i = m.ws(i + 1)
	if i < len(m.buf) && m.buf[i] == ']' {
		return i + 1, nil
	}
	for {
		start := m.ws(i)
		var err error
		if i, err = m.value(start, nesting, nil); err != nil {
			return 0, err
		}
		if out != nil {
			*out = append(*out, m.buf[start:i:i])
		}
		var closed bool
		if i, closed, err = m.next(i, ']'); err != nil || closed {
			return i, err
		}
	}
}

// next reads what follows a member or an element that ends at i: a comma
// (more follow, from the returned index) or close (closed; the returned
// index is after it).
func (m *members) next(i int, close byte) (int, bool, error) {
	if i = m.ws(i); i < len(m.buf) {
		switch m.buf[i] {
		case ',':
			return m.ws(i + 1), false, nil
		case close:
			return i + 1, true, nil
		}
	}
	return 0, false, m.malformed(i)
}

// start is where the value of buf, which must open with open, starts.
func (m *members) start(open byte, what string) (int, error) {
	i := m.ws(0)
	if i >= len(m.buf) || m.buf[i] != open {
		return 0, bodyError("not a JSON %s", what)
	}
	return i, nil
}

// done checks that nothing but white space follows the value ending at end.
func (m *members) done(end int) error {
	if m.ws(end) != len(m.buf) {
		return m.malformed(end)
	}
	return nil
}

// field is one member of a JSON object, in document order.
type field struct {
	name string
	raw  json.RawMessage // a slice of the body, its capacity capped
}

// parseObject reads the members of a JSON object in order. The body has
// passed checkSyntax, so names are unique.
func parseObject(raw []byte) ([]field, error) {
	m := members{buf: raw}
	i, err := m.start('{', "object")
	if err != nil {
		return nil, err
	}
	var out []field
	if i, err = m.value(i, maxFilterNesting, &out); err != nil {
		return nil, err
	}
	return out, m.done(i)
}

// parseArray reads the elements of a JSON array in order (an empty array
// gives an empty, non-nil slice). The body has passed checkSyntax.
func parseArray(raw []byte) ([]json.RawMessage, error) {
	m := members{buf: raw}
	i, err := m.start('[', "array")
	if err != nil {
		return nil, err
	}
	out := []json.RawMessage{}
	if i, err = m.array(i, maxFilterNesting, &out); err != nil {
		return nil, err
	}
	return out, m.done(i)
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
