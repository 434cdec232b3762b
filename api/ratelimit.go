package api

import (
	"container/list"
	"fmt"
	"maps"
	"math"
	"slices"
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

// DefaultMaxCallers is how many callers the limiter tracks at most
// (rateLimits.maxCallers): past it, the least recently seen caller is
// forgotten, its buckets full again when it returns.
const DefaultMaxCallers = 10000

// RateLimits enforces service-client-api.rate-limit (all requests of a
// caller together) and service-client-api.rate-limit.<request> (one request
// of a caller), in requests per minute, as token buckets per caller
// (origin). A caller that exceeds a limit is refused for the quarantine
// delay. At most maxCallers callers are tracked, in least-recently-used
// order, each request costing O(1) whatever their number.
type RateLimits struct {
	global     int
	perOp      map[wwe.Operation]int
	quarantine time.Duration
	maxCallers int
	now        func() time.Time
	store      RateStore // nil: the buckets below, in this process

	mu      sync.Mutex
	callers map[string]*list.Element // of *callerBuckets, in lru
	lru     list.List                // front: most recently seen
}

// Same reports whether rl and other limit alike (nil is no limit): a
// reload that keeps the limits keeps the buckets.
func (rl *RateLimits) Same(other *RateLimits) bool {
	if rl == nil || other == nil {
		return rl == other
	}
	return rl.global == other.global && maps.Equal(rl.perOp, other.perOp) &&
		rl.quarantine == other.quarantine && rl.maxCallers == other.maxCallers && rl.store == other.store
}

// callerBuckets are the buckets of one caller.
type callerBuckets struct {
	caller string
	global bucket
	perOp  map[wwe.Operation]*bucket
}

type bucket struct {
	tokens      float64
	last        time.Time
	quarantined time.Time // refused until then
	started     bool
}

// ParseRateLimits reads the rate-limit options; it returns nil when none
// limits anything.
func ParseRateLimits(options map[string]any) (*RateLimits, error) {
	rl := &RateLimits{perOp: map[wwe.Operation]int{}, now: time.Now, maxCallers: DefaultMaxCallers, callers: map[string]*list.Element{}}
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(options)) {
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

// WithMaxCallers sets how many callers rl tracks at most (n > 0); it
// returns rl, which may be nil.
func (rl *RateLimits) WithMaxCallers(n int) *RateLimits {
	if rl != nil && n > 0 {
		rl.maxCallers = n
	}
	return rl
}

// Callers returns how many callers the limiter tracks now.
func (rl *RateLimits) Callers() int {
	if rl == nil {
		return 0
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	return rl.lru.Len()
}

// allow takes one request of caller for op, or returns RATE_LIMITED with the
// seconds to wait. A nil *RateLimits allows everything.
func (rl *RateLimits) allow(caller string, op wwe.Operation) error {
	if rl == nil {
		return nil
	}
	perOp := rl.perOp[op]
	if rl.global == 0 && perOp == 0 {
		return nil
	}
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	cb := rl.caller(caller)
	var global, one *bucket
	if rl.global > 0 {
		global = &cb.global
		if err := rl.admit(global, rl.global, now); err != nil {
			return err
		}
	}
	if perOp > 0 {
		one = cb.op(op)
		if err := rl.admit(one, perOp, now); err != nil {
			return err
		}
	}
	// Only a request both limits admit takes a token from each.
	for _, b := range [2]*bucket{global, one} {
		if b != nil {
			b.tokens--
		}
	}
	return nil
}

// admit checks that b, limited to n per minute, has a token to take.
func (rl *RateLimits) admit(b *bucket, n int, now time.Time) error {
	wait := b.refuse(n, now, rl.quarantine)
	if wait == 0 {
		return nil
	}
	e := wwe.Errorf(wwe.CodeRateLimited, "rate limit of %d requests per minute exceeded", n)
	e.RetryAfter = int(math.Ceil(wait.Seconds()))
	return e
}

// caller returns the buckets of caller, most recently seen now, tracking it
// (and forgetting the least recently seen caller when full) if it is new.
func (rl *RateLimits) caller(caller string) *callerBuckets {
	if el, ok := rl.callers[caller]; ok {
		rl.lru.MoveToFront(el)
		return el.Value.(*callerBuckets)
	}
	if rl.lru.Len() >= rl.maxCallers {
		oldest := rl.lru.Back()
		delete(rl.callers, oldest.Value.(*callerBuckets).caller)
		rl.lru.Remove(oldest)
	}
	cb := &callerBuckets{caller: caller}
	rl.callers[caller] = rl.lru.PushFront(cb)
	return cb
}

func (cb *callerBuckets) op(op wwe.Operation) *bucket {
	b, ok := cb.perOp[op]
	if !ok {
		if cb.perOp == nil {
			cb.perOp = map[wwe.Operation]*bucket{}
		}
		b = &bucket{}
		cb.perOp[op] = b
	}
	return b
}

// refuse refills b and returns how long its caller must wait, or 0 when a
// token is there to take.
func (b *bucket) refuse(n int, now time.Time, quarantine time.Duration) time.Duration {
	if !b.started {
		b.tokens, b.last, b.started = float64(n), now, true
	}
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
