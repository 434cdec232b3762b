package workspace

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Session is what a current-session reply says about the agent's live
// interactions.
type Session struct {
	// Calls are activeSession.calls, viewed (ViewCall).
	Calls []*wwe.Interaction
	// Interactions are the interactions of activeSession.media.channels,
	// viewed (ViewInteraction), each once: GWS's simulator lists every
	// interaction under each channel.
	Interactions []*wwe.Interaction
	// AutoCompleteCall is activeSession.autoCompleteCall; true when GWS does
	// not say (its default, and the reading that holds a release as a
	// markdone).
	AutoCompleteCall bool
}

// ParseCurrentSession reads a GET /workspace/v3/current-session reply:
// {"status":…,"data":{"user":{"activeSession":{"autoCompleteCall",
// "calls":[…],"media":{"channels":[{"interactions":[…]}]}}}}}. Members it
// does not read are ignored, and a reply without an active session is an
// empty Session. A reply that is not JSON of that shape, or a call or
// interaction that cannot be viewed, is an error wrapping ErrView.
func ParseCurrentSession(body []byte) (Session, error) {
	var reply struct {
		Data struct {
			User struct {
				ActiveSession *struct {
					AutoCompleteCall *bool             `json:"autoCompleteCall"`
					Calls            []json.RawMessage `json:"calls"`
					Media            struct {
						Channels []struct {
							Interactions []json.RawMessage `json:"interactions"`
						} `json:"channels"`
					} `json:"media"`
				} `json:"activeSession"`
			} `json:"user"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &reply); err != nil {
		return Session{}, fmt.Errorf("%w: current-session: %w", ErrView, err)
	}
	s := Session{AutoCompleteCall: true}
	as := reply.Data.User.ActiveSession
	if as == nil {
		return s, nil
	}
	if as.AutoCompleteCall != nil {
		s.AutoCompleteCall = *as.AutoCompleteCall
	}
	for _, raw := range as.Calls {
		it, err := ViewCall(raw)
		if err != nil {
			return Session{}, err
		}
		s.Calls = append(s.Calls, it)
	}
	for _, ch := range as.Media.Channels {
		for _, raw := range ch.Interactions {
			it, err := ViewInteraction(raw)
			if err != nil {
				return Session{}, err
			}
			if !slices.ContainsFunc(s.Interactions, func(o *wwe.Interaction) bool { return o.InteractionID == it.InteractionID }) {
				s.Interactions = append(s.Interactions, it)
			}
		}
	}
	return s, nil
}

// The message types that carry a whole call or interaction.
const (
	CallStateChanged        = "CallStateChanged"
	InteractionStateChanged = "InteractionStateChanged"
)

// StateChange is one CallStateChanged or InteractionStateChanged
// notification: the whole new object, viewed.
type StateChange struct {
	MessageType      string
	NotificationType string // StateChange, AttachedDataChanged, PropertiesUpdated, …
	// PreviousID is the call's previousConnId: the id under which the call
	// was known before (a two-step transfer or conference to this agent).
	PreviousID  string
	Interaction *wwe.Interaction
}

// StateChanges reads the CallStateChanged and InteractionStateChanged
// notifications of a Bayeux reply from GWS (a JSON array of messages);
// other messages are skipped. A body that is not such an array, or a call
// or interaction that cannot be viewed, is an error wrapping ErrView.
func StateChanges(body []byte) ([]StateChange, error) {
	var msgs []json.RawMessage
	if err := json.Unmarshal(body, &msgs); err != nil {
		return nil, fmt.Errorf("%w: Bayeux reply: %w", ErrView, err)
	}
	var out []StateChange
	for _, m := range msgs {
		var msg struct {
			Data struct {
				MessageType      string          `json:"messageType"`
				NotificationType string          `json:"notificationType"`
				Call             json.RawMessage `json:"call"`
				Interaction      json.RawMessage `json:"interaction"`
			} `json:"data"`
		}
		// A member of another type leaves its field empty; the others are
		// still read (a message that is not an object reads as none).
		_ = json.Unmarshal(m, &msg)
		data := msg.Data
		c := StateChange{MessageType: data.MessageType, NotificationType: data.NotificationType}
		var err error
		switch {
		case data.MessageType == CallStateChanged && len(data.Call) > 0 && !isNull(data.Call):
			c.Interaction, err = ViewCall(data.Call)
			var prev struct {
				PreviousConnID string `json:"previousConnId"`
			}
			_ = json.Unmarshal(data.Call, &prev) // a previousConnId that is not a string is none
			c.PreviousID = prev.PreviousConnID
		case data.MessageType == InteractionStateChanged && len(data.Interaction) > 0 && !isNull(data.Interaction):
			c.Interaction, err = ViewInteraction(data.Interaction)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
