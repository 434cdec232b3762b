package gwssim

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// notifications serves POST /workspace/v3/notifications and every path
// under it: a batch of Bayeux messages whatever the path says. The reply
// holds the answers to the batch's messages, then what was queued for the
// client, then the answer to its connect (held until something is queued
// or the advice ends).
func (s *Sim) notifications(w http.ResponseWriter, r *http.Request, body []byte) {
	msgs, err := workspace.DecodeMessages(body)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	var replies []workspace.Message
	var connect *workspace.Message
	var cl *client
	for _, m := range msgs {
		if m.Channel == workspace.MetaHandshake {
			reply, c := s.handshake(w, r, m)
			replies = append(replies, reply)
			if c != nil {
				cl = c
			}
			continue
		}
		c, ok := s.clients[m.ClientID]
		if !ok {
			replies = append(replies, unknownClient(m))
			continue
		}
		c.seen, cl = time.Now(), c
		switch m.Channel {
		case workspace.MetaConnect:
			connect = &m
		case workspace.MetaSubscribe, workspace.MetaUnsubscribe:
			replies = append(replies, s.subscribe(c, m))
		case workspace.MetaDisconnect:
			s.dropClient(c.id)
			replies = append(replies, m.Reply(true))
		default:
			reply := m.Reply(false)
			reply.Error = "403::publish_denied"
			replies = append(replies, reply)
		}
	}
	if connect != nil {
		replies = append(replies, s.connect(r.Context(), *connect)...)
	} else if cl != nil && s.clients[cl.id] == cl {
		replies = append(replies, cl.queue...)
		cl.queue = nil
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, replies)
}

// advice is the server's advice for handshake and connect replies.
func (s *Sim) advice() *workspace.Advice {
	timeout, interval := s.cfg.Advice.Milliseconds(), int64(0)
	return &workspace.Advice{Reconnect: "retry", Timeout: &timeout, Interval: &interval}
}

func unknownClient(m workspace.Message) workspace.Message {
	reply := m.Reply(false)
	reply.Error = workspace.ErrorSessionUnknown
	interval := int64(0)
	reply.Advice = &workspace.Advice{Reconnect: "handshake", Interval: &interval}
	return reply
}

// handshake binds a new client to the request's session. Caller holds s.mu.
func (s *Sim) handshake(w http.ResponseWriter, r *http.Request, m workspace.Message) (workspace.Message, *client) {
	reply := m.Reply(false)
	sess, err := s.sessionOf(r)
	if err != nil {
		reply.Error = "403::unauthorized"
		reply.Advice = &workspace.Advice{Reconnect: "none"}
		return reply, nil
	}
	c, ok := s.newClient(sess)
	if !ok {
		reply.Error = "503::too_many_clients"
		reply.Advice = &workspace.Advice{Reconnect: "none"}
		return reply, nil
	}
	if _, err := r.Cookie("BAYEUX_BROWSER"); err != nil {
		http.SetCookie(w, &http.Cookie{Name: "BAYEUX_BROWSER", Value: randomHex(20), Path: "/", HttpOnly: true})
	}
	t := true
	reply.Successful, reply.ClientID, reply.Version = &t, c.id, "1.0"
	reply.SupportedConnectionTypes = []string{"long-polling"}
	reply.Advice = s.advice()
	return reply, c
}

// subscribe (or unsubscribe) one channel. Subscribing to the initialization
// channel queues WorkspaceInitializationComplete. Caller holds s.mu.
func (s *Sim) subscribe(c *client, m workspace.Message) workspace.Message {
	reply := m.Reply(false)
	if !strings.HasPrefix(m.Subscription, "/workspace/v3/") {
		reply.Error = "403::subscription_denied"
		return reply
	}
	t := true
	reply.Successful = &t
	if m.Channel == workspace.MetaUnsubscribe {
		delete(c.subs, m.Subscription)
		return reply
	}
	c.subs[m.Subscription] = true
	if m.Subscription == workspace.ChannelInitialization {
		s.publish(c.sess, workspace.ChannelInitialization, map[string]any{
			"messageType": "WorkspaceInitializationComplete", "state": "Complete",
			"data": map[string]any{"user": c.sess.user(), "configuration": configuration()}})
	}
	return reply
}

// connect answers a /meta/connect: at once when something is queued, else
// after the hold (the advice, or less when the connect's own advice asks).
// It returns the queued messages and the connect's reply. Caller holds s.mu;
// it is released while the connect is held.
func (s *Sim) connect(ctx context.Context, m workspace.Message) []workspace.Message {
	c := s.clients[m.ClientID]
	hold := s.cfg.Advice
	if m.Advice != nil && m.Advice.Timeout != nil {
		hold = min(hold, time.Duration(*m.Advice.Timeout)*time.Millisecond)
	}
	if len(c.queue) == 0 && hold > 0 && !s.closed {
		select {
		case <-c.wake: // a signal whose message was already delivered
		default:
		}
		s.mu.Unlock()
		t := time.NewTimer(hold)
		select {
		case <-c.wake:
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
		s.mu.Lock()
	}
	if s.clients[c.id] != c {
		return []workspace.Message{unknownClient(m)}
	}
	c.seen = time.Now()
	out := append(c.queue, m.Reply(true))
	out[len(out)-1].Advice = s.advice()
	c.queue = nil
	return out
}
