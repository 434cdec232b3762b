// Package fanout delivers events to every subscriber in publish order,
// without ever letting a slow subscriber block the publisher: one that falls
// Buffer events behind is cut off (its channel closed) and counted.
package fanout

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Buffer is how many events a subscriber may fall behind.
const Buffer = 256

// Broadcaster fans events out to subscribers. The zero value is not usable;
// call New.
type Broadcaster struct {
	mu      sync.Mutex
	subs    map[chan wwe.Event]struct{}
	dropped atomic.Int64
}

// New returns an empty Broadcaster.
func New() *Broadcaster { return &Broadcaster{subs: map[chan wwe.Event]struct{}{}} }

// Subscribe returns a channel of the events published from now on; it is
// closed when ctx ends or the subscriber falls behind.
func (b *Broadcaster) Subscribe(ctx context.Context) <-chan wwe.Event {
	ch := make(chan wwe.Event, Buffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.remove(ch, false)
	}()
	return ch
}

// Publish delivers ev to every subscriber.
func (b *Broadcaster) Publish(ev wwe.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- ev:
		default:
			b.removeLocked(ch, true)
		}
	}
}

// Dropped returns how many subscribers were cut off for falling behind.
func (b *Broadcaster) Dropped() int64 { return b.dropped.Load() }

func (b *Broadcaster) remove(ch chan wwe.Event, slow bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.removeLocked(ch, slow)
}

func (b *Broadcaster) removeLocked(ch chan wwe.Event, slow bool) {
	if _, ok := b.subs[ch]; !ok {
		return
	}
	delete(b.subs, ch)
	close(ch)
	if slow {
		b.dropped.Add(1)
	}
}
