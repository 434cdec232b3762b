package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// loadSpec is one run of open-loop load against one target.
type loadSpec struct {
	base        string  // base URL, no trailing slash
	rate        float64 // requests per second
	duration    time.Duration
	warmup      time.Duration // load sent first at the same rate, not measured
	concurrency int           // workers, and so requests in flight and connections
	// drain is how long past the end of the schedule requests that have not
	// been sent yet may still be sent; the rest count as not sent.
	drain time.Duration
	mix   mix
	plan  *plan
	api   string // what the load speaks (--api)
	// socket sends each worker's requests, SCAPI envelopes, over a SCAPI
	// socket of its own, dialled with header.
	socket bool
	header http.Header
}

// sender is how one worker sends its requests: over the HTTP client, or
// over its own socket.
func (spec loadSpec) sender(client *http.Client) (func(context.Context, request) (outcome, error), func()) {
	if !spec.socket {
		return func(ctx context.Context, r request) (outcome, error) { return send(ctx, client, spec.base, r) }, func() {}
	}
	s := newSocketSender(spec.base, spec.header)
	return s.send, s.close
}

// sample is the measurement of one scheduled request.
type sample struct {
	op  opKind
	out outcome
	// latency runs from the request's intended send time (t0 + i/rate) to
	// the end of its answer, so time spent waiting for a free worker counts.
	latency time.Duration
	// wait runs from the intended send time to a worker taking the request:
	// the part of latency the load generator itself added.
	wait time.Duration
}

// runResult is what one run measured.
type runResult struct {
	samples []sample
	// elapsed runs from the first intended send to the last answer.
	elapsed time.Duration
	// maxInFlight is the most requests sent and not yet answered at once;
	// at spec.concurrency every worker was busy and requests queued in the
	// tool: the target did not keep up with the rate at that concurrency.
	maxInFlight int
}

// maxPause bounds one pause of the scheduler, so it sees ctx end soon.
const maxPause = 10 * time.Millisecond

// job is one scheduled request handed to a worker.
type job struct {
	req      request
	intended time.Time
}

// warm sends spec's load for spec.warmup, unmeasured: connections open,
// caches and the targets' runtimes settle.
func warm(ctx context.Context, client *http.Client, spec loadSpec) error {
	if spec.warmup <= 0 {
		return nil
	}
	spec.duration = spec.warmup
	if _, err := runLoad(ctx, client, spec); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	return nil
}

// runLoad sends spec.rate requests per second for spec.duration, open loop:
// request i is due at t0 + i/rate whether or not earlier ones have been
// answered. A pool of spec.concurrency workers sends them; when every worker
// is busy the schedule waits, but each request's latency is still measured
// from when it was due, so a stall of the target shows in the figures
// instead of slowing the load down (no coordinated omission). Requests not
// sent by the end of the schedule plus spec.drain are recorded as not sent.
func runLoad(ctx context.Context, client *http.Client, spec loadSpec) (runResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan job, spec.concurrency)
	perWorker := make([][]sample, spec.concurrency)
	lastDone := make([]time.Time, spec.concurrency)
	total := scheduleLength(spec.rate, spec.duration)
	var wg sync.WaitGroup
	var inFlight gauge
	t0 := time.Now()
	for w := range spec.concurrency {
		wg.Go(func() {
			send, done := spec.sender(client)
			defer done()
			local := make([]sample, 0, total/spec.concurrency+16)
			for j := range jobs {
				picked := time.Now()
				inFlight.add(1)
				out, err := send(ctx, j.req)
				inFlight.add(-1)
				if err != nil {
					continue // ctx ended; the scheduler reports it
				}
				done := time.Now()
				local = append(local, sample{op: j.req.op, out: out, latency: done.Sub(j.intended), wait: picked.Sub(j.intended)})
				lastDone[w] = done
			}
			perWorker[w] = local
		})
	}

	seq := newSequence(spec.mix, spec.plan)
	deadline := time.NewTimer(spec.duration + spec.drain)
	defer deadline.Stop()
	var notSent []sample
	i := 0
schedule:
	for ; i < total; i++ {
		intended := t0.Add(offset(i, spec.rate))
		for d := time.Until(intended); d > 0; d = time.Until(intended) {
			if ctx.Err() != nil {
				break schedule
			}
			pause(min(d, maxPause))
		}
		select {
		case jobs <- job{req: seq.Next(), intended: intended}:
		case <-deadline.C:
			stopped := time.Now()
			for ; i < total; i++ {
				notSent = append(notSent, sample{op: seq.Next().op, out: outcome{code: codeNotSent}, latency: stopped.Sub(t0.Add(offset(i, spec.rate)))})
			}
			break schedule
		case <-ctx.Done():
			break schedule
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return runResult{}, err
	}

	res := runResult{samples: make([]sample, 0, total)}
	end := t0
	for w, s := range perWorker {
		res.samples = append(res.samples, s...)
		if lastDone[w].After(end) {
			end = lastDone[w]
		}
	}
	if len(notSent) > 0 {
		res.samples = append(res.samples, notSent...)
		end = time.Now()
	}
	res.elapsed = end.Sub(t0)
	res.maxInFlight = inFlight.peak()
	return res, nil
}

// gauge counts something that goes up and down, and remembers its peak.
type gauge struct {
	now, max atomic.Int64
}

func (g *gauge) add(d int64) {
	n := g.now.Add(d)
	for m := g.max.Load(); n > m && !g.max.CompareAndSwap(m, n); m = g.max.Load() {
	}
}

func (g *gauge) peak() int { return int(g.max.Load()) }

// offset is when request i is due, after t0.
func offset(i int, rate float64) time.Duration {
	return time.Duration(float64(i) * float64(time.Second) / rate)
}

// scheduleLength is how many requests are due within d at rate: those i
// with offset(i) < d.
func scheduleLength(rate float64, d time.Duration) int {
	if rate <= 0 || d <= 0 {
		return 0
	}
	n := int(math.Ceil(rate * d.Seconds()))
	for n > 0 && offset(n-1, rate) >= d {
		n--
	}
	for offset(n, rate) < d {
		n++
	}
	return n
}
