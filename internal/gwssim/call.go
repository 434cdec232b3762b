package gwssim

import (
	"net/http"
	"slices"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// The voice call states.
const (
	Dialing     = "Dialing"
	Ringing     = "Ringing"
	Established = "Established"
	Held        = "Held"
	Released    = "Released"
	Completed   = "Completed"
)

// The notificationType values of CallStateChanged.
const (
	stateChange         = "StateChange"
	attachedDataChanged = "AttachedDataChanged"
)

var userDataOps = []string{"attach-user-data", "update-user-data", "delete-user-data-pair"}

// capabilities per state (WORKSPACE-V3.md §9.1), for ordinary calls and for
// consult calls. Capability names are the operations' path segments.
var capabilities = map[string][]string{
	Ringing:     slices.Concat([]string{"answer", "clear", "redirect"}, userDataOps, []string{"start-recording"}),
	Dialing:     slices.Concat([]string{"release", "clear"}, userDataOps, []string{"send-dtmf", "start-recording"}),
	Established: slices.Concat([]string{"release", "hold", "clear"}, userDataOps, []string{"send-dtmf", "initiate-conference", "initiate-transfer", "single-step-conference", "single-step-transfer", "start-recording"}),
	Held:        slices.Concat([]string{"release", "retrieve", "clear"}, userDataOps, []string{"send-dtmf", "initiate-conference", "initiate-transfer", "single-step-conference", "single-step-transfer", "start-recording"}),
	Released:    slices.Concat([]string{"complete"}, userDataOps, []string{"start-recording"}),
	Completed:   {},
}

var consultCapabilities = map[string][]string{
	Dialing:     slices.Concat([]string{"release", "clear"}, userDataOps, []string{"complete-transfer", "complete-conference", "alternate", "send-dtmf", "start-recording"}),
	Established: slices.Concat([]string{"release", "hold", "clear"}, userDataOps, []string{"send-dtmf", "alternate", "reconnect", "merge", "complete-conference", "complete-transfer", "start-recording"}),
	Held:        slices.Concat([]string{"release", "retrieve", "clear"}, userDataOps, []string{"send-dtmf", "alternate", "reconnect", "merge", "complete-conference", "complete-transfer", "start-recording"}),
	Released:    capabilities[Released],
	Completed:   {},
}

type participant struct {
	Number string `json:"number"`
	Role   string `json:"role"`
}

// call is a voice call as GWS reports it; id == connId.
type call struct {
	ID             string        `json:"id"`
	ConnID         string        `json:"connId"`
	CallUUID       string        `json:"callUuid"`
	ParentConnID   string        `json:"parentConnId,omitempty"`
	CallType       string        `json:"callType"`
	State          string        `json:"state"`
	PhoneNumber    string        `json:"phoneNumber"`
	DNIS           string        `json:"dnis,omitempty"`
	ANI            string        `json:"ani,omitempty"`
	Participants   []participant `json:"participants"`
	Capabilities   []string      `json:"capabilities"`
	RecordingState string        `json:"recordingState,omitempty"`
	UserData       workspace.KV  `json:"userData"`
	Extensions     workspace.KV  `json:"extensions"`
	StartedAt      string        `json:"startedAt"`
}

func newCall(callType, state, phone, dnis string, ud workspace.KV) *call {
	id := randomHex(8)
	c := &call{ID: id, ConnID: id, CallUUID: randomHex(8), CallType: callType, PhoneNumber: phone, DNIS: dnis,
		Participants: []participant{}, UserData: slices.Clone(ud), Extensions: workspace.KV{},
		StartedAt: time.Now().UTC().Format(time.RFC3339Nano)}
	c.setState(state)
	return c
}

func (c *call) setState(state string) {
	c.State = state
	caps := capabilities
	if c.CallType == "Consult" {
		caps = consultCapabilities
	}
	c.Capabilities = slices.Clone(caps[state])
}

// can fails with 409 unless the call's state allows the operation.
func (c *call) can(operation string) error {
	if !slices.Contains(c.Capabilities, operation) {
		return errorf(http.StatusConflict, "%s is not possible on call %s in state %s", operation, c.ID, c.State)
	}
	return nil
}

// findCall is the session's call with that id, or 404. Caller holds s.mu.
func (sess *session) findCall(id string) (*call, error) {
	for _, c := range sess.calls {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "call %s does not exist", id)
}

// publishCall publishes CallStateChanged with the whole call on the voice
// channel, with operationId when echo is set. Caller holds s.mu.
func (s *Sim) publishCall(sess *session, c *call, notificationType, echo string) {
	s.publish(sess, workspace.ChannelVoice, stateChanged("CallStateChanged", notificationType, "call", c, echo))
}

// stateChanged is the data of a CallStateChanged or InteractionStateChanged
// notification: the whole object under key, and operationId when echo is
// set.
func stateChanged(messageType, notificationType, key string, object any, echo string) map[string]any {
	data := map[string]any{"messageType": messageType, "notificationType": notificationType, key: object}
	if echo != "" {
		data["operationId"] = echo
	}
	return data
}

// changeState moves a call to state and publishes it. Caller holds s.mu.
func (s *Sim) changeState(sess *session, c *call, state, echo string) {
	c.setState(state)
	s.publishCall(sess, c, stateChange, echo)
}

// updateUserData applies the pairs of ud to the call's user data as updates
// and publishes AttachedDataChanged; with no pairs, nothing changes and
// nothing is published. Caller holds s.mu.
func (s *Sim) updateUserData(sess *session, c *call, ud workspace.KV) {
	if len(ud) == 0 {
		return
	}
	c.UserData = c.UserData.Update(ud)
	s.publishCall(sess, c, attachedDataChanged, "")
}

// release ends the conversation; with autoCompleteCall the call completes
// too. Caller holds s.mu.
func (s *Sim) release(sess *session, c *call, echo string) {
	s.changeState(sess, c, Released, echo)
	if sess.autoComplete {
		s.complete(sess, c, echo)
	}
}

// complete marks a call done: Completed, published, and gone from the
// session. Caller holds s.mu.
func (s *Sim) complete(sess *session, c *call, echo string) {
	s.changeState(sess, c, Completed, echo)
	sess.calls = slices.DeleteFunc(sess.calls, func(x *call) bool { return x == c })
}

// maxObjects bounds the calls, and the media interactions, of a session.
const maxObjects = 256

// addCall adds a call to the session and publishes it. Caller holds s.mu.
func (s *Sim) addCall(sess *session, c *call) error {
	if len(sess.calls) >= maxObjects {
		return errorf(http.StatusServiceUnavailable, "the session has %d calls already", maxObjects)
	}
	sess.calls = append(sess.calls, c)
	s.publishCall(sess, c, stateChange, "")
	return nil
}
