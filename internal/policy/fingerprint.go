package policy

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Fingerprint is a SHA-256 digest of the whole input document as the
// policies see it, in its canonical encoding (CanonicalJSON): inputs with
// the same fingerprint are the same document, so one policy set gives them
// the same decision. Subscribers share read decisions by it.
func (in *Input) Fingerprint() ([sha256.Size]byte, error) {
	raw, err := in.CanonicalJSON()
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(raw), nil
}

// CanonicalJSON encodes the input document the policies see (DESIGN.md
// §3.1) one way only: compact JSON, every object's members sorted by key,
// numbers as written when they came as JSON text. Two inputs encode alike
// only when they are the same document. A string that is not valid UTF-8
// has each invalid byte written as a lone surrogate escape (\udc80 to
// \udcff), which no valid string produces, so no two strings encode alike.
// It fails, as rendering for evaluation does, on an attribute that is not
// JSON or a value JSON cannot hold.
func (in *Input) CanonicalJSON() ([]byte, error) {
	doc, err := in.document()
	if err != nil {
		return nil, err
	}
	return appendCanonical(make([]byte, 0, 512), doc)
}

// appendCanonical writes v canonically. The plain values a document holds
// are written directly; any other value is written as encoding/json
// encodes it, read back and written canonically.
func appendCanonical(buf []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case string:
		return appendCanonicalString(buf, x), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("unsupported number %v", x)
		}
		return strconv.AppendFloat(buf, x, 'g', -1, 64), nil
	case json.Number:
		if !numberLiteral(string(x)) {
			return nil, fmt.Errorf("invalid number %q", string(x))
		}
		return append(buf, x...), nil
	case wwe.UserData:
		return appendCanonicalObject(buf, x)
	case map[string]any:
		return appendCanonicalObject(buf, x)
	case []any:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = appendCanonical(buf, e); err != nil {
				return nil, fmt.Errorf("%d: %w", i, err)
			}
		}
		return append(buf, ']'), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	plain, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	return appendCanonical(buf, plain)
}

// appendCanonicalObject writes o with its members sorted by key; a nil o
// is null.
func appendCanonicalObject(buf []byte, o map[string]any) ([]byte, error) {
	if o == nil {
		return append(buf, "null"...), nil
	}
	buf = append(buf, '{')
	for i, k := range slices.Sorted(maps.Keys(o)) {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendCanonicalString(buf, k)
		buf = append(buf, ':')
		var err error
		if buf, err = appendCanonical(buf, o[k]); err != nil {
			return nil, fmt.Errorf("%q: %w", k, err)
		}
	}
	return append(buf, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendCanonicalString writes s as a JSON string: quotes, backslashes and
// control characters escaped, every other valid character as it is, and
// each byte of an invalid UTF-8 sequence as a lone surrogate escape.
func appendCanonicalString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c < 0x20:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, '\\', 'u', 'd', 'c', hexDigits[c>>4], hexDigits[c&0xf])
		} else {
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return append(buf, '"')
}
