package wwe

import (
	"strconv"
	"strings"
)

// Revision identifies one state of an interaction: the service's Version
// of it within one lifetime of the service (Boot, which changes whenever
// the service starts). Versions start again at 1 when a service restarts,
// so a version alone may name two different states; a Revision may not.
// The zero Revision names none (the service reports no revisions).
type Revision struct {
	Boot    string
	Version int64
}

// Known reports whether r names a revision.
func (r Revision) Known() bool { return r.Boot != "" && r.Version > 0 }

// ETag renders r as an HTTP entity tag: "<boot>.<version>".
func (r Revision) ETag() string {
	return `"` + r.Boot + "." + strconv.FormatInt(r.Version, 10) + `"`
}

// ParseETag reads an entity tag written by ETag. It reports false for
// anything else, a bare version included.
func ParseETag(tag string) (Revision, bool) {
	inner, ok := strings.CutPrefix(tag, `"`)
	if !ok {
		return Revision{}, false
	}
	if inner, ok = strings.CutSuffix(inner, `"`); !ok {
		return Revision{}, false
	}
	i := strings.LastIndexByte(inner, '.')
	if i <= 0 || !validBoot(inner[:i]) {
		return Revision{}, false
	}
	v, err := strconv.ParseInt(inner[i+1:], 10, 64)
	if err != nil || v <= 0 || inner[i+1] == '+' {
		return Revision{}, false
	}
	return Revision{Boot: inner[:i], Version: v}, true
}

// validBoot reports whether s may be a boot id: 1 to 64 letters, digits,
// '-' or '_' (no '.', '"' or blanks, so the tag reads back unambiguously).
func validBoot(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}
