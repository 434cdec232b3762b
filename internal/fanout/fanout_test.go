package fanout_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/fanout"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// event is the i-th test event.
func event(i int) wwe.Event {
	return wwe.NewEvent(wwe.EventInteraction, wwe.EventData{EventType: wwe.EventTypeChanged, InteractionID: strconv.Itoa(i)})
}

// receive takes the events ch holds now, up to n, and reports whether ch is
// closed after them.
func receive(t *testing.T, ch <-chan wwe.Event, n int) (ids []string, closed bool) {
	t.Helper()
	for range n {
		select {
		case ev, ok := <-ch:
			if !ok {
				return ids, true
			}
			ids = append(ids, ev.Data.InteractionID)
		case <-time.After(10 * time.Second):
			t.Fatalf("no event within 10s after %v", ids)
		}
	}
	return ids, false
}

// expectEvents receives up to n events from ch, and checks that their ids
// are want and whether ch was closed after them.
func expectEvents(t *testing.T, who string, ch <-chan wwe.Event, n int, want []string, wantClosed bool) {
	t.Helper()
	got, closed := receive(t, ch, n)
	if diff := cmp.Diff(want, got); diff != "" || closed != wantClosed {
		t.Errorf("%s subscriber: closed %v, want %v; events (-want +got):\n%s", who, closed, wantClosed, diff)
	}
}

// expectDropped checks how many subscribers b has cut off.
func expectDropped(t *testing.T, b *fanout.Broadcaster, want int64) {
	t.Helper()
	if n := b.Dropped(); n != want {
		t.Errorf("Dropped = %d, want %d", n, want)
	}
}

// ids are the ids of events from to to-1.
func ids(from, to int) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// waitClosed waits for ch to be closed, discarding what it still holds.
func waitClosed(t *testing.T, ch <-chan wwe.Event) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the channel was not closed within 10s")
		}
	}
}

// publish publishes ev on b, failing if that blocks.
func publish(t *testing.T, b *fanout.Broadcaster, ev wwe.Event) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Publish(ev)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish blocked for 10s")
	}
}

// TestPublishOrder: every subscriber gets every event published after it
// subscribed, in publish order.
func TestPublishOrder(t *testing.T) {
	t.Parallel()
	b := fanout.New()
	first := b.Subscribe(context.Background())
	b.Publish(event(0))
	second := b.Subscribe(context.Background())
	for i := 1; i < 100; i++ {
		b.Publish(event(i))
	}
	for name, tc := range map[string]struct {
		ch   <-chan wwe.Event
		want []string
	}{
		"first":  {first, ids(0, 100)},
		"second": {second, ids(1, 100)},
	} {
		expectEvents(t, name, tc.ch, len(tc.want), tc.want, false)
	}
	expectDropped(t, b, 0)
}

// TestSlowSubscriberIsCutOff: a subscriber that falls Buffer events behind
// keeps the Buffer events it has, then finds its channel closed, and is
// counted; a subscriber that keeps up gets everything.
func TestSlowSubscriberIsCutOff(t *testing.T) {
	t.Parallel()
	b := fanout.New()
	slow := b.Subscribe(context.Background())
	fast := b.Subscribe(context.Background())
	total := fanout.Buffer + 10
	for i := range total {
		publish(t, b, event(i))
		if got, closed := receive(t, fast, 1); closed || len(got) != 1 || got[0] != strconv.Itoa(i) {
			t.Fatalf("the fast subscriber got %v (closed %v) for event %d", got, closed, i)
		}
		if want := int64(min(1, max(0, i-fanout.Buffer+1))); b.Dropped() != want {
			t.Fatalf("after event %d, Dropped = %d, want %d: cut off when it falls %d behind", i, b.Dropped(), want, fanout.Buffer)
		}
	}
	expectEvents(t, "slow", slow, total, ids(0, fanout.Buffer), true)
	expectDropped(t, b, 1)
}

// TestContextEndRemovesSubscriber: a subscriber whose context ends has its
// channel closed and gets nothing more; that is not a drop.
func TestContextEndRemovesSubscriber(t *testing.T) {
	t.Parallel()
	b := fanout.New()
	ctx, cancel := context.WithCancel(context.Background())
	gone := b.Subscribe(ctx)
	stays := b.Subscribe(context.Background())
	b.Publish(event(0))
	cancel()
	waitClosed(t, gone)
	b.Publish(event(1))
	expectEvents(t, "remaining", stays, 2, ids(0, 2), false)
	expectDropped(t, b, 0)
}

// TestPublishNeverBlocks: subscribers that never read hold up no publisher.
func TestPublishNeverBlocks(t *testing.T) {
	t.Parallel()
	b := fanout.New()
	const idle = 3
	for range idle {
		b.Subscribe(context.Background())
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 10 * fanout.Buffer {
			b.Publish(event(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish blocked on subscribers that do not read")
	}
	expectDropped(t, b, idle)
}
