package metrics

import (
	"context"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// decider is what the guard's engine offers the doors.
type decider interface {
	Decide(ctx context.Context, in policy.Input) (policy.Decision, error)
	AdmittedOrigins() policy.Origins
}

// Decider counts and times every decision d makes.
type Decider struct {
	d decider
	m *Metrics
}

// Decider wraps d so that its decisions are counted and timed.
func (m *Metrics) Decider(d decider) *Decider { return &Decider{d: d, m: m} }

// Decide decides in with the wrapped decider.
func (d *Decider) Decide(ctx context.Context, in policy.Input) (policy.Decision, error) {
	start := time.Now()
	dec, err := d.d.Decide(ctx, in)
	d.m.decisionSeconds.WithLabelValues(string(in.Operation)).Observe(time.Since(start).Seconds())
	outcome, code := string(dec.Verdict.Action), ""
	switch {
	case err != nil:
		outcome, code = "error", string(wwe.CodePolicyError)
	case dec.Verdict.Err != nil:
		code = string(dec.Verdict.Err.Code)
	}
	d.m.decisions.WithLabelValues(doorOf(in.Door), string(in.Operation), outcome, code).Inc()
	return dec, err
}

// Bundles is the wrapped decider's bundle revisions, when it has bundles.
func (d *Decider) Bundles() map[string]string {
	if b, ok := d.d.(interface{ Bundles() map[string]string }); ok {
		return b.Bundles()
	}
	return nil
}

// AdmittedOrigins is the wrapped decider's.
func (d *Decider) AdmittedOrigins() policy.Origins { return d.d.AdmittedOrigins() }

// doorOf names the door of an input: the /v1 REST door when unnamed.
func doorOf(door string) string {
	if door == "" {
		return "v1"
	}
	return door
}
