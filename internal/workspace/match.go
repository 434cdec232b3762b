package workspace

import (
	"fmt"
	"strings"
)

// entry is one compiled route template.
type entry struct {
	method   string
	segs     []string // template segments under /workspace/v3; "{name}" is a parameter
	literals int      // how many segments are literal (the more, the more specific)
	spec     routeSpec
}

// table holds every route under /workspace/v3, by segment count.
var table = compileTable()

func compileTable() map[int][]entry {
	kinds := map[string]routeSpec{}
	for _, s := range specialRoutes {
		kinds[s.method+" "+s.path] = s
	}
	for _, n := range notificationRoutes {
		method, path, _ := strings.Cut(n, " ")
		kinds[n] = routeSpec{method: method, path: path, kind: Notifications}
	}
	all := append(append([]string{}, clientRoutes...), "POST /notifications/")
	out := map[int][]entry{}
	for _, line := range all {
		method, path, _ := strings.Cut(line, " ")
		spec, ok := kinds[line]
		if !ok {
			spec = routeSpec{method: method, path: path, kind: PassThrough}
		}
		e := entry{method: method, segs: strings.Split(path[1:], "/"), spec: spec}
		for _, s := range e.segs {
			if !isParam(s) {
				e.literals++
			}
		}
		out[len(e.segs)] = append(out[len(e.segs)], e)
	}
	return out
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// matchRoute finds the most specific template that method and segs (the
// segments under /workspace/v3) match; nil when none does. Two templates
// that match the same path with as many literals would be a table error
// (TestTableUnambiguous).
func matchRoute(method string, segs []string) *entry {
	var best *entry
	for i := range table[len(segs)] {
		e := &table[len(segs)][i]
		if e.method != method || !e.matches(segs) {
			continue
		}
		if best == nil || e.literals > best.literals {
			best = e
		}
	}
	return best
}

func (e *entry) matches(segs []string) bool {
	for i, t := range e.segs {
		if isParam(t) {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if !asciiEqualFold(segs[i], t) {
			return false
		}
	}
	return true
}

// route builds the Route of a request that matched e; segs is the whole
// path's segments, rewritten in place to the template's literals.
func (e *entry) route(method string, segs []string) Route {
	params := map[string]string{}
	under := segs[len(baseSegs):]
	copy(segs, baseSegs)
	for i, t := range e.segs {
		if isParam(t) {
			params[t[1:len(t)-1]] = under[i]
		} else {
			under[i] = t
		}
	}
	s := e.spec
	r := Route{
		Method:        method,
		Template:      BasePath + s.path,
		Kind:          s.kind,
		InteractionID: params["id"],
		segments:      segs,
	}
	if s.kind != Decided {
		return r
	}
	r.Operation, r.Shape, r.Release, r.required = s.op, s.shape, s.release, s.required
	r.Request = fmt.Sprintf("workspace.%s.%s", s.group, e.segs[len(e.segs)-1])
	switch s.group {
	case "voice":
		r.MediaType = "voice"
	case "media", "chat":
		r.MediaType = params["mediatype"]
		if r.MediaType == "" {
			r.MediaType = e.segs[1] // /media/email/..., /media/chat/...
		}
	}
	return r
}
