package api

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/workspace"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// v3Readable is GWS's reply body as the client may read it (DESIGN.md
// §8.1, reads filtered by shape): every object in it that carries user data
// — a call, an interaction, an event's payload, wherever it sits — loses
// the pairs the read decision on that object hides; an object the policies
// refuse to show loses all of them. A reply that is not JSON carries no
// user data a client could read and is relayed as it is; a decision that
// cannot be made fails the whole reply.
func (s *Server) v3Readable(x *v3Exchange, rep *v3Reply) ([]byte, error) {
	d := s.currentDecider()
	if d == nil {
		return nil, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet")
	}
	out, err := workspace.Filter(rep.body, func(obj workspace.Object) ([]string, error) {
		return s.v3Hidden(x, d, obj)
	})
	if errors.Is(err, workspace.ErrFilter) {
		return rep.body, nil // not JSON: relayed as it is
	}
	return out, err
}

// v3Hidden decides the read of one object and returns the keys to hide.
func (s *Server) v3Hidden(x *v3Exchange, d Decider, obj workspace.Object) ([]string, error) {
	it := v3View(obj)
	in := policy.Input{
		Operation: wwe.OpGetByInteractionID, Request: v3RequestName(x.route), Door: policy.DoorWorkspace,
		MediaType: obj.MediaType, InteractionID: obj.ID, Interaction: it, Caller: v3Caller(x),
	}
	dec, err := s.decide(x.c.Request().Context(), d, in)
	if err != nil {
		return nil, err
	}
	if dec.Verdict.Action == policy.Refuse {
		if it == nil {
			return nil, dec.Verdict.Err
		}
		return slices.Collect(maps.Keys(it.UserData)), nil
	}
	return dec.Verdict.Hide, nil
}

// v3View is the interaction a GWS object stands for, or nil when it is not
// a call or an interaction (an event's payload).
func v3View(obj workspace.Object) *wwe.Interaction {
	view := workspace.ViewInteraction
	if obj.MediaType == "voice" {
		view = workspace.ViewCall
	}
	it, err := view(obj.Raw)
	if err != nil {
		return nil
	}
	return it
}

// v3Caller is who made the request, as far as the door knows: the browser
// origin, when there is one (GWS authenticates the caller itself).
func v3Caller(x *v3Exchange) policy.Caller {
	return policy.Caller{Origin: x.c.Request().Header.Get("Origin")}
}

// v3RequestName names a route for the policies: the decided routes' own
// name, else workspace.<first segment>.<last segment> below /workspace/v3
// (workspace.<segment> when there is one).
func v3RequestName(r workspace.Route) string {
	if r.Request != "" {
		return r.Request
	}
	segs := strings.Split(strings.TrimPrefix(r.Path, workspace.BasePath+"/"), "/")
	if len(segs) == 1 || segs[len(segs)-1] == "" && len(segs) == 2 {
		return "workspace." + segs[0]
	}
	return "workspace." + segs[0] + "." + segs[len(segs)-1]
}
