package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Response headers of the contract.
const (
	headerDecisionID = "X-Decision-Id" // also internal/serve.DecisionIDHeader, for the access log
	headerDeniedKeys = "X-Denied-Keys"
)

// process runs a bound call through the pipeline: rate limit, look up the
// interaction, decide, then forward the validated call or refuse it. A write
// is forwarded on the condition that the interaction is still the revision
// the decision saw; when the service says it has moved on, the call is
// decided again on a fresh read (up to maxAttempts times), so no write lands
// on data its decision did not see.
func (s *Server) process(c echo.Context, cl *call, rp replier) error {
	d := s.currentDecider()
	if d == nil {
		return s.fail(c, rp, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet"))
	}
	if err := s.limit(c.Request().Context(), d, cl); err != nil {
		return s.fail(c, rp, err)
	}
	result, status, err := s.writes.run(cl, func(fresh bool) (any, int, error) {
		return s.attempt(c, d, cl, fresh)
	})
	if err != nil {
		return s.fail(c, rp, err)
	}
	return rp.result(c, status, result)
}

// limit applies the rate limits to cl. Only a caller whose origin the
// policies admit gets a bucket: the others are refused by the decision, so
// a flood of made-up origins cannot fill the limiter.
func (s *Server) limit(ctx context.Context, d Decider, cl *call) error {
	if !d.AdmittedOrigins().Admits(cl.caller.Origin) {
		return nil
	}
	return s.rate.Load().take(ctx, cl.callerKey(), cl.op)
}

// attempt is one look-up, decision and forward of cl; fresh reads the
// interaction from the service even where a remembered revision would do.
// It never changes cl: what it forwards is a copy.
func (s *Server) attempt(c echo.Context, d Decider, cl *call, fresh bool) (any, int, error) {
	ctx := c.Request().Context()
	var it *wwe.Interaction
	notFound := false
	if cl.interactionID != "" {
		var err error
		if it, err = s.writes.interaction(ctx, cl, fresh); err != nil {
			if wwe.ErrorCode(err) != wwe.CodeInteractionNotFound {
				return nil, 0, err
			}
			// Decide without it first, so an unknown id reveals nothing to
			// a caller the policies refuse.
			notFound = true
		}
	}
	dec, err := s.decide(ctx, d, cl.input(it))
	if err != nil {
		return nil, 0, err
	}
	c.Response().Header().Set(headerDecisionID, dec.ID)
	forwarded := cl
	switch dec.Verdict.Action {
	case policy.Refuse:
		if dec.Verdict.Err.Code == wwe.CodeMarkdoneBlocked {
			s.hub.Publish(wwe.NewEvent(wwe.EventMarkdone, wwe.EventData{
				EventType: wwe.EventTypeMarkdoneBlocked, InteractionID: cl.interactionID,
				WarningMessages: dec.Verdict.Err.WarningMessages,
			}))
		}
		return nil, 0, dec.Verdict.Err
	case policy.Strip:
		kept, ok := cut(cl.keyValues, dec.Verdict.Drop)
		if !ok {
			// The guard cuts only what it can; a decider that asks for
			// more is refused as reject mode would, never forwarded.
			s.log.Error("strip verdict does not cut every denied key; refusing the write", "decision", dec.ID, "drop", dec.Verdict.Drop)
			if dec.Verdict.Err == nil {
				return nil, 0, wwe.Errorf(wwe.CodePolicyError, "the policy decision could not be made")
			}
			return nil, 0, dec.Verdict.Err
		}
		stripped := *cl
		stripped.keyValues = kept
		forwarded = &stripped
		keys, _ := json.Marshal(dec.Verdict.Drop)
		c.Response().Header().Set(headerDeniedKeys, string(keys))
	}
	if notFound {
		return nil, 0, wwe.Errorf(wwe.CodeInteractionNotFound, "interaction %q not found", cl.interactionID)
	}
	if err := s.writes.check(cl, it); err != nil {
		return nil, 0, err
	}
	result, status, err := s.forward(ctx, d, forwarded, it)
	if err != nil {
		return nil, 0, err
	}
	if out, ok := result.(*wwe.Interaction); ok && out != nil {
		if out != it && !onlyThisWrite(it, out) {
			// The service answered with the interaction as it is now, which
			// may hold what the decision did not see (keys written
			// elsewhere meanwhile): what the caller may read of it is
			// decided on it.
			if dec, err = s.decide(ctx, d, cl.input(out)); err != nil {
				return nil, 0, err
			}
		}
		result = readable(out, dec)
	}
	return result, status, nil
}

// cut returns kv without the denied keys, and false unless every denied key
// is a key of kv (and at least one is denied): a cut that misses a denied
// key would forward what the decision refused.
func cut(kv wwe.UserData, denied []string) (wwe.UserData, bool) {
	if len(denied) == 0 {
		return nil, false
	}
	for _, k := range denied {
		if _, ok := kv[k]; !ok {
			return nil, false
		}
	}
	return kv.Without(denied), true
}

// decide asks d and turns a failure into POLICY_ERROR: the guard cannot
// decide, so it refuses.
func (s *Server) decide(ctx context.Context, d Decider, in policy.Input) (policy.Decision, error) {
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
	if dec.Verdict.Action == policy.Refuse && dec.Verdict.Err == nil {
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
	var rev wwe.Revision
	if it != nil {
		rev = it.Revision()
	}
	updated, err := s.svc.Do(ctx, cl.command(rev))
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
		if dec.Verdict.Action == policy.Refuse {
			continue
		}
		out = append(out, readable(it, dec))
	}
	return out, nil
}

// readable returns it as the caller may read it: without the keys the
// verdict hides (none in dry-run).
func readable(it *wwe.Interaction, dec policy.Decision) *wwe.Interaction {
	if len(dec.Verdict.Hide) == 0 {
		return it
	}
	out := *it
	out.UserData = it.UserData.Without(dec.Verdict.Hide)
	return &out
}
