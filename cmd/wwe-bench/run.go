package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

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

// options are the command line of a load, --compare or --max run.
type options struct {
	url         string
	rate        float64
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	timeout     time.Duration
	mix         mix
	plan        *plan  // of /v1; the Workspace API's is made per target
	workspace   bool   // --api workspace
	api         string // --api
	scapi       bool   // --api scapi or socket: SCAPI envelopes
	socket      bool   // --api socket: over a SCAPI socket per worker
	sim         string
	kind        kindFlag
	jsonPath    string

	compare bool
	rounds  int
	targets targetFlags

	max          bool
	p99Bound     time.Duration
	stepDuration time.Duration
	stepTries    int
	maxRate      float64
}

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

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("wwe-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.url, "url", "", "base URL of one target that serves the /v1 contract")
	fs.Float64Var(&o.rate, "rate", 1000, "requests per second (--max: the rate to start from)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of one run")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "load sent before each measured run, not measured")
	fs.IntVar(&o.concurrency, "concurrency", 64, "most requests in flight (workers, connections) per target")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "per request; also how long past the schedule's end unsent requests may still be sent")
	apiName := fs.String("api", "v1", "what the load speaks: v1 (the /v1 REST contract), scapi (the same operations as SCAPI envelopes, POST /v1/scapi), socket (those envelopes over one SCAPI socket per worker, GET /v1/scapi/ws) or workspace (Workspace API v3 in front of wwe-sim --api workspace)")
	fs.StringVar(&o.sim, "sim", "", "--api workspace with --url: the reference GWS that rings the load's call (default: --url)")
	mixText := fs.String("mix", "", "operation mix: op=weight,... with ops set, refused, get, delete, markdone (default "+defaultMix+"; --api workspace: "+defaultWorkspaceMix+", no delete or markdone)")
	ids := fs.String("ids", "1,2", "interaction ids the reads and writes cycle through (live ones of the demo seed)")
	markdoneID := fs.String("markdone-id", "1", "interaction id of the markdone attempts (the setup blocks its markdone)")
	kind := fs.String("kind", "auto", "what --url is: guard, unguarded, or auto (told by one refused write)")
	fs.StringVar(&o.jsonPath, "json", "", "write the JSON report to FILE, or to stdout with - (the table then goes to stderr)")
	fs.BoolVar(&o.compare, "compare", false, "compare the service alone, a bare reverse proxy and the guard")
	fs.IntVar(&o.rounds, "rounds", 3, "--compare: rounds; each runs every target once, in turn")
	o.targets.register(fs)
	fs.BoolVar(&o.max, "max", false, "find the highest rate each target sustains with p99 under --p99-bound and no unexpected answer")
	fs.DurationVar(&o.p99Bound, "p99-bound", 10*time.Millisecond, "--max: p99 latency bound")
	fs.DurationVar(&o.stepDuration, "step-duration", 2*time.Second, "--max: measured time of one step")
	fs.IntVar(&o.stepTries, "step-tries", 2, "--max: runs of a rate before it counts as failed")
	fs.Float64Var(&o.maxRate, "max-rate", 100000, "--max: highest rate tried")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), usage)
	}
	var problems []string
	check := func(ok bool, msg string) {
		if !ok {
			problems = append(problems, msg)
		}
	}
	check(o.rate > 0, "--rate must be positive")
	check(o.duration > 0, "--duration must be positive")
	check(o.warmup >= 0, "--warmup must not be negative")
	check(o.concurrency > 0, "--concurrency must be positive")
	check(o.timeout > 0, "--timeout must be positive")
	check(o.rounds > 0, "--rounds must be positive")
	check(o.p99Bound > 0, "--p99-bound must be positive")
	check(o.stepDuration > 0, "--step-duration must be positive")
	check(o.stepTries > 0, "--step-tries must be positive")
	check(o.maxRate >= o.rate, "--max-rate must be at least --rate")
	check(!(o.compare && o.max), "--compare and --max are separate runs")
	many := o.compare || (o.max && o.url == "")
	check(many || o.url != "", "give --url, or --compare / --max with --start or --service and --guard")
	check(!many || o.url == "", "--url is for one target; --compare takes --service, --proxy, --guard or --start")
	if many {
		problems = append(problems, o.targets.validate()...)
	}
	o.api = *apiName
	switch *apiName {
	case "v1":
	case "scapi":
		o.scapi = true
	case "socket":
		o.scapi, o.socket = true, true
	case "workspace":
		o.workspace, o.targets.workspace = true, true
	default:
		problems = append(problems, fmt.Sprintf("--api %q: want v1, scapi, socket or workspace", *apiName))
	}
	check(o.sim == "" || (o.workspace && o.url != ""), "--sim is for --api workspace with --url")
	if *mixText == "" {
		*mixText = defaultMix
		if o.workspace {
			*mixText = defaultWorkspaceMix
		}
	}
	var err error
	if o.mix, err = parseMix(*mixText); err != nil {
		problems = append(problems, err.Error())
	} else if o.workspace {
		if err := checkWorkspaceMix(o.mix); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if o.plan, err = newPlan(splitList(*ids), *markdoneID); err != nil {
		problems = append(problems, err.Error())
	} else if o.scapi {
		o.plan.envelopes()
	}
	if o.kind, err = parseKind(*kind); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return o, errors.New(strings.Join(problems, "\n"))
	}
	o.url = strings.TrimRight(o.url, "/")
	if o.sim == "" {
		o.sim = o.url
	}
	o.sim = strings.TrimRight(o.sim, "/")
	return o, nil
}

// splitList splits a comma-separated list, trimming blanks and dropping
// empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
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
