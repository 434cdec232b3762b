package workspace

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrPath is wrapped by every error Classify returns: a path the door
// refuses with 400.
var ErrPath = errors.New("invalid request path")

// PathError says what is wrong with a request path.
type PathError struct {
	Reason string
}

func (e *PathError) Error() string { return ErrPath.Error() + ": " + e.Reason }

// Unwrap returns ErrPath.
func (e *PathError) Unwrap() error { return ErrPath }

func pathError(format string, args ...any) error {
	return &PathError{Reason: fmt.Sprintf(format, args...)}
}

// splitPath decodes u's path once into its segments. The raw form is read
// when the URL keeps one (u.RawPath), so an encoded slash stays inside its
// segment and is refused there; the last segment may be empty (a trailing
// slash; Classify decides whether the route has one).
func splitPath(u *url.URL) ([]string, error) {
	if u == nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return nil, pathError("not an absolute path")
	}
	raw := u.RawPath
	if raw == "" {
		// No escaping beyond the default: the decoded path has the same
		// segments as the raw one.
		raw = u.Path
	}
	parts := strings.Split(raw[1:], "/")
	segs := make([]string, len(parts))
	for i, p := range parts {
		s := p
		if u.RawPath != "" {
			var err error
			if s, err = url.PathUnescape(p); err != nil {
				return nil, pathError("segment %d is not valid percent-encoding", i+1)
			}
		}
		if err := checkSegment(s, i == len(parts)-1); err != nil {
			return nil, pathError("segment %d: %s", i+1, err.Error())
		}
		segs[i] = s
	}
	if u.RawPath != "" && joinPath(segs) != u.Path {
		return nil, pathError("raw and decoded paths disagree")
	}
	return segs, nil
}

// checkSegment refuses a decoded segment that a server could read as more
// or other than one opaque name.
func checkSegment(s string, last bool) error {
	switch {
	case s == "" && !last:
		return errors.New("empty (a double slash)")
	case s == "." || s == "..":
		return fmt.Errorf("%q", s)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '/':
			return errors.New("an encoded slash")
		case c == '\\':
			return errors.New("a backslash")
		case c == ';':
			return errors.New("a ';' parameter")
		case c == '%':
			return errors.New("a '%' after decoding (double encoding)")
		case c < 0x20 || c == 0x7f:
			return errors.New("a control character")
		}
	}
	return nil
}
