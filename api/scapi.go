package api

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// envelopeFields are the fields of a SCAPI request envelope; any other field
// makes the envelope invalid.
var envelopeFields = map[string]bool{
	"request": true, "parameters": true, "referenceId": true,
	"userAgent": true, "protocolVersion": true, "frameId": true,
}

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

// bindSCAPI decodes the envelope of POST /v1/scapi into a call. The reply
// is usable (with the referenceId) as soon as the envelope is an object.
func (s *Server) bindSCAPI(c echo.Context) (*call, *scapiReply, error) {
	reply := &scapiReply{}
	body, err := s.readBody(c)
	if err != nil {
		return nil, reply, err
	}
	env, ok := body.(map[string]any)
	if !ok {
		return nil, reply, invalid("SCAPI envelope must be a JSON object")
	}
	reply.referenceID = env["referenceId"]
	for name := range env {
		if !envelopeFields[name] {
			return nil, reply, invalid("unknown envelope field %q", name)
		}
	}
	switch env["referenceId"].(type) {
	case string, json.Number, nil:
	default:
		return nil, reply, invalid("referenceId must be a string or a number")
	}
	name, ok := env["request"].(string)
	if !ok {
		return nil, reply, invalid("request must be a string naming an Interaction method")
	}
	op, ok := wwe.ParseRequest(name)
	if !ok || op == wwe.OpSubscribe {
		return nil, reply, invalid("unknown request %q", name)
	}
	reply.op = op
	var params []any
	switch p := env["parameters"].(type) {
	case nil:
	case []any:
		params = p
	default:
		return nil, reply, invalid("parameters must be an array")
	}
	for _, f := range []string{"userAgent", "frameId"} {
		if _, isString := env[f].(string); env[f] != nil && !isString {
			return nil, reply, invalid("%s must be a string", f)
		}
	}
	cl := &call{op: op, caller: caller(c.Request())}
	cl.caller.FrameID, _ = env["frameId"].(string)
	if err := s.bindParams(cl, params); err != nil {
		return nil, reply, err
	}
	return cl, reply, nil
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
