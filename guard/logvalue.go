package guard

import (
	"slices"
	"strconv"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// termWriter writes the input a decision evaluated — an OPA value — as the
// JSON of its decision log entry: objects with their keys sorted, and, when
// masking, the values maskRules name replaced by "***" leaf by leaf, their
// JSON pointers collected on the way.
type termWriter struct {
	buf    []byte // the line being written
	mask   bool
	tokens []string // the path of the value being written, below the input
	ptr    []byte   // the same path as a JSON pointer, from /input
	paths  []string // the pointers of the masked values, in writing order

	// The object being written: whether its values are masked, whether
	// no member is written yet. memberFn is the bound w.objectMember,
	// made once per writer, so walking an object allocates nothing.
	hidden, first bool
	memberFn      func(k, v *ast.Term)
}

// termWriters keep the writers, their buffers and bound methods.
var termWriters = sync.Pool{New: func() any {
	w := &termWriter{ptr: make([]byte, 0, 128)}
	w.memberFn = w.objectMember
	return w
}}

// appendInput writes the input v (null when the input could not be built)
// and returns the JSON pointers of the values it masked, sorted; the list
// is valid until the writer is put back.
func (w *termWriter) appendInput(buf []byte, v ast.Value, mask bool) []byte {
	w.mask = mask
	w.tokens = w.tokens[:0]
	w.ptr = append(w.ptr[:0], "/input"...)
	w.paths = w.paths[:0]
	if v == nil {
		return append(buf, "null"...)
	}
	w.buf = buf
	w.value(v, false)
	buf, w.buf = w.buf, nil
	slices.Sort(w.paths)
	return buf
}

// value writes v; hidden is set inside a masked value.
func (w *termWriter) value(v ast.Value, hidden bool) {
	switch x := v.(type) {
	case ast.Null:
		w.buf = append(w.buf, "null"...)
		return
	case ast.Object:
		outerHidden, outerFirst := w.hidden, w.first
		w.hidden, w.first = hidden, true
		w.buf = append(w.buf, '{')
		x.Foreach(w.memberFn)
		w.buf = append(w.buf, '}')
		w.hidden, w.first = outerHidden, outerFirst
		return
	case *ast.Array:
		w.buf = append(w.buf, '[')
		for i := range x.Len() {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.member("", i, x.Elem(i).Value, hidden)
		}
		w.buf = append(w.buf, ']')
		return
	}
	if hidden {
		w.buf = append(w.buf, `"`+masked+`"`...)
		return
	}
	switch x := v.(type) {
	case ast.String:
		w.buf = appendString(w.buf, string(x))
		return
	case ast.Boolean:
		w.buf = strconv.AppendBool(w.buf, bool(x))
		return
	case ast.Number:
		if isJSONNumber(string(x)) {
			w.buf = append(w.buf, x...)
			return
		}
	}
	w.buf = append(w.buf, "null"...) // never from JSON: a set, a reference
}

// objectMember writes one member of the object being written.
func (w *termWriter) objectMember(k, v *ast.Term) {
	key, ok := k.Value.(ast.String)
	if !ok {
		return // never from JSON; a log key must be a string
	}
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
	w.buf = appendString(w.buf, string(key))
	w.buf = append(w.buf, ':')
	w.member(string(key), -1, v.Value, w.hidden)
}

// member writes v, the member key (or, when index is not -1, the element
// index) of the value being written, masking it when a rule says so.
func (w *termWriter) member(key string, index int, v ast.Value, hidden bool) {
	if hidden || !w.mask {
		w.value(v, hidden)
		return
	}
	mark := len(w.ptr)
	w.ptr = append(w.ptr, '/')
	if index >= 0 {
		w.ptr = strconv.AppendInt(w.ptr, int64(index), 10)
	} else {
		w.ptr = appendPointerToken(w.ptr, key)
	}
	w.tokens = append(w.tokens, key)
	if r := maskRuleFor(w.tokens); r != nil {
		if r.listed == nil || r.listed(v) {
			w.paths = append(w.paths, string(w.ptr))
		}
		hidden = true
	}
	w.value(v, hidden)
	w.tokens = w.tokens[:len(w.tokens)-1]
	w.ptr = w.ptr[:mark]
}

// appendPointerToken writes a JSON pointer token, "~" and "/" escaped
// (RFC 6901).
func appendPointerToken(ptr []byte, token string) []byte {
	for i := 0; i < len(token); i++ {
		switch c := token[i]; c {
		case '~':
			ptr = append(ptr, '~', '0')
		case '/':
			ptr = append(ptr, '~', '1')
		default:
			ptr = append(ptr, c)
		}
	}
	return ptr
}
