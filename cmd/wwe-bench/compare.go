package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// CompareReport is the JSON report of --compare.
type CompareReport struct {
	Rounds  int             `json:"rounds"`
	Runs    []Report        `json:"runs"`    // every run, in the order they ran
	Targets []TargetSummary `json:"targets"` // medians over the rounds
	Ratios  []Ratio         `json:"ratios"`
}

// TargetSummary is one target's figures over the rounds: each figure is
// the median of that figure over the rounds; Unexpected is their sum.
type TargetSummary struct {
	Name       string  `json:"name"`
	Target     string  `json:"target"`
	Kind       string  `json:"kind"`
	Throughput float64 `json:"throughput"`
	LatencyMs  Latency `json:"latencyMs"`
	// CPUMsPerRequest is 0 when unknown (see Report).
	CPUMsPerRequest float64 `json:"cpuMsPerRequest,omitempty"`
	Unexpected      int     `json:"unexpected"`
}

// Ratio compares two targets' medians: Of is "a/b", each figure a's over b's.
type Ratio struct {
	Of         string  `json:"of"`
	P50        float64 `json:"p50"`
	P99        float64 `json:"p99"`
	Throughput float64 `json:"throughput"`
	CPU        float64 `json:"cpuPerRequest,omitempty"`
}

// compareCommand runs the same load against the service alone, the bare
// proxy and the guard, in alternating rounds (service, proxy, guard,
// service, ...) so that drift of the machine (other work, thermal, GC of
// the shared service) spreads over all three instead of favouring one.
// The load does not change what later requests answer (writes overwrite the
// same keys, deletes of a missing key succeed, markdone stays blocked), so
// no target is reset between rounds.
func compareCommand(ctx context.Context, o options, out output, log io.Writer) error {
	st, err := startTargets(ctx, o.targets, log)
	if err != nil {
		return err
	}
	defer st.stop()
	targets := st.targets
	clients := make([]*http.Client, len(targets))
	plans := make([]*plan, len(targets))
	for i, t := range targets {
		clients[i] = o.newClient()
		defer clients[i].CloseIdleConnections()
		if _, plans[i], err = o.ready(ctx, clients[i], t.url, targets[0].url, kindFlag{kind: t.kind}); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	fmt.Fprintf(out.table, "compare: %d round(s) of %g req/s for %s (warm-up %s) per target, concurrency %d, mix %s\n",
		o.rounds, o.rate, o.duration, o.warmup, o.concurrency, o.mix)
	rep := CompareReport{Rounds: o.rounds}
	for round := 1; round <= o.rounds; round++ {
		for i, t := range targets {
			r, err := measured(ctx, clients[i], o.spec(t.url, plans[i]), t.kind, st)
			if err != nil {
				return fmt.Errorf("%s round %d: %w", t.name, round, err)
			}
			r.Name, r.Round = t.name, round
			rep.Runs = append(rep.Runs, r)
			fmt.Fprintf(out.table, "round %d  %-7s  %9.1f req/s  %s  cpu %s ms/req  tool-wait p99 %.3f  in-flight max %d/%d%s  unexpected %d\n",
				round, t.name, r.Throughput, latencyLine(r.LatencyMs), cpuText(r.CPUMsPerRequest), r.GeneratorWaitMs.P99, r.MaxInFlight, r.Concurrency, notificationsText(r.Notifications), r.Unexpected)
			if r.Unexpected > 0 {
				printReport(out.table, r)
			}
		}
	}
	for i, t := range targets {
		if err := teardown(ctx, clients[i], t.url, plans[i]); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	rep.Targets = summarizeTargets(targets, rep.Runs)
	rep.Ratios = []Ratio{ratio(rep.Targets[2], rep.Targets[1]), ratio(rep.Targets[2], rep.Targets[0])}
	printComparison(out.table, rep)
	if err := out.writeJSON(rep); err != nil {
		return err
	}
	unexpected := 0
	for _, s := range rep.Targets {
		unexpected += s.Unexpected
	}
	if unexpected > 0 {
		return fmt.Errorf("%d requests over all runs: %w", unexpected, errUnexpected)
	}
	return nil
}

// summarizeTargets folds each target's runs into its medians.
func summarizeTargets(targets []target, runs []Report) []TargetSummary {
	out := make([]TargetSummary, len(targets))
	for i, t := range targets {
		s := TargetSummary{Name: t.name, Target: t.url, Kind: t.kind.String()}
		var thr, cpu []float64
		var lat []Latency
		for _, r := range runs {
			if r.Name != t.name {
				continue
			}
			thr = append(thr, r.Throughput)
			cpu = append(cpu, r.CPUMsPerRequest)
			lat = append(lat, r.LatencyMs)
			s.Unexpected += r.Unexpected
		}
		s.Throughput, s.LatencyMs, s.CPUMsPerRequest = median(thr), medianLatency(lat), median(cpu)
		out[i] = s
	}
	return out
}

// ratio compares a's medians to b's.
func ratio(a, b TargetSummary) Ratio {
	div := func(x, y float64) float64 {
		if y == 0 {
			return 0
		}
		return x / y
	}
	return Ratio{
		Of:         a.Name + "/" + b.Name,
		P50:        div(a.LatencyMs.P50, b.LatencyMs.P50),
		P99:        div(a.LatencyMs.P99, b.LatencyMs.P99),
		Throughput: div(a.Throughput, b.Throughput),
		CPU:        div(a.CPUMsPerRequest, b.CPUMsPerRequest),
	}
}

// printComparison writes the medians and the ratios as a table.
func printComparison(w io.Writer, rep CompareReport) {
	fmt.Fprintln(w, rule)
	fmt.Fprintf(w, "median over %d round(s) of each figure (latency ms from intended send time; exact)\n", rep.Rounds)
	fmt.Fprintf(w, "%-8s %11s %8s %8s %8s %8s %8s %11s %11s\n", "target", "req/s", "p50", "p90", "p99", "p99.9", "max", "cpu ms/req", "unexpected")
	for _, s := range rep.Targets {
		l := s.LatencyMs
		fmt.Fprintf(w, "%-8s %11.1f %8.3f %8.3f %8.3f %8.3f %8.3f %11s %11d\n",
			s.Name, s.Throughput, l.P50, l.P90, l.P99, l.P999, l.Max, cpuText(s.CPUMsPerRequest), s.Unexpected)
	}
	for _, r := range rep.Ratios {
		fmt.Fprintf(w, "%-14s p50 x%.2f  p99 x%.2f  throughput x%.3f", r.Of, r.P50, r.P99, r.Throughput)
		if r.CPU > 0 {
			fmt.Fprintf(w, "  cpu/req x%.2f", r.CPU)
		}
		fmt.Fprintln(w)
	}
}

// cpuText is a CPU cost per request, or "-" when unknown.
func cpuText(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}
