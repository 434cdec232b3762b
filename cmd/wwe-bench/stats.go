package main

import (
	"math"
	"slices"
	"time"
)

// Latency is a latency distribution in milliseconds. Percentiles are exact:
// every sample is kept and sorted (nearest-rank method), which is cheap at
// the volumes of a benchmark run (a few hundred thousand samples).
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99.9"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted: the smallest value with at least p% of the samples at or below
// it. It is 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// distribution sorts ds in place and returns its percentiles.
func distribution(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return Latency{
		P50:  ms(percentile(ds, 50)),
		P90:  ms(percentile(ds, 90)),
		P99:  ms(percentile(ds, 99)),
		P999: ms(percentile(ds, 99.9)),
		Max:  ms(ds[len(ds)-1]),
		Mean: ms(sum / time.Duration(len(ds))),
	}
}

// ms converts d to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// median returns the median of xs (the mean of the middle two for an even
// count), or 0 for none. xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// medianLatency is the per-figure median of several runs' distributions:
// each percentile is the median of that percentile over the runs.
func medianLatency(ls []Latency) Latency {
	pick := func(f func(Latency) float64) float64 {
		xs := make([]float64, len(ls))
		for i, l := range ls {
			xs[i] = f(l)
		}
		return median(xs)
	}
	return Latency{
		P50:  pick(func(l Latency) float64 { return l.P50 }),
		P90:  pick(func(l Latency) float64 { return l.P90 }),
		P99:  pick(func(l Latency) float64 { return l.P99 }),
		P999: pick(func(l Latency) float64 { return l.P999 }),
		Max:  pick(func(l Latency) float64 { return l.Max }),
		Mean: pick(func(l Latency) float64 { return l.Mean }),
	}
}
