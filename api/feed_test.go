package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// feedService is a Service whose event stream the test writes: each
// Subscribe opens an upstream the test receives from subscriptions.
type feedService struct {
	subscriptions chan *upstream
	subscribed    atomic.Int32
}

// upstream is one subscription to the service's events.
type upstream struct {
	ctx    context.Context // the guard's context for it: done once the guard closes it
	events chan wwe.Event
}

var _ api.Service = (*feedService)(nil)

func newFeedService() *feedService { return &feedService{subscriptions: make(chan *upstream, 16)} }

func (f *feedService) Interactions(context.Context) ([]*wwe.Interaction, error) { return nil, nil }
func (f *feedService) Interaction(_ context.Context, id string) (*wwe.Interaction, error) {
	return nil, wwe.Errorf(wwe.CodeInteractionNotFound, "interaction %q not found", id)
}
func (f *feedService) InteractionForWrite(ctx context.Context, id string) (*wwe.Interaction, error) {
	return f.Interaction(ctx, id)
}
func (f *feedService) Do(context.Context, wwe.Command) (*wwe.Interaction, error) { return nil, nil }
func (f *feedService) Ready(context.Context) error                               { return nil }

// Subscribe forwards what the test sends on the upstream until the test
// closes it or ctx ends, as a service's stream does.
func (f *feedService) Subscribe(ctx context.Context) (<-chan wwe.Event, error) {
	up := &upstream{ctx: ctx, events: make(chan wwe.Event)}
	out := make(chan wwe.Event)
	go func() {
		defer close(out)
		for {
			select {
			case ev, ok := <-up.events:
				if !ok {
					return
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	f.subscribed.Add(1)
	f.subscriptions <- up
	return out, nil
}

// next returns the upstream the guard opened next.
func (f *feedService) next(t *testing.T) *upstream {
	t.Helper()
	select {
	case up := <-f.subscriptions:
		return up
	case <-time.After(10 * time.Second):
		t.Fatal("the guard did not subscribe to the service within 10s")
	}
	return nil
}

// send hands ev to the guard.
func (up *upstream) send(t *testing.T, ev wwe.Event) {
	t.Helper()
	select {
	case up.events <- ev:
	case <-time.After(10 * time.Second):
		t.Fatal("the guard did not take an event within 10s")
	}
}

// closed waits for the guard to close the upstream.
func (up *upstream) closed(t *testing.T) {
	t.Helper()
	select {
	case <-up.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the guard did not close the service's stream within 10s")
	}
}

// readCounter decides everything, counting the read decisions (inputs
// that carry an interaction) of each caller; it refuses the read of the
// interactions refused names to that caller.
type readCounter struct {
	refused map[string]string // origin → interaction id it may not read

	mu    sync.Mutex
	reads map[string]int
}

var _ api.Decider = (*readCounter)(nil)

func (d *readCounter) Decide(_ context.Context, in policy.Input) (policy.Decision, error) {
	if in.Interaction == nil { // the subscription itself
		return policy.Decision{ID: "sub", Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Enforced: true}}, nil
	}
	d.mu.Lock()
	if d.reads == nil {
		d.reads = map[string]int{}
	}
	d.reads[in.Caller.Origin]++
	d.mu.Unlock()
	if id, ok := d.refused[in.Caller.Origin]; ok && id == in.Interaction.InteractionID {
		return policy.Decision{ID: "read", Verdict: policy.Verdict{Action: policy.Refuse, Enforced: true,
			Err: wwe.Errorf(wwe.CodeRequestNotAllowed, "not this one")}}, nil
	}
	return policy.Decision{ID: "read", Allow: true, Verdict: policy.Verdict{Action: policy.Forward, Enforced: true}}, nil
}

func (d *readCounter) AdmittedOrigins() policy.Origins { return policy.Origins{Any: true} }

func (d *readCounter) counts() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]int{}
	for k, v := range d.reads {
		out[k] = v
	}
	return out
}

// feedServer serves the guard, with decider d, over a new feedService.
func feedServer(t *testing.T, d api.Decider) (*feedService, *api.Server, string) {
	t.Helper()
	svc := newFeedService()
	s := api.New(api.Config{Service: svc, Decider: d})
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.EndStreams()
		ts.Close()
	})
	return svc, s, ts.URL
}

// expectAllGone waits for the guard to close the service's stream up and
// to have no subscriber left.
func expectAllGone(t *testing.T, s *api.Server, up *upstream) {
	t.Helper()
	up.closed(t)
	waitFor(t, "every subscriber to leave", func() bool { return s.FeedStats() == api.FeedStats{} })
}

