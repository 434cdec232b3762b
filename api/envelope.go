package api

import (
	"encoding/json"
	"strconv"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// envelope is a SCAPI request envelope (DESIGN.md §2.2) whose fields have
// their types: request a non-empty string naming a method, parameters an
// array (absent: none), referenceId a non-empty string or a number,
// userAgent a string, protocolVersion an integer, frameId a string or a
// number. Only request is required; the others are optional, as a client
// that posts envelopes over HTTP matches replies by its connection.
type envelope struct {
	op          wwe.Operation
	event       string // on a socket: subscribe or unsubscribe, instead of a request
	data        any    // the event's data
	parameters  []any
	referenceID any // a string or a json.Number; nil when absent or of another type
	frameID     policy.FrameID
}

// parseEnvelope checks the fields of obj in document order and reports the
// first problem. The referenceId is read first, so that a reply to an
// envelope refused for any other reason still echoes it.
func parseEnvelope(obj object) (envelope, error) { return parseMessage(obj, false) }

// parseMessage is parseEnvelope for a message of the SCAPI socket too
// (events): there a message is either a request or a subscribe or
// unsubscribe event with its data (DESIGN.md §2.5).
func parseMessage(obj object, events bool) (envelope, error) {
	var env envelope
	hasData := false
	if raw, ok := obj.get("referenceId"); ok {
		env.referenceID = referenceID(raw)
	}
	hasRequest := false
	for _, m := range obj {
		switch m.name {
		case "request":
			name, ok := m.value.(string)
			if !ok || name == "" {
				return env, invalid("request must be a string naming an Interaction method")
			}
			op, ok := wwe.ParseRequest(name)
			if !ok || op == wwe.OpSubscribe {
				return env, invalid("unknown request %q", name)
			}
			env.op, hasRequest = op, true
		case "parameters":
			params, ok := m.value.([]any)
			if !ok {
				return env, invalid("parameters must be an array")
			}
			env.parameters = params
		case "referenceId":
			if env.referenceID == nil {
				return env, invalid("referenceId must be a non-empty string or a number")
			}
		case "userAgent":
			if _, ok := m.value.(string); !ok {
				return env, invalid("userAgent must be a string")
			}
		case "protocolVersion":
			if n, ok := m.value.(json.Number); !ok || !isInteger(n) {
				return env, invalid("protocolVersion must be an integer")
			}
		case "frameId":
			switch x := m.value.(type) {
			case string:
				env.frameID = policy.FrameID{Value: x}
			case json.Number:
				env.frameID = policy.FrameID{Value: x.String(), Number: true}
			default:
				return env, invalid("frameId must be a string or a number")
			}
		case "event":
			if !events {
				return env, invalid("unknown envelope field %q", m.name)
			}
			name, _ := m.value.(string)
			if name != eventSubscribe && name != eventUnsubscribe {
				return env, invalid("event must be %q or %q", eventSubscribe, eventUnsubscribe)
			}
			env.event = name
		case "data":
			if !events {
				return env, invalid("unknown envelope field %q", m.name)
			}
			env.data, hasData = m.value, true
		default:
			return env, invalid("unknown envelope field %q", m.name)
		}
	}
	switch {
	case env.event != "" && (hasRequest || env.parameters != nil):
		return env, invalid("a %s message carries no request or parameters", env.event)
	case env.event != "":
		return env, nil
	case hasData:
		return env, invalid("data goes with a subscribe or unsubscribe event")
	}
	if !hasRequest {
		return env, invalid("request is required")
	}
	return env, nil
}

// referenceID returns raw when it is a usable referenceId (a non-empty
// string or a number), else nil.
func referenceID(raw any) any {
	switch x := raw.(type) {
	case string:
		if x != "" {
			return x
		}
	case json.Number:
		return x
	}
	return nil
}

// isInteger reports whether n is written as an integer in the int64 range
// (no fraction, no exponent), as user-data integers are.
func isInteger(n json.Number) bool {
	_, err := strconv.ParseInt(n.String(), 10, 64)
	return err == nil
}
