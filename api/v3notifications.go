package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// defaultLongPoll is the hold of a CometD connect before GWS has advised
// one.
const defaultLongPoll = 30 * time.Second

// metaPatience bounds a handshake, subscribe or disconnect: Genesys' client
// gives up on them after 10 s, so the door answers (a 502 at worst) first,
// whatever upstream.timeout says.
const metaPatience = 9 * time.Second

// v3Notifications is CometD on the door: POST long-polling only, the
// client's messages checked and re-encoded, and GWS's reply filtered like
// any other body. A connect is held for GWS's last advised timeout plus
// workspace.longPollMargin; a disconnect drops the session's state.
func (s *Server) v3Notifications(x *v3Exchange) error {
	if x.route.Method != http.MethodPost {
		return s.v3Failure(x.c, wwe.Errorf(wwe.CodeMethodNotAllowed, "notifications take POST long-polling only"))
	}
	msgs, err := workspace.DecodeMessages(x.body)
	if err != nil {
		return s.v3Failure(x.c, wwe.Errorf(wwe.CodeInvalidRequest, "%v", err))
	}
	hold, disconnect := time.Duration(0), false
	for i := range msgs {
		m := &msgs[i]
		switch m.Channel {
		case workspace.MetaHandshake:
			m.SupportedConnectionTypes = []string{"long-polling"}
		case workspace.MetaConnect:
			if m.ConnectionType != "" && m.ConnectionType != "long-polling" {
				return s.v3Failure(x.c, wwe.Errorf(wwe.CodeInvalidRequest, "connection type %q: only long-polling", m.ConnectionType))
			}
			hold = s.v3LongPoll(x)
		case workspace.MetaSubscribe, workspace.MetaUnsubscribe:
			if strings.Contains(m.Subscription, "*") {
				return s.v3Failure(x.c, wwe.Errorf(wwe.CodeRequestNotAllowed, "wildcard subscriptions are not allowed"))
			}
		case workspace.MetaDisconnect:
			disconnect = true
		default:
			if !m.IsMeta() {
				return s.v3Failure(x.c, wwe.Errorf(wwe.CodeRequestNotAllowed, "clients may not publish to %q", m.Channel))
			}
		}
	}
	body, err := json.Marshal(msgs)
	if err != nil {
		return s.v3Failure(x.c, err)
	}
	if hold == 0 {
		hold = min(s.v3.Timeout, metaPatience)
	}
	if disconnect && x.sessionKey != "" {
		defer s.v3sessions.drop(x.sessionKey)
	}
	rep, err := s.v3Forward(x.c.Request().Context(), x.c.Request(), v3Call{method: x.route.Method, path: x.route.Path, body: body, reencoded: true, hold: hold})
	if err != nil {
		return s.v3Failure(x.c, err)
	}
	s.v3LearnAdvice(x, rep.body)
	return s.v3Answer(x, rep)
}

// v3LearnAdvice remembers the longest connect timeout GWS advised the
// session, which bounds its next long-poll.
func (s *Server) v3LearnAdvice(x *v3Exchange, reply []byte) {
	ss := s.session(x)
	if ss == nil {
		return
	}
	var msgs []workspace.Message
	if json.Unmarshal(reply, &msgs) != nil {
		return
	}
	for _, m := range msgs {
		if m.Advice != nil && m.Advice.Timeout != nil && *m.Advice.Timeout > 0 {
			ss.mu.Lock()
			ss.longPoll = time.Duration(*m.Advice.Timeout) * time.Millisecond
			ss.mu.Unlock()
		}
	}
}

// v3LongPoll is how long a connect of the exchange's session may be held.
func (s *Server) v3LongPoll(x *v3Exchange) time.Duration {
	hold := defaultLongPoll
	if ss := s.session(x); ss != nil {
		ss.mu.Lock()
		if ss.longPoll > 0 {
			hold = ss.longPoll
		}
		ss.mu.Unlock()
	}
	return hold + s.v3.LongPollMargin
}

// v3ActivateChannels forwards activate-channels with autoCompleteCall:
// false when the door holds auto-completion, so a released call waits for
// an allowed complete, and remembers what GWS will do on release.
func (s *Server) v3ActivateChannels(x *v3Exchange) error {
	body := x.body
	auto := v3AutoComplete(body)
	if s.v3.HoldAutoComplete {
		var err error
		if body, err = workspace.SetAutoCompleteFalse(body); err != nil {
			return s.v3Failure(x.c, wwe.Errorf(wwe.CodeInvalidRequest, "%v", err))
		}
		auto = false
	}
	if ss := s.session(x); ss != nil {
		ss.mu.Lock()
		ss.autoComplete = auto
		ss.mu.Unlock()
	}
	return s.v3Pass(x, v3Call{method: x.route.Method, path: x.route.Path, body: body, reencoded: true})
}