// expectNewUpstream opens a subscriber and checks that the guard opens a
// new stream of the service for it, whose event id it passes on.
func expectNewUpstream(t *testing.T, svc *feedService, base, id string) {
	t.Helper()
	c := openEvents(t, base, "subscribe=interaction", originA)
	svc.next(t).send(t, changed(id))
	expect(t, "the new subscriber", c, "interaction "+id)
}

// changed is an interaction event about interaction id.
func changed(id string) wwe.Event {
	return wwe.NewEvent(wwe.EventInteraction, wwe.EventData{EventType: wwe.EventTypeChanged, InteractionID: id,
		Interaction: &wwe.Interaction{InteractionID: id, MediaType: "voice", State: wwe.StateTalking, UserData: wwe.UserData{"K": "v"}}})
}

// blockSet is a markdone event about interaction id.
func blockSet(id string) wwe.Event {
	return wwe.NewEvent(wwe.EventMarkdone, wwe.EventData{EventType: wwe.EventTypeMarkdoneBlockSet, InteractionID: id})
}

// received names the event of a data line: "<event> <interactionId>".
func received(t *testing.T, line string) string {
	t.Helper()
	var ev struct {
		Event string
		Data  struct{ InteractionID string }
	}
	if err := json.Unmarshal([]byte(line), &ev); err != nil {
		t.Fatalf("event %s: %v", line, err)
	}
	return ev.Event + " " + ev.Data.InteractionID
}

// expect reads len(want) events from st and compares them with want.
func expect(t *testing.T, who string, st *stream, want ...string) {
	t.Helper()
	got := make([]string, 0, len(want))
	for range want {
		got = append(got, received(t, st.next(t)))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s's events (-want +got):\n%s", who, diff)
	}
}

const (
	originA = "https://a.example"
	originB = "https://b.example"
)

