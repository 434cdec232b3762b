package gwssim

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// Bounds on CometD clients.
const (
	maxClientsPerSession = 4
	clientsPerSession    = 4 // times MaxSessions: the bound on all clients
)

// client is one CometD client (a handshake's clientId) of a session.
type client struct {
	id    string
	sess  *session
	subs  map[string]bool
	queue []workspace.Message
	wake  chan struct{}
	seen  time.Time
}

// signal wakes a held connect, if any.
func (c *client) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// subscribed reports whether the client subscribed to channel, directly or
// by a wildcard (/a/* one segment, /a/** any depth).
func (c *client) subscribed(channel string) bool {
	if c.subs[channel] {
		return true
	}
	for sub := range c.subs {
		if prefix, ok := strings.CutSuffix(sub, "/**"); ok && strings.HasPrefix(channel, prefix+"/") {
			return true
		}
		if prefix, ok := strings.CutSuffix(sub, "/*"); ok {
			if rest, ok := strings.CutPrefix(channel, prefix+"/"); ok && rest != "" && !strings.Contains(rest, "/") {
				return true
			}
		}
	}
	return false
}

// deliver queues a message for the client, dropping the client when its
// queue is full. Caller holds s.mu.
func (s *Sim) deliver(c *client, m workspace.Message) {
	if len(c.queue) >= s.cfg.MaxQueue {
		s.log.Warn("CometD client fell behind; dropped", "clientId", c.id)
		s.dropClient(c.id)
		return
	}
	c.queue = append(c.queue, m)
	c.signal()
}

// publish sends data on channel to every client of the session subscribed
// to it. data is encoded now, so it is a snapshot. Caller holds s.mu.
func (s *Sim) publish(sess *session, channel string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		s.log.Error("encode notification", "channel", channel, "err", err)
		return
	}
	for _, c := range sess.clients {
		if c.subscribed(channel) {
			s.deliver(c, workspace.Message{Channel: channel, Data: raw})
		}
	}
}

// dropClient forgets a client and ends its held connect. Caller holds s.mu.
func (s *Sim) dropClient(id string) {
	c, ok := s.clients[id]
	if !ok {
		return
	}
	delete(s.clients, id)
	delete(c.sess.clients, id)
	c.signal()
}

// newClient registers a client for the session, making room by dropping
// the session's least recently seen client and clients idle past twice the
// advice. Caller holds s.mu.
func (s *Sim) newClient(sess *session) (*client, bool) {
	now := time.Now()
	idle := 2*s.cfg.Advice + time.Minute
	for id, c := range s.clients {
		if now.Sub(c.seen) > idle {
			s.dropClient(id)
		}
	}
	if len(sess.clients) >= maxClientsPerSession {
		var oldest *client
		for _, c := range sess.clients {
			if oldest == nil || c.seen.Before(oldest.seen) {
				oldest = c
			}
		}
		s.dropClient(oldest.id)
	}
	if len(s.clients) >= clientsPerSession*s.cfg.MaxSessions {
		return nil, false
	}
	c := &client{id: randomHex(20), sess: sess, subs: map[string]bool{}, wake: make(chan struct{}, 1), seen: now}
	s.clients[c.id] = c
	sess.clients[c.id] = c
	return c, true
}
