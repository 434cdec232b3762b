package api

import (
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// v3Learn updates the session's view from a reply GWS sent it, before the
// reply is filtered: a current-session snapshot replaces the view, and the
// CometD CallStateChanged / InteractionStateChanged of a long-poll replace
// the objects they carry. A reply the door cannot read teaches nothing.
func (s *Server) v3Learn(x *v3Exchange, rep *v3Reply) {
	ss := s.session(x)
	if ss == nil || rep.status != http.StatusOK {
		return
	}
	switch x.route.Kind {
	case workspace.CurrentSession:
		if err := s.v3LearnSession(ss, rep.body); err != nil {
			s.log.Warn("workspace door: current-session not understood", "err", err)
		}
	case workspace.Notifications:
		changes, err := workspace.StateChanges(rep.body)
		if err != nil {
			return // handshakes and meta replies carry none; a garbled one teaches nothing
		}
		objects := make([]*wwe.Interaction, 0, len(changes))
		for _, c := range changes {
			if c.PreviousID != "" {
				ss.forget(c.PreviousID)
			}
			objects = append(objects, c.Interaction)
		}
		ss.remember(objects)
	}
}

// v3LearnSession makes a current-session reply the session's whole view.
func (s *Server) v3LearnSession(ss *v3Session, body []byte) error {
	snap, err := workspace.ParseCurrentSession(body)
	if err != nil {
		return wwe.Errorf(wwe.CodeServiceUnavailable, "GWS's current-session could not be read")
	}
	ss.replace(append(snap.Calls, snap.Interactions...), snap.AutoCompleteCall)
	return nil
}
