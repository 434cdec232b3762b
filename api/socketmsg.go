package api

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// The events a frame sends on the socket (DESIGN.md §2.5).
const (
	eventSubscribe   = "subscribe"
	eventUnsubscribe = "unsubscribe"
)

// stampField is the frame origin a relay stamps on every message.
const stampField = "callerOrigin"

// maxStampBytes bounds a stamped origin as the Origin header is bounded.
const maxStampBytes = 512

// subscription is one subscribe of a socket.
type subscription struct {
	m     *subscriber
	leave func()
}

// handle answers one message. A request runs on a goroutine of its own,
// so that requests on one socket are in flight together; its slot is freed
// when its reply is queued.
func (k *socket) handle(msg []byte) {
	done := func() { <-k.slots }
	rp := &scapiReply{}
	fail := func(err error) {
		k.answer(func(c echo.Context) error { return k.s.fail(c, rp, err) })
		done()
	}
	doc, err := decodeJSON(msg, k.s.lim().MaxDepth+nestingSlack)
	if err != nil {
		rp.referenceID = scanReferenceID(msg)
		fail(err)
		return
	}
	obj, ok := doc.(object)
	if !ok {
		fail(invalid("a SCAPI message must be a JSON object"))
		return
	}
	if raw, ok := obj.get("referenceId"); ok {
		rp.referenceID = referenceID(raw)
	}
	if !k.authed.Load() {
		defer done()
		if err := k.authenticate(obj); errors.Is(err, errBadToken) {
			k.last(rp, err, websocket.StatusPolicyViolation, "authentication failed")
		} else if err != nil {
			k.answer(func(c echo.Context) error { return k.s.fail(c, rp, err) })
		}
		return
	}
	stamp, stamped := obj.get(stampField)
	if stamped {
		obj = obj.without(stampField)
	}
	env, err := parseMessage(obj, true)
	rp.op = env.op
	if err != nil {
		fail(err)
		return
	}
	cl := &call{op: env.op, door: policy.DoorSCAPI}
	if cl.caller, err = k.caller(stamp, stamped); err != nil {
		fail(err)
		return
	}
	cl.caller.FrameID = env.frameID
	cl.relayed = k.relayed
	switch env.event {
	case eventSubscribe:
		k.subscribe(cl, env.data, rp)
		done()
	case eventUnsubscribe:
		k.unsubscribe(env.data, rp)
		done()
	default:
		go func() {
			defer done()
			k.answer(func(c echo.Context) error {
				if err := k.s.bindParams(cl, env.parameters); err != nil {
					return k.s.fail(c, rp, err)
				}
				return k.s.process(c, cl, rp)
			})
		}()
	}
}

// errBadToken is a token that failed: the socket closes after saying so.
var errBadToken = wwe.Errorf(wwe.CodeUnauthenticated, "the credential is not valid")

// authenticate takes the token of a socket's first message, {"token":
// "..."} from POST /v1/scapi/token. Any other message before it is refused
// and the socket stays open; a token that fails (errBadToken) closes it.
func (k *socket) authenticate(obj object) error {
	raw, ok := obj.get("token")
	token, _ := raw.(string)
	if !ok || token == "" {
		return wwe.Errorf(wwe.CodeUnauthenticated, `a credential is required: send {"token": ...} from POST /v1/scapi/token first`)
	}
	who, err := k.s.tokens.Verify(token)
	if err != nil {
		k.s.log.Info("SCAPI socket authentication failed", "err", err)
		return errBadToken
	}
	k.authenticated(who)
	return nil
}

