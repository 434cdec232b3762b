package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/roundtrip"
)

const usage = `usage:
  wwe-bench --url URL [load flags]                      open-loop load against one target
  wwe-bench --compare (--start | --service URL --guard URL) [--proxy URL] [--rounds N] [load flags]
                                                         service alone, bare proxy and guard in alternating rounds
  wwe-bench --max (--url URL | --start | --service URL --guard URL) [--p99-bound D]
                                                         highest rate each target sustains under the p99 bound
  wwe-bench proxy --upstream URL [--listen ADDR]         the bare reverse proxy (prints its address on stdout)
  wwe-bench fanout --url URL [--sockets N] [--rate R]    event delivery to N subscribed SCAPI sockets

--api workspace speaks Workspace API v3 to each target: one session per
target, a call rung through the reference GWS (--service, or --sim with
--url) and a long-poll subscriber that counts the notifications it hears.

flags:`

// run is the whole program: the proxy subcommand, or one load, --compare
// or --max run. It returns errUnexpected (after the report) when any
// request got an answer other than the one expected of its target.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "proxy" {
		return helpIsNoError(proxyCommand(ctx, args[1:], stdout, stderr))
	}
	if len(args) > 0 && args[0] == "fanout" {
		return helpIsNoError(fanoutCommand(ctx, args[1:], stdout, stderr))
	}
	opts, err := parseOptions(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	out := newOutput(opts.jsonPath, stdout, stderr)
	switch {
	case opts.max:
		return maxCommand(ctx, opts, out, stderr)
	case opts.compare:
		return compareCommand(ctx, opts, out, stderr)
	}
	return loadCommand(ctx, opts, out)
}

// helpIsNoError turns the error of -h (usage already printed) into success.
func helpIsNoError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// spec is the load of one run against base with plan p.
func (o options) spec(base string, p *plan) loadSpec {
	return loadSpec{
		base: base, rate: o.rate, duration: o.duration, warmup: o.warmup,
		concurrency: o.concurrency, drain: o.timeout, mix: o.mix, plan: p,
		api: o.api, socket: o.socket, header: o.header(),
	}
}

// newClient is the load's client to one target; on the Workspace API its
// cookie jar holds the target's session.
func (o options) newClient() *http.Client {
	c := newClient(o.concurrency, o.timeout)
	if o.workspace {
		c = newJarClient(o.concurrency, o.timeout)
	}
	if o.targets.apiKey != "" {
		c.Transport = withAPIKey(c.Transport, o.targets.apiKey)
	}
	return c
}

// header is what a socket's handshake sends: --api-key.
func (o options) header() http.Header {
	h := http.Header{}
	if o.targets.apiKey != "" {
		h.Set("X-API-Key", o.targets.apiKey)
	}
	return h
}

// withAPIKey sends X-API-Key with every request rt makes (--api-key).
func withAPIKey(rt http.RoundTripper, key string) http.RoundTripper {
	return roundtrip.Func(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("X-API-Key", key)
		return rt.RoundTrip(r)
	})
}

// ready readies the target at base and returns its kind and plan: /v1
// shares one plan; the Workspace API starts a session on the target and
// rings its own call through sim.
func (o options) ready(ctx context.Context, client *http.Client, base, sim string, kf kindFlag) (targetKind, *plan, error) {
	p := o.plan
	if o.workspace {
		var err error
		if p, err = workspacePlan(ctx, client, base, sim); err != nil {
			return 0, nil, err
		}
	}
	kind, err := prepare(ctx, client, base, p, o.mix, kf)
	return kind, p, err
}

// measured runs the warm-up and the measured load of spec, with the plan's
// subscriber listening throughout, and reports the measured part.
func measured(ctx context.Context, client *http.Client, spec loadSpec, kind targetKind, st *stack) (Report, error) {
	sub := subscribe(ctx, client, spec.base, spec.plan)
	defer sub.stop()
	if err := warm(ctx, client, spec); err != nil {
		return Report{}, err
	}
	cpuBefore, cpuKnown := st.cpu()
	before := sub.snapshot()
	res, err := runLoad(ctx, client, spec)
	if err != nil {
		return Report{}, err
	}
	r := summarize(res, spec, kind)
	if cpuAfter, ok := st.cpu(); cpuKnown && ok && r.Answered > 0 {
		r.CPUMsPerRequest = ms(cpuAfter-cpuBefore) / float64(r.Answered)
	}
	if sub != nil {
		r.Notifications = during(before, sub.snapshot(), res.elapsed)
		r.Unexpected += r.Notifications.unexpected(kind)
	}
	return r, nil
}

// loadCommand runs the load once against --url and reports it.
func loadCommand(ctx context.Context, o options, out output) error {
	client := o.newClient()
	defer client.CloseIdleConnections()
	kind, p, err := o.ready(ctx, client, o.url, o.sim, o.kind)
	if err != nil {
		return err
	}
	rep, err := measured(ctx, client, o.spec(o.url, p), kind, nil)
	if err != nil {
		return err
	}
	if err := teardown(ctx, client, o.url, p); err != nil {
		return err
	}
	printReport(out.table, rep)
	if err := out.writeJSON(rep); err != nil {
		return err
	}
	if rep.Unexpected > 0 {
		return fmt.Errorf("%d of %d requests: %w", rep.Unexpected, rep.Scheduled, errUnexpected)
	}
	return nil
}
