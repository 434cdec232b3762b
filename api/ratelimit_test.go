package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// testClock is the limiter's clock, moved by hand.
type testClock struct{ now time.Time }

func (c *testClock) advance(d time.Duration) { c.now = c.now.Add(d) }

// mustRateLimits parses options into a limiter that reads clock.
func mustRateLimits(tb testing.TB, options map[string]any, clock *testClock) *RateLimits {
	tb.Helper()
	rl, err := ParseRateLimits(options)
	if err != nil {
		tb.Fatal(err)
	}
	if rl == nil {
		tb.Fatalf("ParseRateLimits(%v) limits nothing", options)
	}
	rl.now = func() time.Time { return clock.now }
	return rl
}

// limitStep is one request to a limiter, after the clock moved by advance.
type limitStep struct {
	advance time.Duration
	caller  string
	op      wwe.Operation
	// want is "" when the request is admitted, else the message of its
	// RATE_LIMITED error.
	want       string
	retryAfter int // seconds, when refused
}

// runLimitSteps plays steps against rl in order.
func runLimitSteps(t *testing.T, rl *RateLimits, clock *testClock, steps []limitStep) {
	t.Helper()
	for i, st := range steps {
		clock.advance(st.advance)
		caller := st.caller
		if caller == "" {
			caller = crmOrigin
		}
		err := rl.allow(caller, st.op)
		if st.want == "" {
			if err != nil {
				t.Fatalf("step %d (%s %s at +%s): %v, want it admitted", i, caller, st.op, st.advance, err)
			}
			continue
		}
		var e *wwe.Error
		if !errors.As(err, &e) || e.Code != wwe.CodeRateLimited {
			t.Fatalf("step %d (%s %s at +%s): %v, want RATE_LIMITED", i, caller, st.op, st.advance, err)
		}
		if e.Message != st.want || e.RetryAfter != st.retryAfter {
			t.Fatalf("step %d (%s %s): refused with %q, Retry-After %d; want %q, Retry-After %d",
				i, caller, st.op, e.Message, e.RetryAfter, st.want, st.retryAfter)
		}
	}
}

// playLimits plays steps against a limiter of options on a clock of its own.
func playLimits(t *testing.T, options map[string]any, steps []limitStep) {
	t.Helper()
	clock := &testClock{now: time.Unix(1000, 0)}
	runLimitSteps(t, mustRateLimits(t, options, clock), clock, steps)
}

// exceeded is the message of a refusal by a limit of n requests a minute.
func exceeded(n int) string {
	return fmt.Sprintf("rate limit of %d requests per minute exceeded", n)
}

// perRequest is the name of the rate-limit option of op's request alone.
// The option names are spelled out in TestParseRateLimits.
func perRequest(op wwe.Operation) string { return optRateLimit + "." + op.Request() }

// repeat is n copies of st.
func repeat(n int, st limitStep) []limitStep {
	out := make([]limitStep, n)
	for i := range out {
		out[i] = st
	}
	return out
}

// TestRateLimitsTrackAtMostMaxCallers: 30,000 distinct callers leave the
// limiter tracking no more than its cap, and the callers it keeps are the
// most recently seen, still limited.
func TestRateLimitsTrackAtMostMaxCallers(t *testing.T) {
	t.Parallel()
	rl, err := ParseRateLimits(map[string]any{optRateLimit: 2})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(0, 0)
	rl.now = func() time.Time { return now }
	for i := range 30000 {
		if err := rl.allow(fmt.Sprintf("https://c%d.example", i), wwe.OpGetInteractions); err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if n := rl.Callers(); n > DefaultMaxCallers {
			t.Fatalf("after %d callers the limiter tracks %d, over the cap %d", i+1, n, DefaultMaxCallers)
		}
	}
	if n := rl.Callers(); n != DefaultMaxCallers {
		t.Errorf("tracked callers = %d, want %d", n, DefaultMaxCallers)
	}
	last := "https://c29999.example"
	if err := rl.allow(last, wwe.OpGetInteractions); err != nil {
		t.Fatalf("second request of the last caller: %v", err)
	}
	if err := rl.allow(last, wwe.OpGetInteractions); wwe.ErrorCode(err) != wwe.CodeRateLimited {
		t.Errorf("third request of the last caller in a minute: %v, want RATE_LIMITED", err)
	}
}

