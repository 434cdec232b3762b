package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// Report is what one run against one target measured.
type Report struct {
	Name          string  `json:"name,omitempty"`  // service, proxy or guard in --compare
	Round         int     `json:"round,omitempty"` // 1-based, in --compare
	Target        string  `json:"target"`
	Kind          string  `json:"kind"`
	API           string  `json:"api"` // v1, scapi, socket or workspace (--api)
	RequestedRate float64 `json:"requestedRate"`
	DurationSec   float64 `json:"durationSec"`
	Concurrency   int     `json:"concurrency"`
	Mix           string  `json:"mix"`
	Scheduled     int     `json:"scheduled"`
	Answered      int     `json:"answered"` // requests that got an HTTP answer
	Unexpected    int     `json:"unexpected"`
	// Throughput is answers per second: answered / (last answer - first
	// intended send).
	Throughput float64 `json:"throughput"`
	// LatencyMs runs from each request's intended send time to the end of
	// its answer, over every scheduled request.
	LatencyMs Latency `json:"latencyMs"`
	// GeneratorWaitMs is the part of the latency spent waiting for a free
	// worker of the load tool: high when every worker was busy (see
	// MaxInFlight) or when the tool itself ran late.
	GeneratorWaitMs Latency `json:"generatorWaitMs"`
	// MaxInFlight is the most requests in flight at once; equal to
	// Concurrency, the target did not keep up and requests queued in the
	// tool (their latency still counts from when they were due).
	MaxInFlight int `json:"maxInFlight"`
	// CPUMsPerRequest is the CPU time the stack under load (the started
	// service, proxy and guard processes together) spent during the run,
	// per answered request: a figure that other work on a shared machine
	// disturbs far less than latency. Only in --compare, and only when the
	// tool started all three (--start with no URLs); /proc counts in 10 ms
	// ticks, so short runs read coarse.
	CPUMsPerRequest float64 `json:"cpuMsPerRequest,omitempty"`
	// Notifications is what the long-poll subscriber got during the
	// measured run (--api workspace only); its unexpected ones count in
	// Unexpected.
	Notifications *Notifications `json:"notifications,omitempty"`
	Outcomes      []Outcome      `json:"outcomes"`
}

// Outcome counts the answers of one op with one status and errorCode.
type Outcome struct {
	Op        string `json:"op"`
	Status    int    `json:"status"`
	ErrorCode string `json:"errorCode,omitempty"`
	Count     int    `json:"count"`
	Expected  bool   `json:"expected"`
}

