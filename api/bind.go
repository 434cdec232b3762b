package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// nestingSlack is how many levels of JSON a body may open around a value
// (envelope, parameters, key/value object) on top of Limits.MaxDepth.
const nestingSlack = 4

// readBody reads a JSON request body within the configured size limit and
// decodes it. A body over the limit is refused whatever its transfer
// encoding; one whose Content-Length is over the limit is not read at all.
func (s *Server) readBody(c echo.Context) (any, error) {
	r := c.Request()
	if r.ContentLength > s.lim().MaxBodyBytes {
		return nil, tooLarge(s.lim().MaxBodyBytes)
	}
	if err := jsonContent(r); err != nil {
		return nil, err
	}
	body, err := s.readLimited(c)
	if err != nil {
		return nil, err
	}
	return decodeJSON(body, s.lim().MaxDepth+nestingSlack)
}

// jsonContent refuses a request whose body is not declared as JSON.
func jsonContent(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON {
		return wwe.Errorf(wwe.CodeUnsupportedMediaType, "request body must be application/json")
	}
	return nil
}

// readLimited reads the request body, at most MaxBodyBytes of it. When it
// refuses the body (over the limit, unreadable, empty) it still returns
// what it read, which the SCAPI door searches for a referenceId.
func (s *Server) readLimited(c echo.Context) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, s.lim().MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return body, tooLarge(s.lim().MaxBodyBytes)
		}
		return body, invalid("request body could not be read")
	}
	if len(body) == 0 {
		return body, invalid("request body is empty")
	}
	return body, nil
}

func tooLarge(limit int64) *wwe.Error {
	return wwe.Errorf(wwe.CodeRequestTooLarge, "request body is larger than %d bytes", limit)
}

// pathParam returns the path parameter name of c, percent-decoded exactly
// once. Echo matches routes against the request's raw path when it has one
// (the client escaped something that did not need it, or a '/'), and then
// the parameter is still escaped; otherwise it matches the decoded path and
// the parameter is decoded already.
func pathParam(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil
	}
	v, err := url.PathUnescape(v)
	if err != nil {
		return "", invalid("path parameter %s is not properly escaped", name)
	}
	return v, nil
}

// caller identifies who sent r: its Origin and who it authenticated as.
func (s *Server) caller(r *http.Request) policy.Caller {
	who := s.identity(r)
	return policy.Caller{Origin: r.Header.Get(echo.HeaderOrigin), Application: who.Application, AgentID: who.AgentID}
}

// bindREST builds the call of the REST route r from the path and body.
func (s *Server) bindREST(c echo.Context, r restRoute) (*call, error) {
	cl := &call{op: r.op, door: policy.DoorV1, caller: s.caller(c.Request())}
	if s.trustCallerApplication && c.Request().Header.Get(HeaderCallerRelayed) == "true" {
		cl.relayed = true
	}
	v := &validator{lim: s.lim()}
	var err error
	if r.op.Writes() {
		if cl.ifMatch, err = ifMatch(c.Request()); err != nil {
			return nil, err
		}
	}
	for _, seg := range r.pathSegments() {
		p, ok := pathParams[seg]
		if !ok {
			continue
		}
		value, err := s.param(c, v, seg[1:], p.what)
		if err != nil {
			return nil, err
		}
		p.set(cl, value)
	}
	switch {
	case r.body.keyValues:
		var body any
		if body, err = s.readBody(c); err == nil {
			cl.keyValues, err = v.userData("user data", body)
			if err == nil && len(cl.keyValues) == 0 {
				err = invalid("user data must not be empty")
			}
		}
	case r.body.fields != nil:
		err = s.bindObject(c, v, cl, r.body.fields)
	}
	if err != nil {
		return nil, err
	}
	return cl, nil
}

func (s *Server) param(c echo.Context, v *validator, name, what string) (string, error) {
	raw, err := pathParam(c, name)
	if err != nil {
		return "", err
	}
	return raw, v.segment(what, raw)
}

// bindObject reads a JSON object body whose members are among fields, in
// document order (the first problem written is the one reported); every
// field that is not optional must be present.
func (s *Server) bindObject(c echo.Context, v *validator, cl *call, fields []field) error {
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	obj, ok := body.(object)
	if !ok {
		return invalid("request body must be a JSON object")
	}
	for _, m := range obj {
		i := slices.IndexFunc(fields, func(f field) bool { return f.name == m.name })
		if i < 0 {
			return invalid("unknown field %q", m.name)
		}
		if err := fields[i].bind(v, cl, m.value); err != nil {
			return err
		}
	}
	for _, f := range fields {
		if _, ok := obj.get(f.name); !ok && !f.optional {
			return invalid("%s is required", f.name)
		}
	}
	return nil
}

// ifMatch reads the If-Match header: one entity tag, a revision of the
// interaction as its ETag gave it ("<boot>.<version>"). Absent, or "*": no
// condition. A bare version is refused: it may name a state of another
// lifetime of the service.
func ifMatch(r *http.Request) (wwe.Revision, error) {
	raw := strings.TrimSpace(r.Header.Get("If-Match"))
	if raw == "" || raw == "*" {
		return wwe.Revision{}, nil
	}
	rev, ok := wwe.ParseETag(raw)
	if !ok {
		return wwe.Revision{}, invalid("If-Match must be the interaction's ETag, e.g. \"5f3a9c.7\"")
	}
	return rev, nil
}
