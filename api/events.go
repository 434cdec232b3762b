package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// keepAliveInterval is how often an idle event stream gets a comment line.
const keepAliveInterval = 15 * time.Second

// events serves GET /v1/events?subscribe=interaction,markdone as
// Server-Sent Events: the service's events, user data filtered by each
// event's read decision, merged with the guard's own markdone events.
func (s *Server) events(c echo.Context) error {
	want, err := subscriptions(c.QueryParam("subscribe"))
	if err != nil {
		return s.fail(c, restReply{}, err)
	}
	cl := &call{op: wwe.OpSubscribe, caller: caller(c.Request())}
	d := s.currentDecider()
	if d == nil {
		return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet"))
	}
	if err := s.rate.allow(cl.caller.Origin, cl.op); err != nil {
		return s.fail(c, restReply{}, err)
	}
	dec, err := s.decide(c.Request().Context(), d, cl.input(nil))
	if err != nil {
		return s.fail(c, restReply{}, err)
	}
	c.Response().Header().Set(headerDecisionID, dec.ID)
	if dec.Verdict.Action == guard.Refuse {
		return s.fail(c, restReply{}, dec.Verdict.Err)
	}
	ctx, cancel := context.WithCancel(c.Request().Context())
	defer cancel()
	upstream, err := s.svc.Subscribe(ctx)
	if err != nil {
		return s.fail(c, restReply{}, err)
	}
	own := s.hub.Subscribe(ctx)

	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set(echo.HeaderCacheControl, "no-cache")
	w.WriteHeader(http.StatusOK)
	w.Flush()
	ping := time.NewTicker(keepAliveInterval)
	defer ping.Stop()
	for {
		var ev wwe.Event
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case <-ping.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return nil
			}
			w.Flush()
			continue
		case ev, ok = <-upstream:
		case ev, ok = <-own:
		}
		if !ok {
			return nil // the source went away or this stream fell behind
		}
		if !want[ev.Event] {
			continue
		}
		out, send := s.readableEvent(ctx, d, cl, ev)
		if !send {
			continue
		}
		line, err := json.Marshal(out)
		if err != nil {
			s.log.Error("encode event", "err", err)
			continue
		}
		if _, err := w.Write(append(append([]byte("data: "), line...), '\n', '\n')); err != nil {
			return nil
		}
		w.Flush()
	}
}

// readableEvent filters the interaction an event carries by its own read
// decision. An event whose read cannot be decided, or is refused, is not
// sent: the stream fails closed.
func (s *Server) readableEvent(ctx context.Context, d Decider, cl *call, ev wwe.Event) (wwe.Event, bool) {
	if ev.Data.Interaction == nil {
		return ev, true
	}
	dec, err := s.decide(ctx, d, cl.input(ev.Data.Interaction))
	if err != nil || dec.Verdict.Action == guard.Refuse {
		return ev, false
	}
	ev.Data.Interaction = readable(ev.Data.Interaction, dec)
	return ev, true
}

// subscriptions parses the subscribe parameter; empty means every event.
func subscriptions(param string) (map[string]bool, error) {
	want := map[string]bool{wwe.EventInteraction: param == "", wwe.EventMarkdone: param == ""}
	if param == "" {
		return want, nil
	}
	for _, name := range strings.Split(param, ",") {
		name = strings.TrimSpace(name)
		if _, known := want[name]; !known {
			return nil, invalid("unknown event %q: subscribe to interaction and/or markdone", name)
		}
		want[name] = true
	}
	return want, nil
}
