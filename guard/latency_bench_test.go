package guard_test

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkDecideLatency times every decision of the bundled policies on its
// own and reports the median and the 99th percentile (p50-ns, p99-ns) per
// operation, the figures the speed targets are stated in. The decision log
// is off.
func BenchmarkDecideLatency(b *testing.B) {
	e := benchEngine(b, false)
	for _, tt := range benchCases() {
		b.Run(tt.name, func(b *testing.B) {
			ctx := context.Background()
			durations := make([]time.Duration, 0, 1<<16)
			for b.Loop() {
				start := time.Now()
				if _, err := e.Decide(ctx, tt.in); err != nil {
					b.Fatal(err)
				}
				durations = append(durations, time.Since(start))
			}
			reportPercentiles(b, durations)
		})
	}
}

// reportPercentiles reports the p50 and p99 of durations, in nanoseconds.
func reportPercentiles(b *testing.B, durations []time.Duration) {
	if len(durations) == 0 {
		return
	}
	slices.Sort(durations)
	at := func(p float64) float64 { return float64(durations[int(p*float64(len(durations)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
}
