package gwssim

import (
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

type dnData struct {
	AgentWorkMode string       `json:"agentWorkMode"`
	ReasonCode    string       `json:"reasonCode"`
	ForwardTo     string       `json:"forwardTo"`
	Reasons       workspace.KV `json:"reasons"`
	Extensions    workspace.KV `json:"extensions"`
}

func (d *dnData) kvLists() []workspace.KV { return []workspace.KV{d.Reasons, d.Extensions} }

// agentState serves POST /workspace/v3/voice/<name> for the agent's DN
// (ready, not-ready, dnd-on, dnd-off, login, logout, set-forward,
// cancel-forward) and publishes DnStateChanged.
func (s *Sim) agentState(name string) handler {
	return s.run(func(o *op) error {
		if !o.sess.activated {
			return errorf(http.StatusConflict, "channels are not activated")
		}
		var d dnData
		if err := decodeData(o.req.Data, &d); err != nil {
			return err
		}
		dn := &o.sess.dn
		switch name {
		case "ready":
			dn.AgentState, dn.AgentWorkMode, dn.Reasons = "Ready", "ManualIn", workspace.KV{}
		case "not-ready":
			dn.AgentState, dn.AgentWorkMode, dn.Reasons = "NotReady", "AuxWork", workspace.KV{}
			if d.AgentWorkMode != "" {
				dn.AgentWorkMode = d.AgentWorkMode
			}
			if d.ReasonCode != "" {
				dn.Reasons = workspace.KV{workspace.StrPair("ReasonCode", d.ReasonCode)}
			}
		case "dnd-on", "dnd-off":
			dn.DND = name == "dnd-on"
		case "login":
			dn.AgentState, dn.AgentWorkMode = "NotReady", "AuxWork"
		case "logout":
			dn.AgentState, dn.AgentWorkMode = "LoggedOut", ""
		case "set-forward":
			if d.ForwardTo == "" {
				return errorf(http.StatusBadRequest, "data.forwardTo is required")
			}
			dn.ForwardTo = d.ForwardTo
		case "cancel-forward":
			dn.ForwardTo = ""
		}
		s.publishDN(o.sess)
		return nil
	})
}
