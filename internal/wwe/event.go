package wwe

// Event names (the "event" field of the Genesys envelope).
const (
	EventInteraction = "interaction"
	EventMarkdone    = "markdone"
)

// Event types of interaction events. CASE_SELECTED carries selectedCaseId;
// EXPANDED and COLLAPSED carry caseId; ADDED and CHANGED carry the interaction.
const (
	EventTypeAdded        = "ADDED"
	EventTypeChanged      = "CHANGED"
	EventTypeCaseSelected = "CASE_SELECTED"
	EventTypeExpanded     = "EXPANDED"
	EventTypeCollapsed    = "COLLAPSED"
)

// Event types of markdone events.
const (
	EventTypeMarkdoneBlocked      = "MARKDONE_BLOCKED"
	EventTypeMarkdoneBlockSet     = "MARKDONE_BLOCK_SET"
	EventTypeMarkdoneBlockCleared = "MARKDONE_BLOCK_CLEARED"
)

// Envelope constants of every message the server side sends.
const (
	ServerUserAgent = "WWE Server"
	ProtocolVersion = 2
)

// EventData is the data of an event; which fields are set depends on the
// event type.
type EventData struct {
	EventType       string       `json:"eventType"`
	SelectedCaseID  string       `json:"selectedCaseId,omitempty"`
	CaseID          string       `json:"caseId,omitempty"`
	InteractionID   string       `json:"interactionId,omitempty"`
	Interaction     *Interaction `json:"interaction,omitempty"`
	WarningMessages []string     `json:"warningMessages,omitempty"`
}

// Event is one message of the event stream, in the Genesys envelope.
type Event struct {
	Event           string    `json:"event"`
	Data            EventData `json:"data"`
	UserAgent       string    `json:"userAgent"`
	ProtocolVersion int       `json:"protocolVersion"`
}

// NewEvent returns an event in the server envelope.
func NewEvent(name string, data EventData) Event {
	return Event{Event: name, Data: data, UserAgent: ServerUserAgent, ProtocolVersion: ProtocolVersion}
}
