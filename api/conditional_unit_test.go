package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// changingService is a fake service whose interaction changes behind the
// guard's back: its first `changes` writes are refused with
// INTERACTION_CHANGED. It counts the reads of each kind.
type changingService struct {
	*fakeService
	changes           atomic.Int64
	reads, remembered atomic.Int64
}

func (c *changingService) Interaction(ctx context.Context, id string) (*wwe.Interaction, error) {
	c.reads.Add(1)
	return c.fakeService.Interaction(ctx, id)
}

func (c *changingService) InteractionForWrite(ctx context.Context, id string) (*wwe.Interaction, error) {
	c.remembered.Add(1)
	return c.fakeService.Interaction(ctx, id)
}

func (c *changingService) Do(ctx context.Context, cmd wwe.Command) (*wwe.Interaction, error) {
	if c.changes.Add(-1) >= 0 {
		c.fakeService.mu.Lock()
		c.fakeService.writes = append(c.fakeService.writes, cmd)
		c.fakeService.mu.Unlock()
		return nil, wwe.Errorf(wwe.CodeInteractionChanged, "changed")
	}
	c.fakeService.mu.Lock()
	if it := c.fakeService.byID[cmd.InteractionID]; it != nil && it.Version > 0 {
		it.Version++ // a service with revisions: the answer is the next one
	}
	c.fakeService.mu.Unlock()
	return c.fakeService.Do(ctx, cmd)
}

// recordingDecider allows or strips, and records every input it decides.
type recordingDecider struct {
	mu     sync.Mutex
	inputs []policy.Input
	strip  []string // keys to strip (strip mode); none: allow
}

func (r *recordingDecider) Decide(_ context.Context, in policy.Input) (policy.Decision, error) {
	r.mu.Lock()
	r.inputs = append(r.inputs, in)
	r.mu.Unlock()
	if len(r.strip) == 0 || in.Operation != wwe.OpSetUserData {
		return policy.Decision{ID: "d", Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Would: policy.Forward, Enforced: true}}, nil
	}
	e := wwe.Errorf(wwe.CodeUserDataWriteNotAllowed, "refused")
	return policy.Decision{ID: "d", DeniedKeys: r.strip,
		Verdict: policy.Verdict{Action: policy.Strip, Would: policy.Strip, Err: e, Enforced: true, Drop: r.strip}}, nil
}

func (r *recordingDecider) AdmittedOrigins() policy.Origins { return policy.Origins{Any: true} }

func (r *recordingDecider) decided() []policy.Input {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]policy.Input(nil), r.inputs...)
}

// TestConditionalWrites: a write is decided on the interaction the service
// may answer from memory, forwarded conditioned on its revision, and — when
// the service says the interaction changed — decided again on a fresh read,
// at most three times; a client's own If-Match is never retried; the call
// is never changed between attempts, so a strip decides on every key again.
func TestConditionalWrites(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		changes    int64
		header     []string
		status     int
		attempts   int // decisions
		remembered int64
		reads      int64
	}{
		{"no change: one attempt on the remembered revision", 0, nil, http.StatusOK, 1, 1, 0},
		{"one change: decided again on a fresh read", 1, nil, http.StatusOK, 2, 1, 1},
		{"changes every time: three attempts, then 409", 5, nil, http.StatusConflict, 3, 1, 2},
		{"the client's If-Match: read afresh, never retried", 5, []string{"If-Match", `"b.1"`}, http.StatusConflict, 1, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := &changingService{fakeService: newFakeService()}
			svc.byID["1"].Version, svc.byID["1"].Boot = 1, "b"
			svc.changes.Store(tt.changes)
			d := &recordingDecider{}
			s := New(Config{Service: svc, Decider: d})
			req := newRequest(http.MethodPatch, "/v1/interactions/1/user-data", `{"Notes":"x"}`, tt.header...)
			rec := do(s, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if n := len(d.decided()); n != tt.attempts {
				t.Errorf("decisions = %d, want %d", n, tt.attempts)
			}
			if svc.remembered.Load() != tt.remembered || svc.reads.Load() != tt.reads {
				t.Errorf("reads: %d remembered, %d fresh; want %d, %d", svc.remembered.Load(), svc.reads.Load(), tt.remembered, tt.reads)
			}
			for _, cmd := range svc.written() {
				if cmd.IfMatch != (wwe.Revision{Boot: "b", Version: 1}) {
					t.Errorf("forwarded with If-Match %+v, want the decided revision", cmd.IfMatch)
				}
			}
		})
	}
	t.Run("a strip decides on every key again", func(t *testing.T) {
		t.Parallel()
		svc := &changingService{fakeService: newFakeService()}
		svc.changes.Store(1)
		d := &recordingDecider{strip: []string{"TaxId"}}
		s := New(Config{Service: svc, Decider: d})
		if rec := do(s, newRequest(http.MethodPatch, "/v1/interactions/1/user-data", `{"Notes":"x","TaxId":"1"}`)); rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		for i, in := range d.decided() {
			if diff := cmp.Diff(wwe.UserData{"Notes": "x", "TaxId": "1"}, in.KeyValues); diff != "" {
				t.Errorf("decision %d saw (-want +got):\n%s", i+1, diff)
			}
		}
		for i, cmd := range svc.written() {
			if diff := cmp.Diff(wwe.UserData{"Notes": "x"}, cmd.KeyValues); diff != "" {
				t.Errorf("forward %d carried (-want +got):\n%s", i+1, diff)
			}
		}
	})
	t.Run("reads are neither remembered nor retried", func(t *testing.T) {
		t.Parallel()
		svc := &changingService{fakeService: newFakeService()}
		s := New(Config{Service: svc, Decider: &recordingDecider{}})
		if rec := do(s, newRequest(http.MethodGet, "/v1/interactions/1", "")); rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		if svc.remembered.Load() != 0 || svc.reads.Load() != 1 {
			t.Errorf("a read used %d remembered and %d fresh reads, want 0 and 1", svc.remembered.Load(), svc.reads.Load())
		}
	})
}

// TestConditionalWritesOneAtATime: the guard's writes to one interaction
// never overlap, so none is refused for a revision another moved on.
func TestConditionalWritesOneAtATime(t *testing.T) {
	t.Parallel()
	var inFlight, most atomic.Int64
	var w conditionalWrites
	cl := &call{op: wwe.OpSetUserData, interactionID: "1"}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_, _, _ = w.run(cl, func(bool) (any, int, error) {
				n := inFlight.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(time.Millisecond) // held open: a second write, if let in, overlaps it
				inFlight.Add(-1)
				return nil, http.StatusOK, nil
			})
		})
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d writes to one interaction ran at once, want 1", most.Load())
	}
}

func newRequest(method, path, body string, header ...string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

func do(s *Server, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}
