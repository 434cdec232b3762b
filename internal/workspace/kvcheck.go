package workspace

import (
	"bytes"
	"fmt"
)

// Check holds a KV list that a client sent to the contract's types, the
// strict reading a front door applies before it decides on the list (GWS's
// own lists are read with DecodeKV alone): a "str" value is a string, an
// "int" value an integer, a "kvlist" value a list that passes Check itself
// (to MaxDepth), and a pair of any other type has a string or integer value.
// The first problem is returned, wrapping ErrKV and naming the pair's path.
func (kv KV) Check() error {
	return kv.check("", 0)
}

func (kv KV) check(prefix string, depth int) error {
	for i, p := range kv {
		path := fmt.Sprintf("%s[%d]", prefix, i)
		if p.Key == "" {
			return fmt.Errorf("%w: %s: empty key", ErrKV, path)
		}
		path += "(" + p.Key + ")"
		switch p.Type {
		case TypeStr:
			if _, ok := p.Str(); !ok {
				return fmt.Errorf("%w: %s: a str value must be a string", ErrKV, path)
			}
		case TypeInt:
			if _, ok := p.Int(); !ok {
				return fmt.Errorf("%w: %s: an int value must be an integer", ErrKV, path)
			}
		case TypeKVList:
			if depth+1 >= MaxDepth {
				return fmt.Errorf("%w: %s: nested deeper than %d", ErrKV, path, MaxDepth)
			}
			nested, err := p.List()
			if err != nil {
				return fmt.Errorf("%w: %s: a kvlist value must be a KV list", ErrKV, path)
			}
			if err := nested.check(path+".", depth+1); err != nil {
				return err
			}
		default:
			_, isStr := p.Str()
			if !isStr && !isInteger(bytes.TrimSpace(p.Value)) {
				return fmt.Errorf("%w: %s: type %q needs a string or integer value", ErrKV, path, p.Type)
			}
		}
	}
	return nil
}
