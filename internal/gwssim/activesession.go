package gwssim

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// The media channels an activated session has, in current-session's order.
var mediaChannels = []string{"workitem", "email", "chat"}

// dn is the agent's voice DN as GWS reports it.
type dn struct {
	Number        string       `json:"number"`
	SwitchName    string       `json:"switchName"`
	AgentID       string       `json:"agentId"`
	AgentState    string       `json:"agentState"`
	AgentWorkMode string       `json:"agentWorkMode,omitempty"`
	DND           bool         `json:"dnd"`
	ForwardTo     string       `json:"forwardTo,omitempty"`
	Reasons       workspace.KV `json:"reasons"`
	Capabilities  []string     `json:"capabilities"`
	Timestamp     int64        `json:"timestamp"`
}

// user is data.user of current-session and of WorkspaceInitializationComplete.
func (sess *session) user() map[string]any {
	a := sess.agent
	u := map[string]any{"dbid": 100, "userName": a.UserName, "firstName": a.FirstName, "lastName": a.LastName,
		"employeeId": a.EmployeeID, "agentLogin": a.AgentLogin, "defaultPlace": a.Place, "userProperties": workspace.KV{}}
	if sess.activated {
		u["activeSession"] = sess.activeSession()
	}
	return u
}

func (sess *session) activeSession() map[string]any {
	channels := make([]map[string]any, 0, len(mediaChannels))
	for _, name := range mediaChannels {
		list := []*interaction{}
		for _, ix := range sess.interactions {
			if ix.MediaType == name {
				list = append(list, ix)
			}
		}
		channels = append(channels, map[string]any{"name": name, "state": "Ready", "dnd": false,
			"reasons": workspace.KV{}, "interactions": list})
	}
	calls := sess.calls
	if calls == nil {
		calls = []*call{}
	}
	return map[string]any{"autoCompleteCall": sess.autoComplete, "currentPlace": sess.place, "dn": sess.dn,
		"calls": calls, "media": map[string]any{"channels": channels}}
}

// configuration is the (small) data.configuration GWS sends.
func configuration() map[string]any {
	return map[string]any{"actionCodes": []any{}, "businessAttributes": []any{}, "transactions": []any{},
		"agentGroups": []any{}, "settings": map[string]any{"interaction.disposition.key-name": "DispositionCode"}}
}

// read serves a GET that answers, in the envelope, with what data makes of
// the caller's session (401 without one); data runs and its result is
// encoded under s.mu.
func (s *Sim) read(data func(*session) any) handler {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) {
		s.mu.Lock()
		sess, err := s.sessionOf(r)
		var b []byte
		if err == nil {
			b, err = json.Marshal(data(sess))
		}
		s.mu.Unlock()
		if err != nil {
			failWith(w, err)
			return
		}
		writeJSON(w, http.StatusOK, workspace.Envelope{Data: b})
	}
}

// currentSession is the data of GET /workspace/v3/current-session.
func currentSession(sess *session) any {
	return map[string]any{"user": sess.user(), "configuration": configuration()}
}

// voiceCalls is the data of GET /workspace/v3/voice/calls.
func voiceCalls(sess *session) any {
	return map[string]any{"calls": append([]*call{}, sess.calls...)}
}

type activateData struct {
	AgentID          string   `json:"agentId"`
	PlaceName        string   `json:"placeName"`
	DN               string   `json:"dn"`
	AutoCompleteCall *bool    `json:"autoCompleteCall"`
	Channels         []string `json:"channels"`
}

func (activateData) kvLists() []workspace.KV { return nil }

// activateChannels is POST /workspace/v3/activate-channels. autoCompleteCall
// defaults to true: a released call then completes by itself.
func (s *Sim) activateChannels(o *op) error {
	var d activateData
	if err := decodeData(o.req.Data, &d); err != nil {
		return err
	}
	a := o.sess.agent
	if d.AgentID == "" || (d.AgentID != a.AgentLogin && d.AgentID != a.EmployeeID) {
		return errorf(http.StatusForbidden, "agentId %q is not the session's agent", d.AgentID)
	}
	if d.PlaceName == "" && d.DN == "" {
		return errorf(http.StatusBadRequest, "placeName or dn is required")
	}
	o.sess.activated = true
	o.sess.autoComplete = d.AutoCompleteCall == nil || *d.AutoCompleteCall
	o.sess.place = d.PlaceName
	if d.DN != "" {
		o.sess.dn.Number = d.DN
	}
	o.sess.dn.AgentState = "NotReady"
	o.sess.dn.AgentWorkMode = "AuxWork"
	s.publishDN(o.sess)
	channels := []map[string]any{}
	for _, name := range mediaChannels {
		if len(d.Channels) == 0 || slices.Contains(d.Channels, name) {
			channels = append(channels, map[string]any{"name": name, "state": "Ready", "dnd": false, "reasons": workspace.KV{}})
		}
	}
	s.publish(o.sess, workspace.ChannelMedia, map[string]any{"messageType": "ChannelStateChanged",
		"media": map[string]any{"channels": channels}})
	o.sync = true
	return nil
}

// publishDN publishes DnStateChanged. Caller holds s.mu.
func (s *Sim) publishDN(sess *session) {
	d := &sess.dn
	d.SwitchName, d.Timestamp = "SIP_Switch", time.Now().UnixMilli()
	if d.Reasons == nil {
		d.Reasons = workspace.KV{}
	}
	switch d.AgentState {
	case "Ready":
		d.Capabilities = []string{"not-ready", "dnd-on", "set-forward", "logout"}
	case "LoggedOut":
		d.Capabilities = []string{"login"}
	default:
		d.Capabilities = []string{"ready", "not-ready", "dnd-on", "set-forward", "logout"}
	}
	s.publish(sess, workspace.ChannelVoice, map[string]any{"messageType": "DnStateChanged", "dn": *d})
}
