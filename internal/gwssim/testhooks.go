package gwssim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// The /sim test endpoints (see the package doc): not part of GWS.

type offerBody struct {
	Agent     string       `json:"agent"`
	From      string       `json:"from"`
	MediaType string       `json:"mediatype"`
	Subject   string       `json:"subject"`
	UserData  workspace.KV `json:"userData"`
}

type placed struct {
	Agent string `json:"agent"`
	ID    string `json:"id"`
}

// targets are the activated sessions of the agent (of every agent when
// name is empty). Caller holds s.mu.
func (s *Sim) targets(name string) []*session {
	var out []*session
	for _, sess := range s.sessions {
		if sess.activated && (name == "" || sess.agent.UserName == name) {
			out = append(out, sess)
		}
	}
	slices.SortFunc(out, func(a, b *session) int { return strings.Compare(a.id, b.id) })
	return out
}

// hook serves a /sim endpoint that places something in each target
// session; place returns the new object's id.
func (s *Sim) hook(list string, place func(*session, *offerBody) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b offerBody
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)).Decode(&b); err != nil {
			fail(w, http.StatusBadRequest, "malformed body: "+err.Error())
			return
		}
		if err := b.UserData.Check(); err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
		s.mu.Lock()
		var out []placed
		var err error
		for _, sess := range s.targets(b.Agent) {
			var id string
			if id, err = place(sess, &b); err != nil {
				break
			}
			out = append(out, placed{Agent: sess.agent.UserName, ID: id})
		}
		s.mu.Unlock()
		switch {
		case err != nil:
			failWith(w, err)
		case len(out) == 0:
			fail(w, http.StatusNotFound, "no session with activated channels for that agent")
		default:
			replySync(w, map[string]any{list: out})
		}
	}
}

// ring makes an inbound call ring. Caller holds s.mu.
func (s *Sim) ring(sess *session, b *offerBody) (string, error) {
	from := b.From
	if from == "" {
		from = "+14155550100"
	}
	c := newCall("Inbound", Ringing, from, sess.dn.Number, b.UserData)
	c.ANI = from
	c.Participants = []participant{{Number: from, Role: "RoleOrigination"}}
	return c.ID, s.addCall(sess, c)
}

// offer invites the agent to a media interaction. Caller holds s.mu.
func (s *Sim) offer(sess *session, b *offerBody) (string, error) {
	mt := b.MediaType
	if mt == "" {
		mt = "workitem"
	}
	ix := newInteraction(mt, "Inbound", "InboundNew", Invited, b.UserData)
	ix.Subject, ix.Queue = b.Subject, "Inbound_"+mt
	return ix.ID, s.addInteraction(sess, ix, "")
}
