package api

import (
	"context"
	"math"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// RateBucket is one token bucket of a caller in a shared store: its key and
// its limit per minute.
type RateBucket struct {
	Key       string
	PerMinute int
}

// RateStore keeps the token buckets of the rate limits outside the process,
// so that replicas share them (rateLimits.store: redis).
type RateStore interface {
	// Take takes one token from every bucket if each has one, atomically;
	// otherwise it takes none, starts the quarantine of a bucket that had
	// none, and returns how long to wait and that bucket's limit.
	Take(ctx context.Context, buckets []RateBucket, quarantine time.Duration) (wait time.Duration, limit int, err error)
}

// WithStore makes rl keep its buckets in store; nil keeps them in memory.
func (rl *RateLimits) WithStore(store RateStore) *RateLimits {
	if rl != nil {
		rl.store = store
	}
	return rl
}

// take is allow through the store when there is one. A store that cannot
// answer fails closed: the request is refused as rate-limited (the store
// logs why).
func (rl *RateLimits) take(ctx context.Context, caller string, op wwe.Operation) error {
	if rl == nil || rl.store == nil {
		return rl.allow(caller, op)
	}
	var buckets []RateBucket
	if rl.global > 0 {
		buckets = append(buckets, RateBucket{Key: caller + "\x00*", PerMinute: rl.global})
	}
	if n := rl.perOp[op]; n > 0 {
		buckets = append(buckets, RateBucket{Key: caller + "\x00" + string(op), PerMinute: n})
	}
	if len(buckets) == 0 {
		return nil
	}
	wait, limit, err := rl.store.Take(ctx, buckets, rl.quarantine)
	if err != nil {
		e := wwe.Errorf(wwe.CodeRateLimited, "the rate limit could not be checked")
		e.RetryAfter = 1
		return e
	}
	if wait <= 0 {
		return nil
	}
	e := wwe.Errorf(wwe.CodeRateLimited, "rate limit of %d requests per minute exceeded", limit)
	e.RetryAfter = int(math.Ceil(wait.Seconds()))
	return e
}
