package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

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

// parseOptions reads the command line of a load, --compare or --max run
// and reports every problem at once.
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
