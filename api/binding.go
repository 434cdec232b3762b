package api

import (
	"fmt"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// field is one named value of a call: a positional parameter of a SCAPI
// request, a member of a REST body or a REST path parameter. It binds the
// value from the wire onto the call, validated, and renders it from a
// command for the service's REST contract.
type field struct {
	name     string
	optional bool
	bind     func(v *validator, cl *call, raw any) error
	render   func(cmd wwe.Command) (any, bool) // in a REST body; false: absent (nil: never in a body)
}

// The fields of the Interaction namespace's calls.
var (
	interactionIDField = field{name: "interactionId",
		bind: func(v *validator, cl *call, raw any) (err error) {
			cl.interactionID, err = v.id("interactionId", raw)
			return err
		}}
	caseIDField = field{name: "caseId",
		bind: func(v *validator, cl *call, raw any) (err error) { cl.caseID, err = v.id("caseId", raw); return err }}
	keyField = field{name: "key",
		bind: func(v *validator, cl *call, raw any) (err error) { cl.key, err = v.id("key", raw); return err }}
	keyValuesField = field{name: "keyValues",
		bind: func(v *validator, cl *call, raw any) (err error) {
			if cl.keyValues, err = v.userData("keyValues", raw); err == nil && len(cl.keyValues) == 0 {
				err = invalid("keyValues must not be empty")
			}
			return err
		}}
	warningMessageField = field{name: "warningMessage",
		bind: func(_ *validator, cl *call, raw any) error {
			msg, ok := raw.(string)
			if !ok || msg == "" {
				return invalid("warningMessage must be a non-empty string")
			}
			cl.warningMessage = &msg
			return nil
		},
		render: func(cmd wwe.Command) (any, bool) { return cmd.WarningMessage, true }}
	targetField = field{name: "target",
		bind:   func(v *validator, cl *call, raw any) (err error) { cl.target, err = v.target(raw); return err },
		render: func(cmd wwe.Command) (any, bool) { return cmd.Target, true }}
	userDataField = field{name: "userData", optional: true,
		bind: func(v *validator, cl *call, raw any) (err error) {
			cl.keyValues, err = v.optionalUserData("userData", raw)
			return err
		},
		render: func(cmd wwe.Command) (any, bool) { return cmd.KeyValues, len(cmd.KeyValues) > 0 }}
	extensionsField = field{name: "extensions", optional: true,
		bind: func(v *validator, cl *call, raw any) (err error) {
			cl.extensions, err = v.optionalUserData("extensions", raw)
			return err
		},
		render: func(cmd wwe.Command) (any, bool) { return cmd.Extensions, len(cmd.Extensions) > 0 }}
)

// pathParams are the parameters of REST paths: the name error messages
// give each, where it goes in a call, and where it comes from in a command.
var pathParams = map[string]struct {
	what   string
	set    func(cl *call, s string)
	render func(cmd wwe.Command) string
}{
	":id":     {"interactionId", func(cl *call, s string) { cl.interactionID = s }, func(cmd wwe.Command) string { return cmd.InteractionID }},
	":caseId": {"caseId", func(cl *call, s string) { cl.caseID = s }, func(cmd wwe.Command) string { return cmd.CaseID }},
	":key":    {"user data key", func(cl *call, s string) { cl.key = s }, func(cmd wwe.Command) string { return cmd.Key }},
}

// restBody says what the body of a REST route holds.
type restBody struct {
	keyValues bool    // the body is the key/value object itself
	fields    []field // else, a JSON object with these members (nil: no body)
}

var (
	noBody        = restBody{}
	keyValuesBody = restBody{keyValues: true}
)

// objectBody is a JSON object body with the given members.
func objectBody(fields ...field) restBody { return restBody{fields: fields} }

// restRoute is one route of the REST door.
type restRoute struct {
	method, path string // path below /v1, with :id, :caseId, :key parameters
	op           wwe.Operation
	body         restBody
}

// routeSegments holds the segments of every REST route's path, by path,
// split once rather than on every request.
var routeSegments = func() map[string][]string {
	out := make(map[string][]string, len(restRoutes))
	for _, r := range restRoutes {
		out[r.path] = strings.Split(strings.TrimPrefix(r.path, "/"), "/")
	}
	return out
}()

// pathSegments returns the segments of r's path, split once.
func (r restRoute) pathSegments() []string { return routeSegments[r.path] }

// scapiRequest is the positional parameters of one SCAPI request.
type scapiRequest struct {
	op     wwe.Operation
	params []field
}

// arity checks the number of positional parameters of r.
func (r scapiRequest) arity(n int) error {
	min := 0
	for _, f := range r.params {
		if !f.optional {
			min++
		}
	}
	max := len(r.params)
	if n >= min && n <= max {
		return nil
	}
	if min == max {
		return invalid("%s takes %d parameter(s), got %d", r.op.Request(), min, n)
	}
	return invalid("%s takes %d to %d parameters, got %d", r.op.Request(), min, max, n)
}

// RESTRequest is the request of the /v1 REST contract that performs cmd, as
// the routes of the REST door give it: its method, its path below /v1 as
// unescaped segments, and its JSON body (nil for none).
func RESTRequest(cmd wwe.Command) (method string, segments []string, body any, err error) {
	for _, r := range restRoutes {
		if r.op != cmd.Op {
			continue
		}
		for _, seg := range r.pathSegments() {
			if p, ok := pathParams[seg]; ok {
				seg = p.render(cmd)
			}
			segments = append(segments, seg)
		}
		switch {
		case r.body.keyValues:
			body = cmd.KeyValues
		case r.body.fields != nil:
			obj := map[string]any{}
			for _, f := range r.body.fields {
				if v, ok := f.render(cmd); ok {
					obj[f.name] = v
				}
			}
			body = obj
		}
		return r.method, segments, body, nil
	}
	return "", nil, nil, fmt.Errorf("no REST route performs %s", cmd.Op)
}
