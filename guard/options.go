package guard

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/suggest"
)

// optionType is the type the options schema gives an option.
type optionType string

// The option types the guard checks and converts values to.
const (
	optionString  optionType = "string"
	optionBoolean optionType = "boolean"
	optionInteger optionType = "integer"
)

// optionTypes reads the options schema's properties: each must be typed
// string, boolean or integer, so a schema the checker cannot read fully
// fails to load rather than letting values through unchecked.
func optionTypes(doc any) (map[string]optionType, error) {
	props, _ := doc.(map[string]any)["properties"].(map[string]any)
	types := make(map[string]optionType, len(props))
	for name, p := range props {
		prop, _ := p.(map[string]any)
		t, _ := prop["type"].(string)
		switch optionType(t) {
		case optionString, optionBoolean, optionInteger:
			types[name] = optionType(t)
		default:
			return nil, fmt.Errorf("property %q: the guard checks options of type string, boolean or integer only", name)
		}
	}
	return types, nil
}

// OptionsError lists every problem of the config's options, one per line,
// each "options.NAME: ...".
type OptionsError struct {
	Problems []string
}

func (e *OptionsError) Error() string { return strings.Join(e.Problems, "\n") }

// CheckOptions checks options against the options schema among schemas (the
// file system of policies.Schemas; DESIGN.md §9.1): every name must be one
// the schema lists, and every value of its type, where a boolean may also be
// the string "true" or "false" in any case and an integer a decimal string.
// It returns the valid options converted to their schema types (string,
// bool, int64; null stays null, meaning unset), and an *OptionsError with
// every problem, sorted by option name. Without an options schema the
// options are returned unchecked.
func CheckOptions(schemas fs.FS, options map[string]any) (map[string]any, error) {
	sch, err := loadSchemas(schemas)
	if err != nil {
		return nil, err
	}
	return sch.checkOptions(options)
}

// checkOptions is CheckOptions with the schemas loaded.
func (s schemas) checkOptions(options map[string]any) (map[string]any, error) {
	if s.types == nil {
		return options, nil
	}
	names := slices.Sorted(maps.Keys(options))
	out := make(map[string]any, len(options))
	var problems []string
	for _, name := range names {
		t, known := s.types[name]
		if !known {
			problems = append(problems, fmt.Sprintf("options.%s: unknown option; did you mean %s?", name, nearestOption(name, s.options)))
			continue
		}
		v, err := t.convert(options[name])
		if err != nil {
			problems = append(problems, fmt.Sprintf("options.%s: %v", name, err))
			continue
		}
		out[name] = v
	}
	if len(problems) > 0 {
		return out, &OptionsError{Problems: problems}
	}
	return out, nil
}

// convert returns v as a value of type t, or why it is not one. nil (an
// option set to null) stays nil.
func (t optionType) convert(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch t {
	case optionString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("must be a string, not %s", describeValue(v))
	case optionBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if strings.EqualFold(x, "true") {
				return true, nil
			}
			if strings.EqualFold(x, "false") {
				return false, nil
			}
		}
		return nil, fmt.Errorf(`must be a boolean (true, false, "true" or "false" in any case), not %s`, describeValue(v))
	case optionInteger:
		if n, ok := integer(v); ok {
			return n, nil
		}
		return nil, fmt.Errorf("must be an integer or a decimal string, not %s", describeValue(v))
	}
	return nil, fmt.Errorf("has an unknown type %q", t)
}

// integer returns v as an int64 when it is an integer, a whole number
// within int64's range, or a decimal string.
func integer(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case uint64:
		return int64(x), x <= math.MaxInt64
	case float64:
		if x != math.Trunc(x) || x < math.MinInt64 || x >= math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// describeValue names a value and its type for a problem message.
func describeValue(v any) string {
	switch x := v.(type) {
	case string:
		return "the string " + strconv.Quote(x)
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case int, int32, int64, uint64:
		return fmt.Sprintf("the integer %d", x)
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("a %T", v)
}

// nearestOption is the known option name closest to name.
func nearestOption(name string, known []string) string {
	best, _ := suggest.Nearest(name, known)
	return best
}
