package api

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/fanout"
	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// streamBuffer is how many encoded events a subscriber may fall behind
// before it is cut off.
const streamBuffer = fanout.Buffer

// feed shares the service's event stream among every subscriber of the
// guard: one stream to the service however many clients listen, and one
// read decision per event for all the subscribers whose input is the same.
//
// Events come from the service — one subscription, opened with the first
// subscriber and closed with the last — and from the guard itself
// (MARKDONE_BLOCKED), all published on the server's hub. Subscribers whose
// whole rendered subscription input (caller included) is the same document
// form a group: the group decides each event's read once, encodes it once
// and hands the frame to each subscriber. A subscriber that falls streamBuffer frames
// behind is cut off. When the service's stream breaks, every subscriber is, so
// clients reconnect and read afresh rather than miss events silently.
type feed struct {
	mu          sync.Mutex
	upstream    context.CancelFunc // closes the service's stream; nil while none is open
	gen         int                // counts the streams opened, to tell our close from a break
	groups      map[[sha256.Size]byte]*group
	subscribers int // subscribers that joined and have not left
	dropped     atomic.Int64
}

// group is the subscribers that share one subscription input.
type group struct {
	key    [sha256.Size]byte
	call   *call // the subscription: every subscriber's input is this call's
	cancel context.CancelFunc

	mu          sync.Mutex
	subscribers map[*subscriber]struct{}
}

// subscriber is one event stream: the events it asked for and its frames, closed
// when it is cut off or its group ends.
type subscriber struct {
	want   map[string]bool
	frames chan []byte
}

// join adds a subscriber of want with the subscription cl, opening the
// service's stream if it is the first. leave must be called when the
// subscriber goes.
func (s *Server) join(cl *call, want map[string]bool) (m *subscriber, leave func(), err error) {
	in := cl.input(nil)
	key, err := in.Fingerprint()
	if err != nil {
		s.log.Error("render subscription input", "err", err)
		return nil, nil, wwe.Errorf(wwe.CodePolicyError, "the policy decision could not be made")
	}
	f := &s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.upstream == nil {
		ctx, cancel := context.WithCancel(context.Background())
		events, err := s.svc.Subscribe(ctx)
		if err != nil {
			cancel()
			return nil, nil, err
		}
		f.upstream = cancel
		f.gen++
		go s.pump(events, f.gen)
	}
	if f.groups == nil {
		f.groups = map[[sha256.Size]byte]*group{}
	}
	g := f.groups[key]
	if g == nil {
		ctx, cancel := context.WithCancel(context.Background())
		g = &group{key: key, call: cl, cancel: cancel, subscribers: map[*subscriber]struct{}{}}
		f.groups[key] = g
		go s.runGroup(g, s.hub.Subscribe(ctx))
	}
	m = &subscriber{want: want, frames: make(chan []byte, streamBuffer)}
	g.mu.Lock()
	g.subscribers[m] = struct{}{}
	g.mu.Unlock()
	f.subscribers++
	return m, func() { s.leave(g, m) }, nil
}

// leave removes m from g; the last subscriber of a group ends it, and the last
// subscriber closes the service's stream.
func (s *Server) leave(g *group, m *subscriber) {
	f := &s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	if g.remove(m) == 0 && f.groups[g.key] == g {
		delete(f.groups, g.key)
		g.cancel()
	}
	f.subscribers--
	if f.subscribers == 0 && f.upstream != nil {
		f.upstream()
		f.upstream = nil
	}
}

// pump publishes the service's events on the hub. When the stream ends
// without the guard closing it, every subscriber is cut off.
func (s *Server) pump(events <-chan wwe.Event, gen int) {
	for ev := range events {
		s.hub.Publish(ev)
	}
	f := &s.feed
	f.mu.Lock()
	if f.gen != gen || f.upstream == nil {
		f.mu.Unlock()
		return // closed by the last subscriber leaving
	}
	f.upstream()
	f.upstream = nil
	groups := f.groups
	f.groups = nil
	f.mu.Unlock()
	s.log.Warn("the service's event stream ended; closing every event stream", "subscribers", len(groups))
	for _, g := range groups {
		g.cancel()
		g.closeAll()
	}
}

