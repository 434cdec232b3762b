package api

import (
	"fmt"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// TestRateLimitsTrackAtMostMaxCallers: 30,000 distinct callers leave the
// limiter tracking no more than its cap, and the callers it keeps are the
// most recently seen, still limited.
func TestRateLimitsTrackAtMostMaxCallers(t *testing.T) {
	t.Parallel()
	rl, err := ParseRateLimits(map[string]any{"service-client-api.rate-limit": 2})
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
