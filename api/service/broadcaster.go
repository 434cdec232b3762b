package service

import (
	"context"
	"sync"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// subscriberBuffer is how far a subscriber may fall behind before it is
// disconnected; a slow subscriber never blocks the service.
const subscriberBuffer = 256

// broadcaster fans events out to subscribers in publish order.
type broadcaster struct {
	mu      sync.Mutex
	subs    map[chan wwe.Event]struct{}
	dropped int // subscribers cut off for falling behind
}

func newBroadcaster() *broadcaster { return &broadcaster{subs: map[chan wwe.Event]struct{}{}} }

func (b *broadcaster) subscribe(ctx context.Context) <-chan wwe.Event {
	ch := make(chan wwe.Event, subscriberBuffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.remove(ch)
	}()
	return ch
}

func (b *broadcaster) remove(ch chan wwe.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.subs[ch]; ok {
		delete(b.subs, ch)
		close(ch)
	}
}

func (b *broadcaster) publish(ev wwe.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- ev:
		default:
			delete(b.subs, ch)
			close(ch)
			b.dropped++
		}
	}
}