// runGroup decides and encodes each event once for the subscribers of g.
func (s *Server) runGroup(g *group, events <-chan wwe.Event) {
	for ev := range events {
		frame, ok := s.frame(g.call, ev)
		if !ok {
			continue
		}
		s.feed.dropped.Add(int64(g.deliver(ev.Event, frame, len(events) < cap(events)/4)))
	}
	// The hub cut the group off (it fell behind) or the group ended.
	f := &s.feed
	f.mu.Lock()
	if f.groups[g.key] == g {
		delete(f.groups, g.key)
	}
	f.mu.Unlock()
	g.closeAll()
}

// frame is ev as the subscription cl may read it, encoded as one
// Server-Sent Event. An event whose read cannot be decided, or is refused,
// is not sent: the stream fails closed.
func (s *Server) frame(cl *call, ev wwe.Event) ([]byte, bool) {
	if it := ev.Data.Interaction; it != nil {
		d := s.currentDecider()
		if d == nil {
			return nil, false
		}
		dec, err := s.decide(context.Background(), d, cl.input(it))
		if err != nil || dec.Verdict.Action == policy.Refuse {
			return nil, false
		}
		ev.Data.Interaction = readable(it, dec)
	}
	line, err := json.Marshal(ev)
	if err != nil {
		s.log.Error("encode event", "err", err)
		return nil, false
	}
	frame := make([]byte, 0, len(line)+8)
	frame = append(append(append(frame, "data: "...), line...), '\n', '\n')
	return frame, true
}

// deliver hands frame to every subscriber that asked for event name; it cuts
// off, and counts, the subscribers whose buffer is full. With pace, it wakes
// the subscribers deliverBatch at a time with a pause between batches: each
// subscriber's write is a system call, and a thousand of them at once would
// hold every processor while requests wait. A group falling behind its
// events delivers without pauses.
func (g *group) deliver(name string, frame []byte, pace bool) (cut int) {
	g.mu.Lock()
	subscribers := make([]*subscriber, 0, len(g.subscribers))
	for m := range g.subscribers {
		if m.want[name] {
			subscribers = append(subscribers, m)
		}
	}
	g.mu.Unlock()
	for i := 0; i < len(subscribers); i += deliverBatch {
		if i > 0 && pace {
			time.Sleep(deliverPause)
		}
		g.mu.Lock()
		for _, m := range subscribers[i:min(i+deliverBatch, len(subscribers))] {
			if _, ok := g.subscribers[m]; !ok {
				continue // left meanwhile
			}
			select {
			case m.frames <- frame:
			default:
				delete(g.subscribers, m)
				close(m.frames)
				cut++
			}
		}
		g.mu.Unlock()
	}
	return cut
}

// Pacing of deliver: small batches with short pauses leave the processors
// to the requests between them. BenchmarkWriteFanOut measures the effect
// (BENCHMARKS.md has the figures).
const (
	deliverBatch = 16
	deliverPause = 20 * time.Microsecond
)

// remove takes m out of g, closing its frames, and returns how many
// subscribers are left.
func (g *group) remove(m *subscriber) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.subscribers[m]; ok {
		delete(g.subscribers, m)
		close(m.frames)
	}
	return len(g.subscribers)
}

// closeAll ends every subscriber of g.
func (g *group) closeAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for m := range g.subscribers {
		delete(g.subscribers, m)
		close(m.frames)
	}
}

// FeedStats counts the event streams the server shares.
type FeedStats struct {
	Subscribers int   // open event streams
	Groups      int   // distinct subscription inputs among them
	Upstream    bool  // whether the service's stream is open
	Dropped     int64 // subscribers cut off for falling behind
}

// FeedStats returns the event streams' counters.
func (s *Server) FeedStats() FeedStats {
	f := &s.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	return FeedStats{Subscribers: f.subscribers, Groups: len(f.groups), Upstream: f.upstream != nil, Dropped: f.dropped.Load()}
}