// TestRateLimitsRefill: a bucket of n per minute starts full, gains one
// token every minute/n, never holds more than n, and a refused request is
// told to come back when the next token is there.
func TestRateLimitsRefill(t *testing.T) {
	t.Parallel()
	limited := exceeded(60)
	get := limitStep{op: wwe.OpGetInteractions}
	refused := limitStep{op: wwe.OpGetInteractions, want: limited, retryAfter: 1}
	tests := []struct {
		name  string
		steps []limitStep
	}{
		{"starts full", append(repeat(60, get), refused)},
		{"one token a second", append(append(repeat(60, get), refused),
			limitStep{advance: time.Second, op: wwe.OpGetInteractions}, refused)},
		{"half a token is not one", append(append(repeat(60, get), refused),
			limitStep{advance: 500 * time.Millisecond, op: wwe.OpGetInteractions, want: limited, retryAfter: 1},
			limitStep{advance: 500 * time.Millisecond, op: wwe.OpGetInteractions})},
		{"thirty seconds, thirty tokens", append(append(append(repeat(60, get),
			limitStep{advance: 30 * time.Second, op: wwe.OpGetInteractions}), repeat(29, get)...), refused)},
		{"an idle hour fills the bucket, no more", append(append(append(repeat(60, get),
			limitStep{advance: time.Hour, op: wwe.OpGetInteractions}), repeat(59, get)...), refused)},
		{"callers have their own buckets", append(append(repeat(60, get), refused),
			limitStep{caller: otherOrigin, op: wwe.OpGetInteractions})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			playLimits(t, map[string]any{optRateLimit: 60}, tt.steps)
		})
	}
}

// TestRateLimitsGlobalAndPerRequest: a request must pass both the limit of
// all requests and the limit of its own request name, and takes a token
// from each only when both admit it.
func TestRateLimitsGlobalAndPerRequest(t *testing.T) {
	t.Parallel()
	global, perSet, perGet := optRateLimit, perRequest(wwe.OpSetUserData), perRequest(wwe.OpGetInteractions)
	set := func(advance time.Duration, want string, retry int) limitStep {
		return limitStep{advance: advance, op: wwe.OpSetUserData, want: want, retryAfter: retry}
	}
	get := func(advance time.Duration, want string, retry int) limitStep {
		return limitStep{advance: advance, op: wwe.OpGetInteractions, want: want, retryAfter: retry}
	}
	tests := []struct {
		name    string
		options map[string]any
		steps   []limitStep
	}{
		{"the request limit refuses before the global one", map[string]any{global: 3, perSet: 1}, []limitStep{
			set(0, "", 0),
			set(0, exceeded(1), 60), // refused by its own limit: the global bucket keeps its token
			get(0, "", 0),
			get(0, "", 0),
			get(0, exceeded(3), 20),
		}},
		{"the global limit refuses, the request bucket keeps its token", map[string]any{global: 2, perSet: 1}, []limitStep{
			get(0, "", 0),
			get(0, "", 0),
			set(0, exceeded(2), 30),    // refused by the global limit: setUserData keeps its token
			set(30*time.Second, "", 0), // the global bucket has one again; setUserData had one all along
			set(30*time.Second, exceeded(1), 30),
		}},
		{"a request limit alone leaves the others unlimited", map[string]any{perSet: 1}, append(
			repeat(100, get(0, "", 0)),
			set(0, "", 0), set(0, exceeded(1), 60), get(0, "", 0))},
		{"each request name has its own bucket", map[string]any{perSet: 2, perGet: 2}, []limitStep{
			set(0, "", 0), set(0, "", 0), set(0, exceeded(2), 30),
			get(0, "", 0), get(0, "", 0), get(0, exceeded(2), 30),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			playLimits(t, tt.options, tt.steps)
		})
	}
}

// TestRateLimitsQuarantine: a caller over its limit is refused for the
// quarantine delay, even once its bucket has refilled, and told how long
// is left; without a quarantine it waits only for the next token.
func TestRateLimitsQuarantine(t *testing.T) {
	t.Parallel()
	limited := exceeded(60)
	get := limitStep{op: wwe.OpGetInteractions}
	tests := []struct {
		name       string
		quarantine any
		steps      []limitStep
	}{
		{"none: the next token", nil, append(repeat(60, get),
			limitStep{op: wwe.OpGetInteractions, want: limited, retryAfter: 1},
			limitStep{advance: time.Second, op: wwe.OpGetInteractions})},
		{"ten seconds", 10, append(repeat(60, get),
			limitStep{op: wwe.OpGetInteractions, want: limited, retryAfter: 10},
			limitStep{advance: 4 * time.Second, op: wwe.OpGetInteractions, want: limited, retryAfter: 6},
			limitStep{advance: 5 * time.Second, op: wwe.OpGetInteractions, want: limited, retryAfter: 1},
			limitStep{advance: time.Second, op: wwe.OpGetInteractions})},
		{"a quarantine shorter than the next token", "1", []limitStep{
			{op: wwe.OpSetUserData},
			{op: wwe.OpSetUserData, want: exceeded(1), retryAfter: 60},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			options := map[string]any{optRateLimit: 60, perRequest(wwe.OpSetUserData): 1}
			if tt.quarantine != nil {
				options[optQuarantineDelay] = tt.quarantine
			}
			playLimits(t, options, tt.steps)
		})
	}
}

