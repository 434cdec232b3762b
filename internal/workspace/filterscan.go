package workspace

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// scanner walks a JSON body once, deciding on every object that carries
// user data as it closes (its nested objects first).
type scanner struct {
	buf   []byte
	hide  func(Object) ([]string, error)
	edits []edit
	quiet bool // re-reading a user-data list: decide nothing
}

// objectInfo is what an object's members tell the filter.
type objectInfo struct {
	lists                       []span // userData and eventContent values
	id, connID, ixnID, mediaTyp span   // string values (end 0: absent)
	callUUID                    bool
}

func (s *scanner) syntax(i int, what string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrFilter, what, i)
}

// next reads what follows a member or element ending at i: a comma (the
// index of the next one) or close (just past it, closed).
func (s *scanner) next(i int, close byte, what string) (int, bool, error) {
	i = s.ws(i)
	if i >= len(s.buf) {
		return 0, false, s.syntax(i, "unterminated "+what)
	}
	switch s.buf[i] {
	case ',':
		return s.ws(i + 1), false, nil
	case close:
		return i + 1, true, nil
	}
	return 0, false, s.syntax(i, "expected ',' or '"+string(close)+"'")
}

// ws skips white space from i.
func (s *scanner) ws(i int) int {
	for i < len(s.buf) {
		switch s.buf[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value reads the value at i and returns where it ends.
func (s *scanner) value(i, depth int) (int, error) {
	if i >= len(s.buf) {
		return 0, s.syntax(i, "unexpected end")
	}
	switch c := s.buf[i]; {
	case c == '{' || c == '[':
		if depth >= maxFilterNesting {
			return 0, s.syntax(i, "nested too deeply")
		}
		if c == '{' {
			return s.object(i, depth+1)
		}
		return s.array(i, depth+1, nil)
	case c == '"':
		end, _, err := s.str(i)
		return end, err
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(s.buf) && isNumberByte(s.buf[j]) {
			j++
		}
		return j, nil
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(s.buf)-i >= len(lit) && string(s.buf[i:i+len(lit)]) == lit {
			return i + len(lit), nil
		}
	}
	return 0, s.syntax(i, "not a JSON value")
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// str reads the string at i; escaped reports a backslash inside it.
func (s *scanner) str(i int) (end int, escaped bool, err error) {
	for j := i + 1; j < len(s.buf); j++ {
		switch s.buf[j] {
		case '"':
			return j + 1, escaped, nil
		case '\\':
			escaped = true
			j++
		}
	}
	return 0, false, s.syntax(i, "unterminated string")
}

// text is the string at sp decoded as a JavaScript client decodes it.
func (s *scanner) text(sp span, escaped bool) string {
	raw := s.buf[sp.start:sp.end]
	if !escaped && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1])
	}
	var out string
	if json.Unmarshal(raw, &out) != nil {
		return string(raw) // not a valid string: matches no key
	}
	return out
}

// array reads the array at i; when items is not nil, each element's range
// and pair key (its last "key" member, a string) is appended to *items.
func (s *scanner) array(i, depth int, items *[]item) (int, error) {
	i = s.ws(i + 1)
	if i < len(s.buf) && s.buf[i] == ']' {
		return i + 1, nil
	}
	for {
		start := i
		end, err := s.value(i, depth)
		if err != nil {
			return 0, err
		}
		if items != nil {
			it := item{span: span{start, end}}
			if s.buf[start] == '{' {
				it.key, it.hasKey = s.pairKey(start, depth)
			}
			*items = append(*items, it)
		}
		var closed bool
		if i, closed, err = s.next(end, ']', "array"); err != nil || closed {
			return i, err
		}
	}
}