// summarize turns a run into its report.
func summarize(res runResult, spec loadSpec, kind targetKind) Report {
	r := Report{
		Target: spec.base, Kind: kind.String(), API: spec.api, RequestedRate: spec.rate,
		DurationSec: spec.duration.Seconds(), Concurrency: spec.concurrency, Mix: spec.mix.String(),
		Scheduled: len(res.samples),
	}
	type key struct {
		op opKind
		outcome
	}
	counts := map[key]int{}
	lat := make([]time.Duration, len(res.samples))
	wait := make([]time.Duration, len(res.samples))
	for i, s := range res.samples {
		lat[i], wait[i] = s.latency, s.wait
		counts[key{s.op, s.out}]++
		if s.out.status != 0 {
			r.Answered++
		}
	}
	for k, n := range counts {
		o := Outcome{Op: k.op.String(), Status: k.status, ErrorCode: k.code, Count: n, Expected: k.op.expect(kind) == k.outcome}
		if !o.Expected {
			r.Unexpected += n
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	slices.SortFunc(r.Outcomes, func(a, b Outcome) int {
		ao, _ := opByName(a.Op)
		bo, _ := opByName(b.Op)
		return cmp.Or(cmp.Compare(ao, bo), cmp.Compare(a.Status, b.Status), cmp.Compare(a.ErrorCode, b.ErrorCode))
	})
	if res.elapsed > 0 {
		r.Throughput = float64(r.Answered) / res.elapsed.Seconds()
	}
	r.MaxInFlight = res.maxInFlight
	r.LatencyMs = distribution(lat)
	r.GeneratorWaitMs = distribution(wait)
	return r
}

// printReport writes r as a readable table.
func printReport(w io.Writer, r Report) {
	title := r.Target
	if r.Name != "" {
		title = fmt.Sprintf("%s %s", r.Name, r.Target)
	}
	fmt.Fprintf(w, "target      %s (%s)\n", title, r.Kind)
	fmt.Fprintf(w, "load        %g req/s for %gs, concurrency %d, mix %s, api %s\n", r.RequestedRate, r.DurationSec, r.Concurrency, r.Mix, r.API)
	fmt.Fprintf(w, "requests    %d scheduled, %d answered, %d unexpected\n", r.Scheduled, r.Answered, r.Unexpected)
	fmt.Fprintf(w, "throughput  %.1f req/s\n", r.Throughput)
	fmt.Fprintf(w, "latency ms  %s   (from intended send time; exact)\n", latencyLine(r.LatencyMs))
	fmt.Fprintf(w, "tool wait   p50 %.3f  p99 %.3f  max %.3f   (ms of the latency spent before a worker sent the request)\n",
		r.GeneratorWaitMs.P50, r.GeneratorWaitMs.P99, r.GeneratorWaitMs.Max)
	fmt.Fprintf(w, "in flight   max %d of %d%s\n", r.MaxInFlight, r.Concurrency, saturation(r))
	if n := r.Notifications; n != nil {
		fmt.Fprintf(w, "long-poll   %d notifications (%.0f/s) in %d polls, %d showing the hidden key, %d errors\n",
			n.Received, n.PerSecond, n.Polls, n.HiddenSeen, n.Errors)
	}
	fmt.Fprintf(w, "%-9s %6s  %-28s %8s  %s\n", "op", "status", "errorCode", "count", "expected")
	for _, o := range r.Outcomes {
		expected := "yes"
		if !o.Expected {
			expected = "NO"
		}
		fmt.Fprintf(w, "%-9s %6d  %-28s %8d  %s\n", o.Op, o.Status, o.ErrorCode, o.Count, expected)
	}
}

// notificationsText is the subscriber's figures for a one-line summary.
func notificationsText(n *Notifications) string {
	if n == nil {
		return ""
	}
	return fmt.Sprintf("  notifications %.0f/s (hidden key in %d)", n.PerSecond, n.HiddenSeen)
}

// saturation notes when every worker was busy at once.
func saturation(r Report) string {
	if r.MaxInFlight >= r.Concurrency {
		return "   (every worker busy: the target did not keep up, requests queued in the tool)"
	}
	return ""
}

// latencyLine is a distribution on one line.
func latencyLine(l Latency) string {
	return fmt.Sprintf("p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f", l.P50, l.P90, l.P99, l.P999, l.Max)
}

// output is where the readable table and the JSON report go: with --json -
// the JSON goes to stdout and the table to stderr; with --json FILE the
// JSON goes to FILE and the table to stdout.
type output struct {
	table    io.Writer
	jsonPath string
	stdout   io.Writer
}

func newOutput(jsonPath string, stdout, stderr io.Writer) output {
	o := output{table: stdout, jsonPath: jsonPath, stdout: stdout}
	if jsonPath == "-" {
		o.table = stderr
	}
	return o
}

// writeJSON writes v as the JSON report, if one was asked for.
func (o output) writeJSON(v any) error {
	if o.jsonPath == "" {
		return nil
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	b = append(b, '\n')
	if o.jsonPath == "-" {
		_, err = o.stdout.Write(b)
	} else {
		err = os.WriteFile(o.jsonPath, b, 0o644)
	}
	if err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	return nil
}

// rule is a separator line for the table output.
var rule = strings.Repeat("-", 72)
