package api

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// The WWE rate-limit options.
const (
	optRateLimit       = "service-client-api.rate-limit"
	optQuarantineDelay = "service-client-api.rate-limit-quarantine-delay"
)

// maxBuckets bounds the limiter's memory; past it, idle buckets are dropped.
const maxBuckets = 10000

// RateLimits enforces service-client-api.rate-limit (all requests of a
// caller together) and service-client-api.rate-limit.<request> (one request
// of a caller), in requests per minute, as token buckets per caller
// (origin). A caller that exceeds a limit is refused for the quarantine delay.
type RateLimits struct {
	global     int
	perOp      map[wwe.Operation]int
	quarantine time.Duration
	now        func() time.Time

	mu      sync.Mutex
	buckets map[bucketKey]*bucket
}

type bucketKey struct {
	caller string
	op     wwe.Operation // "" for the global limit
}

type bucket struct {
	tokens      float64
	last        time.Time
	quarantined time.Time // refused until then
}

// ParseRateLimits reads the rate-limit options; it returns nil when none
// limits anything.
func ParseRateLimits(options map[string]any) (*RateLimits, error) {
	rl := &RateLimits{perOp: map[wwe.Operation]int{}, now: time.Now, buckets: map[bucketKey]*bucket{}}
	var problems []string
	names := make([]string, 0, len(options))
	for name := range options {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name != optRateLimit && name != optQuarantineDelay && !strings.HasPrefix(name, optRateLimit+".") {
			continue
		}
		n, err := nonNegative(options[name])
		if err != nil {
			problems = append(problems, fmt.Sprintf("options.%s: %v", name, err))
			continue
		}
		switch {
		case name == optRateLimit:
			rl.global = n
		case name == optQuarantineDelay:
			rl.quarantine = time.Duration(n) * time.Second
		default:
			op, ok := wwe.ParseRequest(strings.TrimPrefix(name, optRateLimit+"."))
			if !ok {
				problems = append(problems, fmt.Sprintf("options.%s: unknown request name", name))
				continue
			}
			if n > 0 {
				rl.perOp[op] = n
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	if rl.global == 0 && len(rl.perOp) == 0 {
		return nil, nil
	}
	return rl, nil
}

func nonNegative(v any) (int, error) {
	var n int
	switch x := v.(type) {
	case int:
		n = x
	case int64:
		n = int(x)
	case string:
		var err error
		if n, err = strconv.Atoi(strings.TrimSpace(x)); err != nil {
			return 0, fmt.Errorf("must be a whole number of requests per minute")
		}
	default:
		return 0, fmt.Errorf("must be a whole number of requests per minute")
	}
	if n < 0 {
		return 0, fmt.Errorf("must not be negative")
	}
	return n, nil
}

// allow takes one request of caller for op, or returns RATE_LIMITED with the
// seconds to wait. A nil *RateLimits allows everything.
func (rl *RateLimits) allow(caller string, op wwe.Operation) error {
	if rl == nil {
		return nil
	}
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	var taken []*bucket
	for _, lim := range []struct {
		key bucketKey
		n   int
	}{{bucketKey{caller, ""}, rl.global}, {bucketKey{caller, op}, rl.perOp[op]}} {
		if lim.n == 0 {
			continue
		}
		b := rl.bucket(lim.key, lim.n, now)
		if wait := b.refuse(lim.n, now, rl.quarantine); wait > 0 {
			e := wwe.Errorf(wwe.CodeRateLimited, "rate limit of %d requests per minute exceeded", lim.n)
			e.RetryAfter = int(math.Ceil(wait.Seconds()))
			return e
		}
		taken = append(taken, b)
	}
	for _, b := range taken {
		b.tokens--
	}
	return nil
}

func (rl *RateLimits) bucket(key bucketKey, n int, now time.Time) *bucket {
	b, ok := rl.buckets[key]
	if !ok {
		if len(rl.buckets) >= maxBuckets {
			rl.prune(now)
		}
		b = &bucket{tokens: float64(n), last: now}
		rl.buckets[key] = b
	}
	return b
}

// refuse refills b and returns how long its caller must wait, or 0 when a
// token is there to take.
func (b *bucket) refuse(n int, now time.Time, quarantine time.Duration) time.Duration {
	if now.Before(b.quarantined) {
		return b.quarantined.Sub(now)
	}
	perToken := time.Minute / time.Duration(n)
	b.tokens = math.Min(float64(n), b.tokens+float64(now.Sub(b.last))/float64(perToken))
	b.last = now
	if b.tokens >= 1 {
		return 0
	}
	wait := time.Duration((1 - b.tokens) * float64(perToken))
	if quarantine > wait {
		wait = quarantine
	}
	if quarantine > 0 {
		b.quarantined = now.Add(quarantine)
	}
	return wait
}

// prune drops the buckets that are idle for over a minute: they are full.
func (rl *RateLimits) prune(now time.Time) {
	for k, b := range rl.buckets {
		if now.Sub(b.last) > time.Minute && !now.Before(b.quarantined) {
			delete(rl.buckets, k)
		}
	}
}
