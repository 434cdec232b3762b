package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Response headers of the contract.
const (
	headerDecisionID = "X-Decision-Id"
	headerDeniedKeys = "X-Denied-Keys"
)

// process runs a bound call through the pipeline: rate limit, look up the
// interaction, decide, then forward the validated call or refuse it.
func (s *Server) process(c echo.Context, cl *call, rp replier) error {
	ctx := c.Request().Context()
	d := s.currentDecider()
	if d == nil {
		return s.fail(c, rp, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet"))
	}
	if err := s.rate.allow(cl.caller.Origin, cl.op); err != nil {
		return s.fail(c, rp, err)
	}
	var it *wwe.Interaction
	notFound := false
	if cl.interactionID != "" {
		var err error
		if it, err = s.svc.Interaction(ctx, cl.interactionID); err != nil {
			if wwe.ErrorCode(err) != wwe.CodeInteractionNotFound {
				return s.fail(c, rp, err)
			}
			// Decide without it first, so an unknown id reveals nothing to
			// a caller the policies refuse.
			notFound = true
		}
	}
	dec, err := s.decide(ctx, d, cl.input(it))
	if err != nil {
		return s.fail(c, rp, err)
	}
	c.Response().Header().Set(headerDecisionID, dec.ID)
	switch dec.Verdict.Action {
	case guard.Refuse:
		if dec.Verdict.Err.Code == wwe.CodeMarkdoneBlocked {
			s.hub.Publish(wwe.NewEvent(wwe.EventMarkdone, wwe.EventData{
				EventType: wwe.EventTypeMarkdoneBlocked, InteractionID: cl.interactionID,
				WarningMessages: dec.Verdict.Err.WarningMessages,
			}))
		}
		return s.fail(c, rp, dec.Verdict.Err)
	case guard.ForwardCut:
		cl.keyValues = cl.keyValues.Without(dec.DeniedKeys)
		keys, _ := json.Marshal(dec.DeniedKeys)
		c.Response().Header().Set(headerDeniedKeys, string(keys))
	}
	if notFound {
		return s.fail(c, rp, wwe.Errorf(wwe.CodeInteractionNotFound, "interaction %q not found", cl.interactionID))
	}
	result, status, err := s.forward(ctx, d, cl, it)
	if err != nil {
		return s.fail(c, rp, err)
	}
	if it, ok := result.(*wwe.Interaction); ok && it != nil {
		result = readable(it, dec)
	}
	return rp.result(c, status, result)
}

// decide asks d and turns a failure into POLICY_ERROR: the guard cannot
// decide, so it refuses.
func (s *Server) decide(ctx context.Context, d Decider, in guard.Input) (guard.Decision, error) {
	dec, err := d.Decide(ctx, in)
	if err != nil {
		s.log.Error("policy evaluation failed", "operation", in.Operation, "err", err)
		e := wwe.Errorf(wwe.CodePolicyError, "the policy decision could not be made")
		var de interface{ DecisionID() string }
		if errors.As(err, &de) {
			e.DecisionID = de.DecisionID()
		}
		return dec, e
	}
	if dec.Verdict.Action == guard.Refuse && dec.Verdict.Err == nil {
		return dec, wwe.Errorf(wwe.CodePolicyError, "the policy decision could not be made")
	}
	return dec, nil
}

// forward performs the allowed call on the service.
func (s *Server) forward(ctx context.Context, d Decider, cl *call, it *wwe.Interaction) (any, int, error) {
	switch cl.op {
	case wwe.OpGetInteractions:
		list, err := s.svc.Interactions(ctx)
		if err != nil {
			return nil, 0, err
		}
		out, err := s.readableList(ctx, d, cl, list)
		return out, http.StatusOK, err
	case wwe.OpGetByInteractionID:
		return it, http.StatusOK, nil
	case wwe.OpSetUserData:
		if len(cl.keyValues) == 0 {
			return it, http.StatusOK, nil // strip mode dropped every key
		}
	}
	updated, err := s.svc.Do(ctx, cl.command())
	if err != nil {
		return nil, 0, err
	}
	if updated == nil {
		return nil, http.StatusNoContent, nil
	}
	return updated, http.StatusOK, nil
}

// readableList decides the read of each interaction on its own: each is
// filtered by its own read decision, and one the policies refuse is left out.
func (s *Server) readableList(ctx context.Context, d Decider, cl *call, list []*wwe.Interaction) ([]*wwe.Interaction, error) {
	out := make([]*wwe.Interaction, 0, len(list))
	for _, it := range list {
		dec, err := s.decide(ctx, d, cl.input(it))
		if err != nil {
			return nil, err
		}
		if dec.Verdict.Action == guard.Refuse {
			continue
		}
		out = append(out, readable(it, dec))
	}
	return out, nil
}

// readable returns it as the caller may read it: without the keys the
// decision hides, unless the decision is not enforced (dry-run).
func readable(it *wwe.Interaction, dec guard.Decision) *wwe.Interaction {
	if len(dec.ReadDeny) == 0 || !dec.Verdict.Enforced {
		return it
	}
	out := *it
	out.UserData = it.UserData.Without(dec.ReadDeny)
	return &out
}