// TestFeedOneDecisionPerGroup: subscribers with the same subscription input
// share one group, which decides each event's read once for all of them;
// another caller's subscribers decide it once more; one service stream
// serves them all.
func TestFeedOneDecisionPerGroup(t *testing.T) {
	t.Parallel()
	d := &readCounter{}
	svc, s, base := feedServer(t, d)
	a1 := openEvents(t, base, "subscribe=interaction", originA)
	a2 := openEvents(t, base, "subscribe=interaction", originA)
	b := openEvents(t, base, "subscribe=interaction", originB)
	up := svc.next(t)
	up.send(t, changed("1"))
	up.send(t, changed("2"))
	for who, st := range map[string]*stream{"a1": a1, "a2": a2, "b": b} {
		expect(t, who, st, "interaction 1", "interaction 2")
	}
	if diff := cmp.Diff(map[string]int{originA: 2, originB: 2}, d.counts()); diff != "" {
		t.Errorf("read decisions by caller (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(api.FeedStats{Subscribers: 3, Groups: 2, Upstream: true}, s.FeedStats()); diff != "" {
		t.Errorf("feed (-want +got):\n%s", diff)
	}
	if n := svc.subscribed.Load(); n != 1 {
		t.Errorf("the guard subscribed to the service %d times, want once", n)
	}
}

// TestFeedRefusedReadDropsTheEventForItsGroup: an event whose read the
// policies refuse to one caller is not sent to that caller's subscribers,
// and still is to the others.
func TestFeedRefusedReadDropsTheEventForItsGroup(t *testing.T) {
	t.Parallel()
	d := &readCounter{refused: map[string]string{originB: "secret"}}
	svc, _, base := feedServer(t, d)
	a := openEvents(t, base, "subscribe=interaction", originA)
	b1 := openEvents(t, base, "subscribe=interaction", originB)
	b2 := openEvents(t, base, "", originB)
	up := svc.next(t)
	up.send(t, changed("secret"))
	up.send(t, changed("open"))
	expect(t, "a", a, "interaction secret", "interaction open")
	expect(t, "b1", b1, "interaction open")
	expect(t, "b2", b2, "interaction open")
	if diff := cmp.Diff(map[string]int{originA: 2, originB: 2}, d.counts()); diff != "" {
		t.Errorf("read decisions by caller (-want +got):\n%s", diff)
	}
}

// TestFeedLastSubscriberClosesUpstream: the service's stream stays open
// while anyone listens, is closed when the last subscriber leaves, and is
// opened afresh for the next one.
func TestFeedLastSubscriberClosesUpstream(t *testing.T) {
	t.Parallel()
	svc, s, base := feedServer(t, &readCounter{})
	a := openEvents(t, base, "subscribe=interaction", originA)
	b := openEvents(t, base, "subscribe=interaction", originB)
	up := svc.next(t)

	a.cancel()
	waitFor(t, "a to leave", func() bool { return s.FeedStats().Subscribers == 1 })
	if err := up.ctx.Err(); err != nil {
		t.Fatalf("the service's stream closed with a subscriber left: %v", err)
	}
	up.send(t, changed("1"))
	expect(t, "b", b, "interaction 1")

	b.cancel()
	expectAllGone(t, s, up)
	expectNewUpstream(t, svc, base, "2")
	if n := svc.subscribed.Load(); n != 2 {
		t.Errorf("the guard subscribed to the service %d times, want twice", n)
	}
}

// TestFeedUpstreamEndEndsEveryStream: when the service's stream ends, every
// subscriber's stream ends (cleanly, so clients reconnect), and the next
// subscriber opens a new one.
func TestFeedUpstreamEndEndsEveryStream(t *testing.T) {
	t.Parallel()
	svc, s, base := feedServer(t, &readCounter{})
	streams := []*stream{
		openEvents(t, base, "subscribe=interaction", originA),
		openEvents(t, base, "subscribe=interaction", originA),
		openEvents(t, base, "subscribe=markdone", originB),
	}
	up := svc.next(t)
	close(up.events)
	for i, st := range streams {
		st.endsCleanly(t, fmt.Sprintf("stream %d", i))
	}
	expectAllGone(t, s, up)
	expectNewUpstream(t, svc, base, "after")
}

// TestEndStreams: EndStreams ends every open stream cleanly, closes the
// service's stream once they are gone, and refuses no other request.
func TestEndStreams(t *testing.T) {
	t.Parallel()
	svc, s, base := feedServer(t, &readCounter{})
	a := openEvents(t, base, "subscribe=interaction", originA)
	b := openEvents(t, base, "", originB)
	up := svc.next(t)
	s.EndStreams()
	s.EndStreams() // twice is fine
	for who, st := range map[string]*stream{"a": a, "b": b} {
		st.endsCleanly(t, who+"'s stream")
	}
	up.closed(t)
	resp, err := http.Get(base + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("health after EndStreams: %d", resp.StatusCode)
	}
}

// TestEventsSubscribe: subscribe= names the events a stream gets (none
// named: all of them), and an unknown name is refused before anything is
// subscribed.
func TestEventsSubscribe(t *testing.T) {
	t.Parallel()
	all := []string{"interaction 1", "markdone 1", "interaction 2", "markdone 2"}
	tests := []struct {
		query string
		want  []string
	}{
		{"subscribe=interaction", []string{"interaction 1", "interaction 2"}},
		{"subscribe=markdone", []string{"markdone 1", "markdone 2"}},
		{"", all},
		{"subscribe=", all},
		{"subscribe=interaction,markdone", all},
		{"subscribe=markdone,%20interaction%20", all},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			svc, _, base := feedServer(t, &readCounter{})
			st := openEvents(t, base, tt.query, originA)
			up := svc.next(t)
			for _, ev := range []wwe.Event{changed("1"), blockSet("1"), changed("2"), blockSet("2")} {
				up.send(t, ev)
			}
			expect(t, "the subscriber", st, tt.want...)
			close(up.events)
			st.endsCleanly(t, "the stream")
		})
	}
	for _, tt := range []struct{ query, want string }{
		{"subscribe=interactions", `unknown event "interactions": subscribe to interaction and/or markdone`},
		{"subscribe=interaction,MARKDONE", `unknown event "MARKDONE": subscribe to interaction and/or markdone`},
		{"subscribe=interaction,", `unknown event "": subscribe to interaction and/or markdone`},
	} {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			svc, s, base := feedServer(t, &readCounter{})
			resp, err := http.Get(base + "/v1/events?" + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", resp.StatusCode)
			}
			var e wwe.Error
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Fatal(err)
			}
			if e.Code != wwe.CodeInvalidRequest || e.Message != tt.want {
				t.Errorf("answer = %s %q, want INVALID_REQUEST %q", e.Code, e.Message, tt.want)
			}
			if n := svc.subscribed.Load(); n != 0 || s.FeedStats() != (api.FeedStats{}) {
				t.Errorf("a refused subscription subscribed: %d upstream, %+v", n, s.FeedStats())
			}
		})
	}
}
