package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// scapiReply answers in the SCAPI reply envelope, echoing the referenceId.
type scapiReply struct {
	op          wwe.Operation
	referenceID any
}

func (r *scapiReply) result(c echo.Context, _ int, v any) error {
	return c.JSON(http.StatusOK, map[string]any{
		"referenceId": r.referenceID, "result": v,
		"userAgent": wwe.ServerUserAgent, "protocolVersion": wwe.ProtocolVersion,
	})
}

func (r *scapiReply) failure(c echo.Context, e *wwe.Error) error {
	if r.op == wwe.OpGetByInteractionID && e.Code == wwe.CodeInteractionNotFound {
		// SCAPI answers null for an unknown id.
		return r.result(c, http.StatusOK, nil)
	}
	return c.JSON(e.Code.Status(), scapiError{
		ReferenceID: r.referenceID, Error: e,
		UserAgent: wwe.ServerUserAgent, ProtocolVersion: wwe.ProtocolVersion,
	})
}

// scapiError is the failure reply: the error fields plus the envelope.
type scapiError struct {
	ReferenceID any `json:"referenceId"`
	*wwe.Error
	UserAgent       string `json:"userAgent"`
	ProtocolVersion int    `json:"protocolVersion"`
}

// bindSCAPI decodes the envelope of POST /v1/scapi into a call. Whatever
// goes wrong, the reply carries the referenceId whenever it can be read from
// the bytes received (DESIGN.md §2.2), so the client can match it.
func (s *Server) bindSCAPI(c echo.Context) (*call, *scapiReply, error) {
	reply := &scapiReply{}
	body, err := s.readEnvelope(c)
	if err != nil {
		reply.referenceID = scanReferenceID(body)
		return nil, reply, err
	}
	doc, err := decodeJSON(body, s.lim().MaxDepth+nestingSlack)
	if err != nil {
		reply.referenceID = scanReferenceID(body)
		return nil, reply, err
	}
	obj, ok := doc.(object)
	if !ok {
		return nil, reply, invalid("SCAPI envelope must be a JSON object")
	}
	env, err := parseEnvelope(obj)
	reply.referenceID, reply.op = env.referenceID, env.op
	if err != nil {
		return nil, reply, err
	}
	cl := &call{op: env.op, door: policy.DoorSCAPI, caller: s.caller(c.Request())}
	cl.caller.FrameID = env.frameID
	if err := s.bindParams(cl, env.parameters); err != nil {
		return nil, reply, err
	}
	return cl, reply, nil
}

// readEnvelope reads the body of an envelope. Unlike readBody it reads a
// body it refuses (not JSON, or a Content-Length over the limit) too, up to
// the limit, so that the reply can still echo the referenceId in it.
func (s *Server) readEnvelope(c echo.Context) ([]byte, error) {
	r := c.Request()
	refused := jsonContent(r)
	if r.ContentLength > s.lim().MaxBodyBytes {
		refused = tooLarge(s.lim().MaxBodyBytes)
	}
	body, err := s.readLimited(c)
	if refused != nil {
		return body, refused
	}
	return body, err
}

// bindParams maps the positional parameters of cl's request onto cl, as
// scapiRequests lists them.
func (s *Server) bindParams(cl *call, params []any) error {
	r, ok := scapiRequests[cl.op]
	if !ok {
		return invalid("unknown request %q", cl.op.Request())
	}
	if err := r.arity(len(params)); err != nil {
		return err
	}
	v := &validator{lim: s.lim()}
	for i, f := range r.params {
		var raw any
		if i < len(params) {
			raw = params[i]
		}
		if err := f.bind(v, cl, raw); err != nil {
			return err
		}
	}
	return nil
}
