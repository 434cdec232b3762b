package api

import (
	"context"
	"time"

	"github.com/coder/websocket"
)

// A socket's life after the handshake: kept alive by pings, closed when
// idle, slow or shut down, and its subscriptions ended.

// keepAlive pings every socketPing and closes a socket that missed two
// pongs, one that has not authenticated by the first ping, one idle (no
// message, no subscription) for socketIdle, and every socket when the
// server shuts down.
func (k *socket) keepAlive() {
	// Shutdown is watched apart: a ping to a peer that does not answer
	// blocks this loop for up to socketPing.
	go func() {
		select {
		case <-k.ctx.Done():
		case <-k.s.stopping:
			k.close(websocket.StatusGoingAway, "the guard is shutting down")
		}
	}()
	missed := 0
	t := time.NewTicker(k.s.socketPing)
	defer t.Stop()
	for {
		select {
		case <-k.ctx.Done():
			return
		case <-t.C:
		}
		if !k.authed.Load() {
			k.close(websocket.StatusPolicyViolation, "no credential")
			return
		}
		if k.idle() {
			k.close(websocket.StatusNormalClosure, "idle")
			return
		}
		ctx, cancel := context.WithTimeout(k.ctx, k.s.socketPing)
		err := k.conn.Ping(ctx)
		cancel()
		if err == nil {
			missed = 0
			continue
		}
		if missed++; missed >= 2 || k.ctx.Err() != nil {
			k.cut("no pong")
			return
		}
	}
}

// idle reports whether the socket has neither read a message for
// socketIdle nor a subscription open.
func (k *socket) idle() bool {
	k.mu.Lock()
	subscribed := len(k.subs) > 0
	k.mu.Unlock()
	return !subscribed && time.Since(time.Unix(0, k.lastSeen.Load())) >= k.s.socketIdle
}

// close closes the socket with code, once, without waiting for the
// closing handshake.
func (k *socket) close(code websocket.StatusCode, reason string) {
	k.closing.Do(func() {
		k.closeRun.Store(true)
		go func() {
			defer close(k.closed)
			_ = k.conn.Close(code, reason)
			k.cancel()
		}()
	})
}

// cut drops a socket whose peer does not keep up: it would not answer a
// closing handshake either.
func (k *socket) cut(why string) {
	k.closing.Do(func() {
		k.s.log.Info("SCAPI socket cut", "origin", k.origin, "why", why)
		_ = k.conn.CloseNow()
		k.cancel()
	})
}

// end releases what the socket holds once reading stopped.
func (k *socket) end() {
	k.cancel()
	k.mu.Lock()
	subs := k.subs
	k.subs = map[string]*subscription{}
	k.mu.Unlock()
	for _, sub := range subs {
		sub.leave()
	}
	if k.closeRun.Load() {
		<-k.closed // the close frame goes out before the connection
		return
	}
	_ = k.conn.CloseNow()
}
