package workspace

import (
	"net/url"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// The path prefixes the v3 door serves.
const (
	BasePath = "/workspace/v3"
	AuthPath = "/auth/v3"
)

// Route is a request's method and path classified against the Workspace API
// v3 routes (Classify).
type Route struct {
	// Method is the request's method, as classified.
	Method string
	// Path is the canonical path to forward, decoded: the route's template
	// with its parameters filled in (literal segments as the template
	// spells them), or, for Auth and NotFound routes, the path's segments
	// as decoded. EscapedPath is its form on the wire.
	Path string
	// Template is the matched template, e.g.
	// /workspace/v3/voice/calls/{id}/update-user-data; empty for Auth and
	// NotFound routes.
	Template string
	Kind     Kind
	// Operation is the policy operation of a decided route.
	Operation wwe.Operation
	// Request names a decided route for the policies:
	// workspace.<voice|media|media-management|ucs|chat>.<last segment>.
	Request string
	// MediaType is "voice" for voice routes, the {mediatype} segment (or
	// "email", "chat") for media routes, and "" where there is none
	// (media-management, ucs).
	MediaType string
	// InteractionID is the {id} path parameter; "" when the route has none.
	InteractionID string
	// Shape says where the body of a decided route carries user data.
	Shape Shape
	// Release marks voice release: a markdone only when the session's
	// autoCompleteCall is true, which the door knows at run time.
	Release bool

	required bool // the body must carry its user data
	segments []string
}

// EscapedPath is Path as it goes on the wire: each segment escaped.
func (r Route) EscapedPath() string {
	var b strings.Builder
	for _, s := range r.segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// Classify decodes the request path once and classifies method and path.
// A path with an empty, ".", ".." or ";"-bearing segment, an encoded slash
// or backslash, a control character, or a '%' left after decoding (double
// encoding) is an error wrapping ErrPath, which the door answers 400; so is
// a trailing slash except where the client uses one
// (/workspace/v3/notifications/). Literal segments match ASCII
// case-insensitively and are forwarded as the template spells them. A path
// that names no route is the Kind NotFound, not an error.
func Classify(method string, u *url.URL) (Route, error) {
	segs, err := splitPath(u)
	if err != nil {
		return Route{}, err
	}
	r := Route{Method: method, Kind: NotFound, segments: segs}
	switch {
	case hasPrefix(segs, authSegs):
		r.Kind = Auth
		copy(segs, authSegs)
	case hasPrefix(segs, baseSegs):
		if e := matchRoute(method, segs[len(baseSegs):]); e != nil {
			r = e.route(method, segs)
		}
	}
	if err := checkTrailing(r); err != nil {
		return Route{}, err
	}
	r.Path = joinPath(r.segments)
	return r, nil
}

var (
	baseSegs = []string{"workspace", "v3"}
	authSegs = []string{"auth", "v3"}
)

// hasPrefix reports whether segs starts with prefix (ASCII case-insensitive)
// and has more segments after it.
func hasPrefix(segs, prefix []string) bool {
	if len(segs) <= len(prefix) {
		return false
	}
	for i, p := range prefix {
		if !asciiEqualFold(segs[i], p) {
			return false
		}
	}
	return true
}

// checkTrailing refuses an empty last segment (a trailing slash) outside
// the one template that has it ("/" alone is the root, not a trailing
// slash).
func checkTrailing(r Route) error {
	if n := len(r.segments); n > 1 && r.segments[n-1] == "" && !strings.HasSuffix(r.Template, "/") {
		return pathError("a trailing slash")
	}
	return nil
}

func joinPath(segs []string) string {
	return "/" + strings.Join(segs, "/")
}

// asciiEqualFold compares ASCII letters case-insensitively and every other
// byte exactly (no Unicode folding: "ſ" is not "s").
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
