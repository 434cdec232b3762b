package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func durations(msList ...float64) []time.Duration {
	out := make([]time.Duration, len(msList))
	for i, m := range msList {
		out[i] = time.Duration(m * float64(time.Millisecond))
	}
	return out
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", durations(3), 50, 3 * time.Millisecond},
		{"one sample p99.9", durations(3), 99.9, 3 * time.Millisecond},
		{"p50 of 100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 100", hundred, 99, 99 * time.Millisecond},
		{"p99.9 of 100 is the max", hundred, 99.9, 100 * time.Millisecond},
		{"p100", hundred, 100, 100 * time.Millisecond},
		{"tiny p is the min", hundred, 0.001, 1 * time.Millisecond},
		{"p50 of 4 is the 2nd", durations(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p51 of 4 is the 3rd", durations(1, 2, 3, 4), 51, 3 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("%s: percentile(p%g) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestDistribution(t *testing.T) {
	t.Parallel()
	got := distribution(durations(4, 1, 3, 2, 10))
	want := Latency{P50: 3, P90: 10, P99: 10, P999: 10, Max: 10, Mean: 4}
	if got != want {
		t.Errorf("distribution = %+v, want %+v", got, want)
	}
	if got := distribution(nil); got != (Latency{}) {
		t.Errorf("distribution(nil) = %+v", got)
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{5}, 5},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tc := range tests {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	in := []float64{3, 1, 2}
	median(in)
	if in[0] != 3 {
		t.Errorf("median sorted its argument: %v", in)
	}
	ls := []Latency{{P50: 1, P99: 30, Max: 9}, {P50: 3, P99: 10, Max: 7}, {P50: 2, P99: 20, Max: 8}}
	if got, want := medianLatency(ls), (Latency{P50: 2, P99: 20, Max: 8}); got != want {
		t.Errorf("medianLatency = %+v, want %+v", got, want)
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	m, _ := parseMix("set=1,refused=1,markdone=1")
	spec := loadSpec{base: "http://x", rate: 10, duration: time.Second, concurrency: 2, mix: m}
	samples := []sample{
		{op: opSet, out: outcome{status: 200}, latency: time.Millisecond},
		{op: opSet, out: outcome{status: 200}, latency: 2 * time.Millisecond},
		{op: opRefused, out: outcome{403, "USER_DATA_WRITE_NOT_ALLOWED"}, latency: 3 * time.Millisecond},
		{op: opRefused, out: outcome{status: 200}, latency: 4 * time.Millisecond},
		{op: opMarkdone, out: outcome{409, "MARKDONE_BLOCKED"}, latency: 5 * time.Millisecond},
		{op: opMarkdone, out: outcome{code: codeTransport}, latency: 6 * time.Millisecond},
		{op: opSet, out: outcome{code: codeNotSent}, latency: 7 * time.Millisecond},
	}
	r := summarize(runResult{samples: samples, elapsed: 2 * time.Second}, spec, kindGuard)
	if r.Scheduled != 7 || r.Answered != 5 || r.Unexpected != 3 {
		t.Errorf("scheduled %d answered %d unexpected %d, want 7 5 3", r.Scheduled, r.Answered, r.Unexpected)
	}
	if r.Throughput != 2.5 {
		t.Errorf("throughput = %v, want 2.5 (5 answers in 2 s)", r.Throughput)
	}
	if r.LatencyMs.P50 != 4 || r.LatencyMs.Max != 7 {
		t.Errorf("latency = %+v", r.LatencyMs)
	}
	var lines []string
	sum := 0
	for _, o := range r.Outcomes {
		lines = append(lines, strings.TrimSpace(strings.Join([]string{o.Op, strconv.Itoa(o.Status), o.ErrorCode, strconv.Itoa(o.Count), strconv.FormatBool(o.Expected)}, " ")))
		sum += o.Count
	}
	want := []string{
		"set 0 NOT_SENT 1 false", "set 200  2 true",
		"refused 200  1 false", "refused 403 USER_DATA_WRITE_NOT_ALLOWED 1 true",
		"markdone 0 TRANSPORT_ERROR 1 false", "markdone 409 MARKDONE_BLOCKED 1 true",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") || sum != r.Scheduled {
		t.Errorf("outcomes (sum %d):\n%s\nwant:\n%s", sum, strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	var b strings.Builder
	printReport(&b, r)
	if !strings.Contains(b.String(), "refused      200") || !strings.Contains(b.String(), "NO") {
		t.Errorf("table does not show the unexpected answer:\n%s", b.String())
	}
}

func TestGaugePeak(t *testing.T) {
	t.Parallel()
	var g gauge
	for _, d := range []int64{1, 1, -1, 1, 1, -1, -1, -1} {
		g.add(d)
	}
	if g.peak() != 3 {
		t.Errorf("peak = %d, want 3", g.peak())
	}
}

func TestScheduleLength(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rate float64
		d    time.Duration
		want int
	}{
		{200, time.Second, 200},
		{3, time.Second, 3},
		{3, 1001 * time.Millisecond, 4},
		{0.5, 3 * time.Second, 2},
		{1000, 0, 0},
		{1e5, 10 * time.Second, 1e6},
	}
	for _, tc := range tests {
		if got := scheduleLength(tc.rate, tc.d); got != tc.want {
			t.Errorf("scheduleLength(%g, %v) = %d, want %d", tc.rate, tc.d, got, tc.want)
		}
	}
}

// TestSearchMax drives the search with a fake target that passes every
// rate up to a threshold.
func TestSearchMax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		start, limit, threshold float64
		wantLo, wantHi          float64 // the answer is within [wantLo, wantHi]
	}{
		{"found by bisection", 100, 100000, 3000, 3000 * (1 - searchPrecision), 3000},
		{"capped at the limit", 100, 1000, 1e9, 1000, 1000},
		{"limit not a power of two of start", 100, 700, 650, 650 * (1 - searchPrecision), 650},
		{"start fails: bisect down", 1000, 5000, 300, 300*(1-searchPrecision) - 1, 300},
		{"nothing passes", 10, 100, 0, 0, 0},
	}
	for _, tc := range tests {
		var tried []float64
		got, err := searchMax(context.Background(), tc.start, tc.limit, func(_ context.Context, rate float64) (bool, error) {
			tried = append(tried, rate)
			return rate <= tc.threshold, nil
		})
		if err != nil || got < tc.wantLo || got > tc.wantHi {
			t.Errorf("%s: searchMax = %v, %v; want in [%v, %v] (tried %v)", tc.name, got, err, tc.wantLo, tc.wantHi, tried)
		}
		if len(tried) > 30 {
			t.Errorf("%s: %d steps", tc.name, len(tried))
		}
	}
	boom := errors.New("boom")
	if _, err := searchMax(context.Background(), 1, 10, func(context.Context, float64) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Errorf("searchMax error = %v, want boom", err)
	}
}
