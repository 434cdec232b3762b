package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// keepAliveInterval is how often an idle event stream gets a comment line.
const keepAliveInterval = 15 * time.Second

// defaultStreamWriteTimeout bounds the write of one message to an event
// stream (DESIGN.md §9.1): a subscriber that stops reading is cut off
// instead of holding its handler in a write forever.
const defaultStreamWriteTimeout = 10 * time.Second

// events serves GET /v1/events?subscribe=interaction,markdone as
// Server-Sent Events: the service's events, user data filtered by each
// event's read decision, merged with the guard's own markdone events. The
// stream is one member of the server's shared feed.
func (s *Server) events(c echo.Context) error {
	want, err := subscriptions(c.QueryParam("subscribe"))
	if err != nil {
		return s.fail(c, restReply{}, err)
	}
	cl := &call{op: wwe.OpSubscribe, door: policy.DoorV1, caller: s.caller(c.Request())}
	m, leave, err := s.subscribe(c, cl, want)
	if err != nil {
		return s.fail(c, restReply{}, err)
	}
	defer leave()

	ctx := c.Request().Context()
	w := c.Response()
	rc := http.NewResponseController(w.Writer)
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set(echo.HeaderCacheControl, "no-cache")
	w.WriteHeader(http.StatusOK)
	send := func(b []byte) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(s.streamWriteTimeout)); err != nil {
			return false
		}
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(nil) {
		return nil
	}
	ping := time.NewTicker(keepAliveInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.stopping:
			return nil // the server is shutting down: end the stream cleanly
		case <-ping.C:
			if !send(keepAlive) {
				return nil
			}
		case frame, ok := <-m.frames:
			if !ok || !send(frame) {
				return nil // cut off (fell behind, the source went away) or too slow to take it
			}
		}
	}
}

var keepAlive = []byte(": keep-alive\n\n")

// subscriptions parses the subscribe parameter; empty means every event.
func subscriptions(param string) (map[string]bool, error) {
	if param == "" {
		return map[string]bool{wwe.EventInteraction: true, wwe.EventMarkdone: true}, nil
	}
	names := strings.Split(param, ",")
	for i, name := range names {
		names[i] = strings.TrimSpace(name)
	}
	return wantEvents(names)
}

// wantEvents is the events names subscribes to, each a known one: the
// subscribe parameter's and a socket's subscribe data alike.
func wantEvents(names []string) (map[string]bool, error) {
	want := map[string]bool{wwe.EventInteraction: false, wwe.EventMarkdone: false}
	for _, name := range names {
		if _, known := want[name]; !known {
			return nil, invalid("unknown event %q: subscribe to interaction and/or markdone", name)
		}
		want[name] = true
	}
	return want, nil
}

// subscribe decides cl's subscription to the events want names, as every
// door does: rate limits, the decision (its id set on c's response), then
// a member of the feed, which leave ends.
func (s *Server) subscribe(c echo.Context, cl *call, want map[string]bool) (*subscriber, func(), error) {
	d := s.currentDecider()
	if d == nil {
		return nil, nil, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet")
	}
	ctx := c.Request().Context()
	if err := s.limit(ctx, d, cl); err != nil {
		return nil, nil, err
	}
	dec, err := s.decide(ctx, d, cl.input(nil))
	if err != nil {
		return nil, nil, err
	}
	c.Response().Header().Set(headerDecisionID, dec.ID)
	if dec.Verdict.Action == policy.Refuse {
		return nil, nil, dec.Verdict.Err
	}
	return s.join(cl, want)
}
