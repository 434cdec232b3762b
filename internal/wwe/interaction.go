package wwe

import (
	"encoding/json"
	"maps"
)

// Interaction states the reference service uses. Voice follows the Genesys
// voice states; other media use the same names where they apply.
const (
	StateRinging   = "RINGING"
	StateDialing   = "DIALING"
	StateTalking   = "TALKING"
	StateHeld      = "HELD"
	StateAccepted  = "ACCEPTED"
	StateIdle      = "IDLE"
	StateRejected  = "REJECTED"
	StateCompleted = "COMPLETED"
)

// Directions of an interaction (the direction attribute).
const (
	DirectionIn      = "IN"
	DirectionOut     = "OUT"
	DirectionUnknown = "UNKNOWN"
)

// Call types of an interaction (the callType attribute).
const (
	CallTypeInternal = "INTERNAL"
	CallTypeInbound  = "INBOUND"
	CallTypeOutbound = "OUTBOUND"
	CallTypeConsult  = "CONSULT"
	CallTypeUnknown  = "UNKNOWN"
)

// Recording states of a voice interaction (the recordingState attribute).
const (
	RecordingStopped   = "STOPPED"
	RecordingRecording = "RECORDING"
	RecordingPaused    = "PAUSED"
)

// UserData is the attached data of an interaction. Values are strings,
// integers (int64) or nested UserData, as on the Genesys platform.
type UserData map[string]any

// Clone returns a deep copy of u.
func (u UserData) Clone() UserData {
	if u == nil {
		return nil
	}
	out := make(UserData, len(u))
	for k, v := range u {
		if nested, ok := v.(UserData); ok {
			v = nested.Clone()
		}
		out[k] = v
	}
	return out
}

// Without returns a copy of u without the given keys.
func (u UserData) Without(keys []string) UserData {
	out := make(UserData, len(u))
	for k, v := range u {
		out[k] = v
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// MarkdoneBlock is one caller's explicit markdone block (blockMarkdone).
type MarkdoneBlock struct {
	WarningMessage string `json:"warningMessage"`
	Origin         string `json:"origin"`
	Application    string `json:"application,omitempty"` // the authenticated owner, when there is one
	// Relayed marks a block set through a relay (DESIGN.md §2.5): it
	// belongs to the relay's Application and the frame's Origin together.
	Relayed bool `json:"relayed,omitempty"`
}

// Owner is who a block belongs to (CallerKey, RelayedCallerKey).
func (b MarkdoneBlock) Owner() string {
	if b.Relayed {
		return RelayedCallerKey(b.Application, b.Origin)
	}
	return CallerKey(b.Application, b.Origin)
}

// RelayedCallerKey names a caller that came through a relay: the relay's
// application (none without caller authentication) and the frame's origin.
func RelayedCallerKey(application, origin string) string {
	return "relay " + application + " origin " + origin
}

// CallerKey names a caller: by its authenticated application, or by its
// origin when no caller authentication named one. Markdone blocks belong to
// it and rate limits count by it.
func CallerKey(application, origin string) string {
	if application != "" {
		return "application " + application
	}
	return "origin " + origin
}

// Party is one party of an interaction. Name is the one attribute the
// guard models; every other attribute the service sends is kept in Extra.
type Party struct {
	Name string `json:"name"`
	// Extra holds the party's attributes the guard does not model, by name,
	// each as the JSON the service sent. A member named "name" is ignored.
	Extra map[string]json.RawMessage `json:"-"`
}

// Interaction is an interaction as the service reports it: every attribute
// DESIGN.md §1.1 documents, ours (mediaType, isDone, markdoneBlocks,
// version), and in Extra whatever else the service sent, so that a proxy
// passes on what it does not model. Optional attributes the service did not
// send stay absent: empty strings and nil pointers and slices are not
// encoded.
type Interaction struct {
	InteractionID         string          `json:"interactionId"`
	InteractionUUID       string          `json:"interactionUUID,omitempty"`
	CallUUID              string          `json:"callUuid,omitempty"`
	CaseID                string          `json:"caseId,omitempty"`
	ParentInteractionID   string          `json:"parentInteractionId,omitempty"`
	MediaType             string          `json:"mediaType"`
	CallType              string          `json:"callType,omitempty"`
	Direction             string          `json:"direction,omitempty"`
	State                 string          `json:"state"`
	PreviousState         string          `json:"previousState,omitempty"` // the state before the last state change
	RecordingState        string          `json:"recordingState,omitempty"`
	ANI                   string          `json:"ani,omitempty"`
	DNIS                  string          `json:"dnis,omitempty"`
	Parties               []Party         `json:"parties,omitzero"` // absent (nil) is not the same as [] (none)
	IsConsultation        *bool           `json:"isConsultation,omitempty"`
	IsCaseSelected        *bool           `json:"isCaseSelected,omitempty"`
	IsCaseExpanded        *bool           `json:"isCaseExpanded,omitempty"`
	IsMainCaseInteraction bool            `json:"isMainCaseInteraction"`
	IsDone                bool            `json:"isDone"`
	UserData              UserData        `json:"userData"`
	MarkdoneBlocks        []MarkdoneBlock `json:"markdoneBlocks"`
	// Version is the revision the service gives the interaction; it grows
	// with every change. A write conditioned on it (Command.IfMatch, the
	// If-Match header) is refused with INTERACTION_CHANGED once the
	// interaction has moved on. 0: the service does not report revisions.
	Version int64 `json:"version,omitempty"`
	// Boot is the lifetime of the service that gave Version (its ETag,
	// never in the body): versions are comparable only within one.
	Boot string `json:"-"`
	// Extra holds the attributes the guard does not model (a newer Genesys
	// attribute, a vendor extension), by name, each as the JSON the service
	// sent; they are encoded again unchanged. A name of a modelled attribute
	// (see Modelled) is ignored.
	Extra map[string]json.RawMessage `json:"-"`
}

// Revision returns the revision the interaction is at; the zero Revision
// when the service does not report revisions.
func (i *Interaction) Revision() Revision {
	if i.Boot == "" || i.Version <= 0 {
		return Revision{}
	}
	return Revision{Boot: i.Boot, Version: i.Version}
}

// Flag returns a pointer to b, for the optional flags of an Interaction.
func Flag(b bool) *bool { return &b }

// Live reports whether the interaction is still in progress: setUserData and
// the transfer family work on live interactions only. A voice interaction is
// live unless IDLE; any interaction is not live once rejected or done.
func (i *Interaction) Live() bool {
	switch i.State {
	case StateIdle, StateRejected, StateCompleted:
		return false
	}
	return !i.IsDone
}

// Clone returns a deep copy of i.
func (i *Interaction) Clone() *Interaction {
	c := *i
	c.UserData = i.UserData.Clone()
	if c.UserData == nil {
		c.UserData = UserData{}
	}
	c.MarkdoneBlocks = append([]MarkdoneBlock{}, i.MarkdoneBlocks...)
	if i.Parties != nil {
		c.Parties = make([]Party, len(i.Parties))
		for n, p := range i.Parties {
			c.Parties[n] = Party{Name: p.Name, Extra: maps.Clone(p.Extra)}
		}
	}
	c.IsConsultation = cloneFlag(i.IsConsultation)
	c.IsCaseSelected = cloneFlag(i.IsCaseSelected)
	c.IsCaseExpanded = cloneFlag(i.IsCaseExpanded)
	c.Extra = maps.Clone(i.Extra) // the raw values are never changed in place
	return &c
}

func cloneFlag(b *bool) *bool {
	if b == nil {
		return nil
	}
	return Flag(*b)
}
