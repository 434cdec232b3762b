package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/workspace"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// v3Decided is a call the policies decide (DESIGN.md §8.1's table): its
// body decoded strictly, its writes decided on GWS's view of each
// interaction it concerns (a markdone on a fresh read of current-session),
// and, when allowed, the validated call re-encoded — minus the pairs strip
// mode drops — forwarded. A refusal never reaches GWS.
func (s *Server) v3Decided(x *v3Exchange) error {
	d := s.currentDecider()
	if d == nil {
		return s.v3Failure(x.c, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet"))
	}
	lim := workspace.Limits{MaxKeyBytes: s.lim().MaxKeyBytes, MaxDepth: s.lim().MaxDepth, MaxKeys: s.lim().MaxKeys}
	call, err := workspace.DecodeCall(x.route, x.body, lim)
	if err != nil {
		return s.v3Failure(x.c, wwe.Errorf(wwe.CodeInvalidRequest, "%v", err))
	}
	ss := s.session(x)
	op := call.Operation
	if x.route.Release && (ss == nil || !ss.autoCompleteNow()) {
		op = "" // a release that does not complete the call is not a markdone
	}
	drop, err := s.v3Decide(x, d, ss, call, op)
	if err != nil {
		return s.v3Failure(x.c, err)
	}
	body, err := call.Encode(drop)
	if errors.Is(err, workspace.ErrAllDropped) {
		denied := slices.Compact(slices.Sorted(slices.Values(drop)))
		e := wwe.Errorf(wwe.CodeUserDataWriteNotAllowed, "user data key(s) not allowed: %s", strings.Join(denied, ", "))
		e.DeniedKeys, e.DecisionID = denied, x.c.Response().Header().Get(headerDecisionID)
		return s.v3Failure(x.c, e)
	}
	if err != nil {
		return s.v3Failure(x.c, err)
	}
	rep, err := s.v3Forward(x.c.Request().Context(), x.c.Request(), v3Call{method: x.route.Method, path: x.route.Path, body: body, reencoded: true})
	if err != nil {
		return s.v3Failure(x.c, err)
	}
	if ss != nil && rep.status < http.StatusMultipleChoices && len(call.InteractionIDs) == 1 {
		ss.forwarded(call.InteractionIDs[0], slices.DeleteFunc(slices.Clone(call.Writes), func(w policy.Write) bool {
			return slices.Contains(drop, w.Key)
		}))
	}
	return s.v3Answer(x, rep)
}

// v3Decide decides call as operation op (none: forwarded undecided) on each
// interaction it concerns, and returns the keys strip mode drops. Any
// refusal refuses the whole call.
func (s *Server) v3Decide(x *v3Exchange, d Decider, ss *v3Session, call *workspace.Call, op wwe.Operation) ([]string, error) {
	if op == "" {
		return nil, nil
	}
	ctx := x.c.Request().Context()
	markdone := op.Semantics().Markdone
	if markdone && ss != nil {
		// Markdone sees the truth: GWS's current view, not the last one seen.
		if err := s.v3Refresh(ctx, x, ss); err != nil {
			return nil, err
		}
	}
	ids := call.InteractionIDs
	if len(ids) == 0 {
		ids = []string{""} // makeCall, createInteraction, bulk user data: no interaction yet
	}
	var drop []string
	for _, id := range ids {
		it, err := s.v3Interaction(ctx, x, ss, id, markdone)
		if err != nil {
			return nil, err
		}
		in := s.v3Input(x, call, op, id, it)
		dec, err := s.decide(ctx, d, in)
		if err != nil {
			return nil, err
		}
		x.c.Response().Header().Set(headerDecisionID, dec.ID)
		switch dec.Verdict.Action {
		case policy.Refuse:
			return nil, dec.Verdict.Err
		case policy.Strip:
			drop = append(drop, dec.Verdict.Drop...)
			if markdone {
				// A markdone is decided again on what it will write once
				// stripped: a block may hang on a dropped key.
				kept := *call
				kept.Writes = slices.DeleteFunc(slices.Clone(call.Writes), func(w policy.Write) bool { return slices.Contains(drop, w.Key) })
				if dec, err = s.decide(ctx, d, s.v3Input(x, &kept, op, id, it)); err != nil {
					return nil, err
				}
				if dec.Verdict.Action == policy.Refuse {
					return nil, dec.Verdict.Err
				}
			}
		}
	}
	if len(drop) > 0 {
		keys, _ := json.Marshal(drop)
		x.c.Response().Header().Set(headerDeniedKeys, string(keys))
	}
	return drop, nil
}

// v3Input is the policy input of call on the interaction it (nil: none),
// whose user data a voice complete is decided on as it would be after the
// call's writes.
func (s *Server) v3Input(x *v3Exchange, call *workspace.Call, op wwe.Operation, id string, it *wwe.Interaction) policy.Input {
	in := policy.Input{
		Operation: op, Request: v3RequestName(x.route), Door: policy.DoorWorkspace, MediaType: x.route.MediaType,
		InteractionID: id, Writes: call.Writes, KeyValues: call.KeyValues, Key: call.Key, Interaction: it, Caller: v3Caller(x),
	}
	if op.Semantics().Markdone && it != nil && len(call.Writes) > 0 {
		after := *it
		after.UserData = applyWrites(it.UserData, call.Writes)
		in.Interaction = &after
	}
	return in
}

// v3Interaction is GWS's view of id for the session: the view with the
// writes GWS has not confirmed yet, read from current-session with the
// caller's cookies when the door has not seen it. A markdone on an
// interaction GWS does not list is INTERACTION_NOT_FOUND, never decided on
// nothing; any other call on one is decided with interaction null.
func (s *Server) v3Interaction(ctx context.Context, x *v3Exchange, ss *v3Session, id string, markdone bool) (*wwe.Interaction, error) {
	if id == "" {
		return nil, nil
	}
	var it *wwe.Interaction
	if ss != nil {
		if it = ss.interaction(id); it == nil && !markdone {
			if err := s.v3Refresh(ctx, x, ss); err != nil {
				return nil, err
			}
			it = ss.interaction(id)
		}
	}
	if it == nil && markdone {
		return nil, wwe.Errorf(wwe.CodeInteractionNotFound, "interaction %q not found", id)
	}
	return it, nil
}

// v3Refresh reads current-session with the caller's own cookies (its
// Set-Cookie discarded) and makes it the session's view.
func (s *Server) v3Refresh(ctx context.Context, x *v3Exchange, ss *v3Session) error {
	r := x.c.Request()
	probe, err := http.NewRequestWithContext(ctx, http.MethodGet, workspace.BasePath+"/current-session", nil)
	if err != nil {
		return err
	}
	for _, h := range []string{"Cookie", "X-Api-Key", "Authorization"} {
		if v := r.Header.Values(h); len(v) > 0 {
			probe.Header[h] = v
		}
	}
	rep, err := s.v3Forward(ctx, probe, v3Call{method: http.MethodGet, path: workspace.BasePath + "/current-session"})
	if err != nil {
		return err
	}
	if rep.status != http.StatusOK {
		s.log.Warn("workspace door: current-session read failed", "status", rep.status)
		return wwe.Errorf(wwe.CodeServiceUnavailable, "GWS did not list the session's interactions")
	}
	return s.v3LearnSession(ss, rep.body)
}