// TestRateLimitedAnswer: a refused request is answered 429 RATE_LIMITED with
// Retry-After, and reaches neither the policies nor the service.
func TestRateLimitedAnswer(t *testing.T) {
	t.Parallel()
	clock := &testClock{now: time.Unix(1000, 0)}
	rl := mustRateLimits(t, map[string]any{optRateLimit: 1, optQuarantineDelay: 90}, clock)
	decisions := 0
	svc := newFakeService()
	s := New(Config{Service: svc, RateLimits: rl, Decider: deciderFunc(func(policy.Input) (policy.Decision, error) {
		decisions++
		return policy.Decision{Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Enforced: true}}, nil
	})})
	patch := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPatch, "/v1/interactions/1/user-data", strings.NewReader(`{"Notes":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", crmOrigin)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	if rec := patch(); rec.Code != http.StatusOK {
		t.Fatalf("first request: %d %s", rec.Code, rec.Body)
	}
	decided, written := decisions, len(svc.written())
	rec := patch()
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "90" {
		t.Errorf("second request: %d, Retry-After %q; want 429, Retry-After 90", rec.Code, rec.Header().Get("Retry-After"))
	}
	if want := `{"errorCode":"RATE_LIMITED","errorMessage":"rate limit of 1 requests per minute exceeded"}`; strings.TrimSpace(rec.Body.String()) != want {
		t.Errorf("second request's body = %s, want %s", rec.Body, want)
	}
	if decisions != decided || len(svc.written()) != written {
		t.Errorf("the refused request made %d decisions and %d writes, want none", decisions-decided, len(svc.written())-written)
	}
}

// TestRateLimitsZeroIsUnlimited: 0 limits nothing; options that limit
// nothing give no limiter at all, and a nil limiter admits everything.
func TestRateLimitsZeroIsUnlimited(t *testing.T) {
	t.Parallel()
	for _, options := range []map[string]any{
		nil,
		{"service-client-api.rate-limit": 0},
		{"service-client-api.rate-limit": "0", "service-client-api.rate-limit.interaction.markdone": 0},
		{"service-client-api.rate-limit-quarantine-delay": 30},
		{"service-client-api.user-data.write-allowed": "Notes"},
	} {
		rl, err := ParseRateLimits(options)
		if err != nil || rl != nil {
			t.Errorf("ParseRateLimits(%v) = %v, %v; want no limiter", options, rl, err)
		}
	}
	var none *RateLimits
	for range 1000 {
		if err := none.allow(crmOrigin, wwe.OpSetUserData); err != nil {
			t.Fatalf("a nil limiter refused: %v", err)
		}
	}
	if none.Callers() != 0 || none.WithMaxCallers(5) != nil {
		t.Error("a nil limiter tracks callers")
	}

	// A request limit of 0 next to a global one: that request has only
	// the global limit.
	clock := &testClock{now: time.Unix(1000, 0)}
	rl := mustRateLimits(t, map[string]any{optRateLimit: 2, perRequest(wwe.OpMarkDone): 0}, clock)
	runLimitSteps(t, rl, clock, []limitStep{
		{op: wwe.OpMarkDone}, {op: wwe.OpMarkDone},
		{op: wwe.OpMarkDone, want: exceeded(2), retryAfter: 30},
	})
	if rl.Callers() != 1 {
		t.Errorf("tracked callers = %d, want 1", rl.Callers())
	}
}

// TestRateLimitsForgetLeastRecentlySeen: past its cap the limiter forgets
// the caller it saw least recently (whose next request finds full buckets),
// a request refused or not counting as seeing it.
func TestRateLimitsForgetLeastRecentlySeen(t *testing.T) {
	t.Parallel()
	limited := exceeded(1)
	clock := &testClock{now: time.Unix(1000, 0)}
	rl := mustRateLimits(t, map[string]any{optRateLimit: 1}, clock).WithMaxCallers(2)
	a, b, c := "https://a.example", "https://b.example", "https://c.example"
	step := func(caller string, want string) limitStep {
		st := limitStep{caller: caller, op: wwe.OpGetInteractions, want: want}
		if want != "" {
			st.retryAfter = 60
		}
		return st
	}
	runLimitSteps(t, rl, clock, []limitStep{
		step(a, ""), step(b, ""), // tracked: b, a (most recent first)
		step(a, limited), // a seen again: a, b
		step(c, ""),      // b forgotten: c, a
		step(a, limited), // a remembered: a, c
		step(b, ""),      // b returns with a full bucket; c forgotten: b, a
		step(c, ""),      // so does c; a forgotten: c, b
		step(b, limited),
		step(a, ""),
	})
	if n := rl.Callers(); n != 2 {
		t.Errorf("tracked callers = %d, want 2", n)
	}
}

// TestParseRateLimits: the options read into limits, and every problem with
// them is reported at once, in the order of the option names.
func TestParseRateLimits(t *testing.T) {
	t.Parallel()
	type limits struct {
		Global     int
		PerOp      map[wwe.Operation]int
		Quarantine time.Duration
	}
	tests := []struct {
		name    string
		options map[string]any
		want    limits
		wantErr string
	}{
		{"all of them", map[string]any{
			"service-client-api.rate-limit":                                 120,
			"service-client-api.rate-limit.interaction.getByInteractionId":  int64(60),
			"service-client-api.rate-limit.interaction.setUserData":         " 10 ",
			"service-client-api.rate-limit.interaction.markdone":            0,
			"service-client-api.rate-limit-quarantine-delay":                "30",
			"service-client-api.user-data.write-allowed":                    "Notes",
			"service-client-api.rate-limit-something-else-entirely-ignored": "x",
		}, limits{Global: 120, PerOp: map[wwe.Operation]int{wwe.OpGetByInteractionID: 60, wwe.OpSetUserData: 10}, Quarantine: 30 * time.Second}, ""},
		{"negative", map[string]any{"service-client-api.rate-limit": -1}, limits{},
			"options.service-client-api.rate-limit: must not be negative"},
		{"negative string", map[string]any{"service-client-api.rate-limit.interaction.markdone": "-5"}, limits{},
			"options.service-client-api.rate-limit.interaction.markdone: must not be negative"},
		{"negative quarantine", map[string]any{"service-client-api.rate-limit": 1, "service-client-api.rate-limit-quarantine-delay": -30}, limits{},
			"options.service-client-api.rate-limit-quarantine-delay: must not be negative"},
		{"not a number", map[string]any{"service-client-api.rate-limit": "ten"}, limits{},
			"options.service-client-api.rate-limit: must be a whole number of requests per minute"},
		{"a fraction", map[string]any{"service-client-api.rate-limit": 1.5}, limits{},
			"options.service-client-api.rate-limit: must be a whole number of requests per minute"},
		{"a boolean", map[string]any{"service-client-api.rate-limit": true}, limits{},
			"options.service-client-api.rate-limit: must be a whole number of requests per minute"},
		{"unknown request name", map[string]any{"service-client-api.rate-limit.interaction.setUserDtaa": 5}, limits{},
			"options.service-client-api.rate-limit.interaction.setUserDtaa: unknown request name"},
		{"request name without its namespace", map[string]any{"service-client-api.rate-limit.setUserData": 5}, limits{},
			"options.service-client-api.rate-limit.setUserData: unknown request name"},
		{"every problem at once", map[string]any{
			"service-client-api.rate-limit":                      -1,
			"service-client-api.rate-limit.interaction.nope":     1,
			"service-client-api.rate-limit.interaction.markdone": "x",
		}, limits{}, "options.service-client-api.rate-limit: must not be negative\n" +
			"options.service-client-api.rate-limit.interaction.markdone: must be a whole number of requests per minute\n" +
			"options.service-client-api.rate-limit.interaction.nope: unknown request name"},
		{"a Workspace API v3 operation is not a SCAPI request", map[string]any{"service-client-api.rate-limit.interaction.manageUserData": 5}, limits{},
			"options.service-client-api.rate-limit.interaction.manageUserData: unknown request name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rl, err := ParseRateLimits(tt.options)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || rl != nil {
					t.Fatalf("ParseRateLimits = %v, %v\nwant the error:\n%s", rl, err, tt.wantErr)
				}
				return
			}
			if err != nil || rl == nil {
				t.Fatalf("ParseRateLimits = %v, %v", rl, err)
			}
			got := limits{Global: rl.global, PerOp: rl.perOp, Quarantine: rl.quarantine}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("limits (-want +got):\n%s", diff)
			}
			if rl.maxCallers != DefaultMaxCallers {
				t.Errorf("maxCallers = %d, want %d", rl.maxCallers, DefaultMaxCallers)
			}
		})
	}
}
