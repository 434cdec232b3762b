package main

import (
	"bytes"
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// watch is the long-poll subscriber of a Workspace API plan: while the load
// runs it keeps a CometD connect open through the target, as an agent's
// desktop does, so every write the load makes comes back to it as a
// CallStateChanged the target must pass on (and the guard filter). hidden
// is the value of the key read-allowed leaves out.
type watch struct {
	hidden []byte
}

// Notifications is what the subscriber got during one measured run.
type Notifications struct {
	Received  int     `json:"received"`  // messages on the voice channel
	PerSecond float64 `json:"perSecond"` // Received over the run's duration
	// HiddenSeen counts received messages that show the hidden value:
	// expected on none through a guard and on every one elsewhere.
	HiddenSeen int `json:"hiddenSeen"`
	Polls      int `json:"polls"`  // connects answered
	Errors     int `json:"errors"` // failed polls and refused handshakes
}

// unexpected is how many of the notifications a target of kind k should
// not have produced.
func (n Notifications) unexpected(k targetKind) int {
	if k == kindGuard {
		return n.HiddenSeen + n.Errors
	}
	return n.Received - n.HiddenSeen + n.Errors
}

// subscriber is a running watch.
type subscriber struct {
	w      *watch
	s      *wsSession
	cancel context.CancelFunc
	done   chan struct{}

	received, hiddenSeen, polls, errors atomic.Int64
}

// subscribe starts p's watch through base with client (whose jar holds the
// session), or returns nil when p has none.
func subscribe(ctx context.Context, client *http.Client, base string, p *plan) *subscriber {
	if p.watch == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	sub := &subscriber{w: p.watch, s: &wsSession{client: client, base: base}, cancel: cancel, done: make(chan struct{})}
	go sub.run(ctx)
	return sub
}

// run polls until ctx ends: a handshake and subscribe whenever it has no
// client, then one connect after another.
func (sub *subscriber) run(ctx context.Context) {
	defer close(sub.done)
	for ctx.Err() == nil {
		if sub.s.clientID == "" {
			if !sub.ok(ctx, sub.s.handshake(ctx)) {
				continue
			}
			_, err := sub.s.bayeux(ctx, "/subscribe", workspace.Message{Channel: workspace.MetaSubscribe, Subscription: workspace.ChannelVoice})
			if !sub.ok(ctx, err) {
				sub.s.clientID = ""
				continue
			}
		}
		msgs, err := sub.s.bayeux(ctx, "/connect", workspace.Message{Channel: workspace.MetaConnect, ConnectionType: "long-polling"})
		if !sub.ok(ctx, err) {
			continue
		}
		sub.polls.Add(1)
		for _, m := range msgs {
			switch {
			case m.Channel == workspace.MetaConnect && (m.Successful == nil || !*m.Successful):
				sub.errors.Add(1)
				sub.s.clientID = "" // the server asks for a new handshake
			case m.Channel == workspace.ChannelVoice:
				sub.received.Add(1)
				if bytes.Contains(m.Data, sub.w.hidden) {
					sub.hiddenSeen.Add(1)
				}
			}
		}
	}
}

// ok counts err, unless the subscriber is stopping, and pauses after it so
// a refusing target is not polled in a tight loop.
func (sub *subscriber) ok(ctx context.Context, err error) bool {
	if err == nil {
		return true
	}
	if ctx.Err() == nil {
		sub.errors.Add(1)
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	return false
}

// snapshot is the counts so far.
func (sub *subscriber) snapshot() Notifications {
	if sub == nil {
		return Notifications{}
	}
	return Notifications{Received: int(sub.received.Load()), HiddenSeen: int(sub.hiddenSeen.Load()),
		Polls: int(sub.polls.Load()), Errors: int(sub.errors.Load())}
}

// stop ends the subscriber and its CometD client.
func (sub *subscriber) stop() {
	if sub == nil {
		return
	}
	sub.cancel()
	<-sub.done
	if sub.s.clientID != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = sub.s.disconnect(ctx) // the session's logout ends it anyway
	}
}

// during returns what the subscriber got between two snapshots over d.
func during(before, after Notifications, d time.Duration) *Notifications {
	n := Notifications{
		Received: after.Received - before.Received, HiddenSeen: after.HiddenSeen - before.HiddenSeen,
		Polls: after.Polls - before.Polls, Errors: after.Errors - before.Errors,
	}
	if d > 0 {
		n.PerSecond = float64(n.Received) / d.Seconds()
	}
	return &n
}
