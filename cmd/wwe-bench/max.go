package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"
)

// MaxReport is the JSON report of --max.
type MaxReport struct {
	P99BoundMs      float64     `json:"p99BoundMs"`
	StepDurationSec float64     `json:"stepDurationSec"`
	StepTries       int         `json:"stepTries"`
	Targets         []MaxTarget `json:"targets"`
	// GuardOverProxy is the guard's max rate over the bare proxy's, when
	// both were measured.
	GuardOverProxy float64 `json:"guardOverProxy,omitempty"`
}

// MaxTarget is the highest rate one target sustained, and every step tried.
type MaxTarget struct {
	Name    string  `json:"name,omitempty"`
	Target  string  `json:"target"`
	Kind    string  `json:"kind"`
	MaxRate float64 `json:"maxRate"` // 0: not even the lowest rate tried passed
	Steps   []Step  `json:"steps"`
}

// Step is one short run of the search (a rate tried again has one Step per run).
type Step struct {
	Rate       float64 `json:"rate"`
	Pass       bool    `json:"pass"`
	Throughput float64 `json:"throughput"`
	P99Ms      float64 `json:"p99Ms"`
	Unexpected int     `json:"unexpected"`
}

// Search precision: bisecting stops once the bracket is within
// searchPrecision of its upper end, or after maxBisections steps.
const (
	searchPrecision = 0.05
	maxBisections   = 8
	stepPause       = 250 * time.Millisecond // lets a target settle between steps
)

// searchMax returns the highest whole rate in (0, limit] for which pass
// holds, assuming a target that passes a rate passes every lower one: it
// doubles the rate from start until a step fails (or limit passes), then
// bisects between the last pass and the first failure. It returns 0 when
// no rate tried passed.
func searchMax(ctx context.Context, start, limit float64, pass func(context.Context, float64) (bool, error)) (float64, error) {
	lo, hi := 0.0, 0.0
	for rate := math.Round(start); ; rate = math.Min(math.Round(rate*2), limit) {
		ok, err := pass(ctx, rate)
		if err != nil {
			return 0, err
		}
		if !ok {
			hi = rate
			break
		}
		lo = rate
		if rate >= limit {
			return lo, nil
		}
	}
	for range maxBisections {
		if hi-lo <= searchPrecision*hi || hi-lo <= 1 {
			break
		}
		mid := math.Round((lo + hi) / 2)
		ok, err := pass(ctx, mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// maxCommand finds, for --url or for each of the three targets of
// --compare, the highest rate with p99 under --p99-bound and no unexpected
// answer. Each step is a short run (--warmup, then --step-duration), tried
// up to --step-tries times.
func maxCommand(ctx context.Context, o options, out output, log io.Writer) error {
	var targets []target
	if o.url != "" {
		targets = []target{{url: o.url}}
	} else {
		st, err := startTargets(ctx, o.targets, log)
		if err != nil {
			return err
		}
		defer st.stop()
		targets = st.targets
	}
	rep := MaxReport{P99BoundMs: ms(o.p99Bound), StepDurationSec: o.stepDuration.Seconds(), StepTries: o.stepTries}
	sim := o.sim
	if o.url == "" {
		sim = targets[0].url
	}
	for _, t := range targets {
		mt, err := maxOfTarget(ctx, o, t, sim, out.table)
		if err != nil {
			return fmt.Errorf("%s: %w", t.url, err)
		}
		rep.Targets = append(rep.Targets, mt)
	}
	rep.GuardOverProxy = guardOverProxy(rep.Targets)
	printMax(out.table, rep)
	return out.writeJSON(rep)
}

// maxOfTarget searches one target's highest rate. A rate passes when one
// of up to --step-tries runs passes: on a shared machine a single run's p99
// can be spoiled by other work, which would end the search too early.
func maxOfTarget(ctx context.Context, o options, t target, sim string, progress io.Writer) (MaxTarget, error) {
	client := o.newClient()
	defer client.CloseIdleConnections()
	kf := kindFlag{kind: t.kind}
	if t.name == "" {
		kf = o.kind
	}
	kind, p, err := o.ready(ctx, client, t.url, sim, kf)
	if err != nil {
		return MaxTarget{}, err
	}
	mt := MaxTarget{Name: t.name, Target: t.url, Kind: kind.String()}
	try := func(ctx context.Context, rate float64) (bool, error) {
		spec := o.spec(t.url, p)
		spec.rate, spec.duration = rate, o.stepDuration
		for range o.stepTries {
			r, err := measured(ctx, client, spec, kind, nil)
			if err != nil {
				return false, err
			}
			s := Step{Rate: rate, Throughput: r.Throughput, P99Ms: r.LatencyMs.P99, Unexpected: r.Unexpected}
			s.Pass = r.Unexpected == 0 && r.LatencyMs.P99 <= ms(o.p99Bound)
			mt.Steps = append(mt.Steps, s)
			fmt.Fprintf(progress, "%-8s %8.0f req/s  p99 %8.3f ms  unexpected %-6d %s\n", t.name, rate, s.P99Ms, s.Unexpected, passText(s.Pass))
			time.Sleep(stepPause)
			if s.Pass {
				return true, nil
			}
		}
		return false, nil
	}
	if mt.MaxRate, err = searchMax(ctx, o.rate, o.maxRate, try); err != nil {
		return MaxTarget{}, err
	}
	return mt, teardown(ctx, client, t.url, p)
}

func passText(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}

// guardOverProxy is the guard's max rate over the bare proxy's, or 0 when
// either was not measured or nothing passed.
func guardOverProxy(ts []MaxTarget) float64 {
	rates := map[string]float64{}
	for _, t := range ts {
		rates[t.Name] = t.MaxRate
	}
	if rates["guard"] == 0 || rates["proxy"] == 0 {
		return 0
	}
	return rates["guard"] / rates["proxy"]
}

// printMax writes each target's max rate and the guard/proxy ratio.
func printMax(w io.Writer, rep MaxReport) {
	fmt.Fprintln(w, rule)
	fmt.Fprintf(w, "highest rate with p99 <= %g ms and no unexpected answer (steps of %gs, up to %d tries each)\n",
		rep.P99BoundMs, rep.StepDurationSec, rep.StepTries)
	for _, t := range rep.Targets {
		fmt.Fprintf(w, "%-8s %-28s %8.0f req/s\n", t.Name, t.Target, t.MaxRate)
	}
	if rep.GuardOverProxy > 0 {
		fmt.Fprintf(w, "guard/proxy    x%.3f\n", rep.GuardOverProxy)
	}
}
