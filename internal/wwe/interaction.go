package wwe

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
}

// Interaction is an interaction as the service reports it.
type Interaction struct {
	InteractionID         string          `json:"interactionId"`
	InteractionUUID       string          `json:"interactionUUID,omitempty"`
	CallUUID              string          `json:"callUuid,omitempty"`
	CaseID                string          `json:"caseId,omitempty"`
	ParentInteractionID   string          `json:"parentInteractionId,omitempty"`
	MediaType             string          `json:"mediaType"`
	CallType              string          `json:"callType,omitempty"`
	State                 string          `json:"state"`
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
}

// Revision returns the revision the interaction is at; the zero Revision
// when the service does not report revisions.
func (i *Interaction) Revision() Revision {
	if i.Boot == "" || i.Version <= 0 {
		return Revision{}
	}
	return Revision{Boot: i.Boot, Version: i.Version}
}

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
	return &c
}
