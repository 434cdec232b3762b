package gwssim

import (
	"net/http"
	"slices"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// The media interaction states.
const (
	Invited    = "Invited"
	Processing = "Processing"
	Composing  = "Composing"
)

// The notificationType values of InteractionStateChanged.
const (
	statusChange      = "StatusChange"
	propertiesUpdated = "PropertiesUpdated"
)

var mediaUserDataOps = []string{"attach-user-data", "update-user-data", "delete-user-data"}

// mediaCapabilities per state (WORKSPACE-V3.md §9.2).
var mediaCapabilities = map[string][]string{
	Invited:    {"accept", "reject"},
	Processing: slices.Concat(mediaUserDataOps, []string{"place-in-queue", "transfer", "complete"}),
	Composing:  slices.Concat(mediaUserDataOps, []string{"send", "save", "cancel", "complete"}),
	Completed:  {},
}

// interaction is a media interaction as GWS reports it.
type interaction struct {
	ID                 string       `json:"id"`
	MediaType          string       `json:"mediatype"`
	InteractionType    string       `json:"interactionType"`
	InteractionSubtype string       `json:"interactionSubtype"`
	State              string       `json:"state"`
	Capabilities       []string     `json:"capabilities"`
	Queue              string       `json:"queue,omitempty"`
	ParentID           string       `json:"parentId,omitempty"`
	Subject            string       `json:"subject,omitempty"`
	ReceivedAt         string       `json:"receivedAt"`
	IsHeld             bool         `json:"isHeld"`
	IsInWorkflow       bool         `json:"isInWorkflow"`
	UserData           workspace.KV `json:"userData"`
}

func newInteraction(mediatype, typ, subtype, state string, ud workspace.KV) *interaction {
	ix := &interaction{ID: randomHex(8), MediaType: mediatype, InteractionType: typ, InteractionSubtype: subtype,
		UserData: slices.Clone(ud), ReceivedAt: time.Now().UTC().Format(time.RFC3339Nano)}
	if ix.UserData == nil {
		ix.UserData = workspace.KV{}
	}
	ix.setState(state)
	return ix
}

func (ix *interaction) setState(state string) {
	ix.State = state
	ix.Capabilities = slices.Clone(mediaCapabilities[state])
}

func (ix *interaction) can(operation string) error {
	if !slices.Contains(ix.Capabilities, operation) {
		return errorf(http.StatusConflict, "%s is not possible on interaction %s in state %s", operation, ix.ID, ix.State)
	}
	return nil
}

// findInteraction is the session's interaction with that id and, when
// mediatype is set, that media type; else 404. Caller holds s.mu.
func (sess *session) findInteraction(mediatype, id string) (*interaction, error) {
	for _, ix := range sess.interactions {
		if ix.ID == id && (mediatype == "" || ix.MediaType == mediatype) {
			return ix, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "interaction %s does not exist", id)
}

// publishInteraction publishes InteractionStateChanged with the whole
// interaction on /workspace/v3/media and /workspace/v3/media/{mediatype}.
// Caller holds s.mu.
func (s *Sim) publishInteraction(sess *session, ix *interaction, notificationType, echo string) {
	data := stateChanged("InteractionStateChanged", notificationType, "interaction", ix, echo)
	s.publish(sess, workspace.ChannelMedia, data)
	s.publish(sess, workspace.MediaChannel(ix.MediaType), data)
}

// addInteraction adds an interaction and publishes it. Caller holds s.mu.
func (s *Sim) addInteraction(sess *session, ix *interaction, echo string) error {
	if len(sess.interactions) >= maxObjects {
		return errorf(http.StatusServiceUnavailable, "the session has %d interactions already", maxObjects)
	}
	sess.interactions = append(sess.interactions, ix)
	s.publishInteraction(sess, ix, statusChange, echo)
	return nil
}

// completeInteraction: Completed, published, gone from the session. Caller
// holds s.mu.
func (s *Sim) completeInteraction(sess *session, ix *interaction, echo string) {
	ix.setState(Completed)
	s.publishInteraction(sess, ix, statusChange, echo)
	sess.interactions = slices.DeleteFunc(sess.interactions, func(x *interaction) bool { return x == ix })
}
