package wwe

import (
	"encoding/json"
	"errors"
)

// errSyntax reports a document that is not one JSON object.
var errSyntax = errors.New("not a JSON object")

// members calls f with the name and the raw value (a subslice of b) of each
// member of the JSON object b, in document order. It checks the object's
// structure; the values are checked by whoever decodes them. It makes one
// pass over b and allocates nothing for names without escapes.
func members(b []byte, f func(name, raw []byte) error) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errSyntax
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return end(b, i+1)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return errSyntax
		}
		nameEnd, err := skipString(b, i)
		if err != nil {
			return err
		}
		name, err := memberName(b[i:nameEnd])
		if err != nil {
			return err
		}
		i = skipSpace(b, nameEnd)
		if i >= len(b) || b[i] != ':' {
			return errSyntax
		}
		i = skipSpace(b, i+1)
		valueEnd, err := skipValue(b, i)
		if err != nil {
			return err
		}
		if err := f(name, b[i:valueEnd]); err != nil {
			return err
		}
		i = skipSpace(b, valueEnd)
		if i >= len(b) {
			return errSyntax
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return end(b, i+1)
		default:
			return errSyntax
		}
	}
}

// memberName is the name a JSON string token stands for: the bytes between
// the quotes when it has no escapes, else the decoded string.
func memberName(tok []byte) ([]byte, error) {
	body := tok[1 : len(tok)-1]
	if plainASCII(body) {
		return body, nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// end checks that only white space follows position i.
func end(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errSyntax
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the position after the string token that starts at
// b[i] (a quote).
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errSyntax
}

// skipValue returns the position after the value that starts at b[i]:
// a string, an object or array (brackets balanced, strings skipped whole),
// or a literal (up to the next delimiter).
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errSyntax
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				next, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = next - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errSyntax
	case ',', ':', '}', ']':
		return 0, errSyntax
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j, nil
}