// caller is who sends a message: the socket's identity, and as origin the
// handshake's Origin or, on a relay's socket, the frame origin the relay
// stamped ("null": none). A stamp anywhere else, or no stamp on a relay's
// socket, is refused.
func (k *socket) caller(stamp any, stamped bool) (policy.Caller, error) {
	who := policy.Caller{Origin: k.origin, Application: k.who.Application, AgentID: k.who.AgentID}
	switch {
	case !k.relayed && stamped:
		return who, wwe.Errorf(wwe.CodeRequestNotAllowed, "callerOrigin is taken only on a listed relay's socket")
	case !k.relayed:
		return who, nil
	case !stamped:
		return who, wwe.Errorf(wwe.CodeRequestNotAllowed, "a relay's message must carry the frame's callerOrigin")
	}
	origin, ok := stamp.(string)
	if !ok || origin == "" || len(origin) > maxStampBytes {
		return who, invalid("callerOrigin must be the frame's origin, a string of at most %d bytes", maxStampBytes)
	}
	if origin == "null" {
		origin = ""
	}
	who.Origin = origin
	return who, nil
}

// subscribe decides the subscription cl to the events data names, as
// GET /v1/events does, and answers its subscriptionId; its events follow.
func (k *socket) subscribe(cl *call, data any, rp *scapiReply) {
	cl.op, rp.op = wwe.OpSubscribe, wwe.OpSubscribe
	var sub *subscription
	var id string
	k.answer(func(c echo.Context) error {
		want, err := eventNames(data)
		if err != nil {
			return k.s.fail(c, rp, err)
		}
		k.mu.Lock()
		full := len(k.subs) >= socketSubs
		k.mu.Unlock()
		if full {
			return k.s.fail(c, rp, invalid("at most %d subscriptions on one socket: unsubscribe one first", socketSubs))
		}
		m, leave, err := k.s.subscribe(c, cl, want)
		if err != nil {
			return k.s.fail(c, rp, err)
		}
		sub = &subscription{m: m, leave: leave}
		k.mu.Lock()
		k.lastSub++
		id = strconv.Itoa(k.lastSub)
		k.subs[id] = sub
		k.mu.Unlock()
		return c.JSON(http.StatusOK, map[string]any{
			"referenceId": rp.referenceID, "subscriptionId": id,
			"userAgent": wwe.ServerUserAgent, "protocolVersion": wwe.ProtocolVersion,
		})
	})
	if sub != nil {
		go k.forward(id, sub.m)
	}
}

// forward queues the events of one subscription. When the feed cuts it off
// (it fell behind, or the service's stream broke) the socket is closed, so
// the client reconnects and reads afresh rather than miss events.
func (k *socket) forward(id string, m *subscriber) {
	for frame := range m.frames {
		k.enqueue(eventMessage(frame))
	}
	k.mu.Lock()
	_, open := k.subs[id]
	k.mu.Unlock()
	if open {
		k.close(websocket.StatusTryAgainLater, "the event stream ended")
	}
}

// eventMessage is the JSON of an event-stream frame ("data: {...}\n\n").
func eventMessage(frame []byte) []byte {
	return bytes.TrimSuffix(bytes.TrimPrefix(frame, []byte("data: ")), []byte("\n\n"))
}

// unsubscribe ends the subscription data names; it is always allowed.
func (k *socket) unsubscribe(data any, rp *scapiReply) {
	k.answer(func(c echo.Context) error {
		id, _ := data.(string)
		k.mu.Lock()
		sub, ok := k.subs[id]
		delete(k.subs, id)
		k.mu.Unlock()
		if !ok {
			return k.s.fail(c, rp, invalid("unknown subscriptionId %q", id))
		}
		sub.leave()
		return rp.result(c, http.StatusOK, nil)
	})
}

// eventNames reads a subscribe's data: a non-empty array of event names.
func eventNames(data any) (map[string]bool, error) {
	items, ok := data.([]any)
	if !ok || len(items) == 0 {
		return nil, invalid("subscribe data must be an array of event names: interaction, markdone")
	}
	names := make([]string, len(items))
	for i, item := range items {
		if names[i], ok = item.(string); !ok {
			return nil, invalid("subscribe data must be an array of event names: interaction, markdone")
		}
	}
	return wantEvents(names)
}
