// Package ratestore keeps the guard's rate-limit buckets in Redis
// (rateLimits.store: redis), so that every replica in front of a service
// draws from the same buckets and sees the same quarantines.
package ratestore

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wwe-guard/wwe-guard/api"
)

// take is the token-bucket step of api's in-memory limiter, run in Redis
// so that a check and its take are one atomic step. KEYS are the buckets,
// ARGV[1] the time (ms), ARGV[2] the quarantine (ms), ARGV[3..] each
// bucket's limit per minute. A bucket is a hash: t tokens, l last refill
// (ms), q quarantined until (ms); it expires once it would be full again.
// It answers {0} when every bucket had a token (one is taken from each),
// else {wait ms, limit} of the first that had none.
var take = redis.NewScript(`
local now = tonumber(ARGV[1])
local quarantine = tonumber(ARGV[2])
local state = {}
local refused = nil
for i, key in ipairs(KEYS) do
  local n = tonumber(ARGV[2 + i])
  local b = redis.call('HMGET', key, 't', 'l', 'q')
  local t, l, q = tonumber(b[1]), tonumber(b[2]), tonumber(b[3]) or 0
  if t == nil then t = n; l = now end
  local wait = 0
  if now < q then
    wait = q - now
  else
    local per = 60000 / n
    t = math.min(n, t + (now - l) / per)
    l = now
    if t < 1 then
      wait = math.max((1 - t) * per, quarantine)
      if quarantine > 0 then q = now + quarantine end
    end
  end
  state[i] = {t, l, q, n}
  if wait > 0 and refused == nil then refused = {math.ceil(wait), n} end
end
for i, key in ipairs(KEYS) do
  local s = state[i]
  if refused == nil then s[1] = s[1] - 1 end
  redis.call('HSET', key, 't', tostring(s[1]), 'l', s[2], 'q', s[3])
  redis.call('PEXPIRE', key, 60000 + quarantine)
end
if refused == nil then return {0} end
return refused
`)

// Redis is an api.RateStore on one Redis server.
type Redis struct {
	client   *redis.Client
	prefix   string
	log      *slog.Logger
	lastWarn atomic.Int64 // unix ns of the last logged failure
}

var _ api.RateStore = (*Redis)(nil)

// NewRedis connects to the Redis at url (redis://host:port/db); keys start
// with "wwe-guard:rl:". It does not wait for the server: a call that cannot
// reach it fails, and the guard refuses the limited request.
func NewRedis(url string, log *slog.Logger) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("rateLimits.redis.url: %w", err)
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = time.Second, time.Second, time.Second
	opts.MaxRetries = 0
	return &Redis{client: redis.NewClient(opts), prefix: "wwe-guard:rl:", log: log}, nil
}

// Take implements api.RateStore.
func (r *Redis) Take(ctx context.Context, buckets []api.RateBucket, quarantine time.Duration) (time.Duration, int, error) {
	keys := make([]string, len(buckets))
	args := []any{time.Now().UnixMilli(), quarantine.Milliseconds()}
	for i, b := range buckets {
		keys[i] = r.prefix + b.Key
		args = append(args, b.PerMinute)
	}
	res, err := take.Run(ctx, r.client, keys, args...).Int64Slice()
	if err != nil {
		r.warn(err)
		return 0, 0, err
	}
	if len(res) == 0 || res[0] == 0 {
		return 0, 0, nil
	}
	if len(res) != 2 {
		err := fmt.Errorf("unexpected answer %v", res)
		r.warn(err)
		return 0, 0, err
	}
	return time.Duration(res[0]) * time.Millisecond, int(res[1]), nil
}

// warn logs a failure of the store, at most every 10 seconds.
func (r *Redis) warn(err error) {
	now := time.Now().UnixNano()
	if last := r.lastWarn.Load(); now-last < int64(10*time.Second) || !r.lastWarn.CompareAndSwap(last, now) {
		return
	}
	r.log.Error("rate limit store unreachable: limited requests are refused (429) until it answers", "err", err)
}

// Close closes the connections.
func (r *Redis) Close() error { return r.client.Close() }
