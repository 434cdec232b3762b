package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

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
	return c.JSON(statusOf(e.Code), scapiError{
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
	doc, err := decodeJSON(body, s.limits.MaxDepth+nestingSlack)
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
	cl := &call{op: env.op, caller: caller(c.Request())}
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
	if r.ContentLength > s.limits.MaxBodyBytes {
		refused = tooLarge(s.limits.MaxBodyBytes)
	}
	body, err := s.readLimited(c)
	if refused != nil {
		return body, refused
	}
	return body, err
}

// bindParams maps the positional parameters of op onto cl.
func (s *Server) bindParams(cl *call, params []any) error {
	v := &validator{lim: s.limits}
	arity := func(min, max int) error {
		if len(params) < min || len(params) > max {
			if min == max {
				return invalid("%s takes %d parameter(s), got %d", cl.op.Request(), min, len(params))
			}
			return invalid("%s takes %d to %d parameters, got %d", cl.op.Request(), min, max, len(params))
		}
		return nil
	}
	at := func(i int) any {
		if i < len(params) {
			return params[i]
		}
		return nil
	}
	var err error
	switch cl.op {
	case wwe.OpGetInteractions:
		return arity(0, 0)
	case wwe.OpSelectCaseByCaseID:
		if err = arity(1, 1); err == nil {
			cl.caseID, err = v.id("caseId", at(0))
		}
		return err
	}
	switch cl.op {
	case wwe.OpSetUserData, wwe.OpDeleteUserData, wwe.OpBlockMarkdone:
		err = arity(2, 2)
	case wwe.OpConsult, wwe.OpSingleStepTransfer, wwe.OpSingleStepConference:
		err = arity(2, 4)
	default:
		err = arity(1, 1)
	}
	if err != nil {
		return err
	}
	if cl.interactionID, err = v.id("interactionId", at(0)); err != nil {
		return err
	}
	switch cl.op {
	case wwe.OpSetUserData:
		if cl.keyValues, err = v.userData("keyValues", at(1)); err == nil && len(cl.keyValues) == 0 {
			err = invalid("keyValues must not be empty")
		}
	case wwe.OpDeleteUserData:
		cl.key, err = v.id("key", at(1))
	case wwe.OpBlockMarkdone:
		msg, ok := at(1).(string)
		if !ok || msg == "" {
			return invalid("warningMessage must be a non-empty string")
		}
		cl.warningMessage = &msg
	case wwe.OpConsult, wwe.OpSingleStepTransfer, wwe.OpSingleStepConference:
		if cl.target, err = v.target(at(1)); err != nil {
			return err
		}
		if cl.keyValues, err = v.optionalUserData("userData", at(2)); err != nil {
			return err
		}
		cl.extensions, err = v.optionalUserData("extensions", at(3))
	}
	return err
}
