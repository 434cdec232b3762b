package policy

import (
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Write kinds of Input.Writes.
const (
	WriteSet    = "set"
	WriteDelete = "delete"
)

// Write is one user-data change a call would make.
type Write struct {
	Op    string // WriteSet or WriteDelete
	Key   string
	Value any // the value for WriteSet; nil for WriteDelete
}

// Caller identifies who made the request. Empty fields reach the policy as null.
type Caller struct {
	Origin      string
	Application string
	AgentID     string
	FrameID     FrameID
}

// FrameID is the frameId of a SCAPI envelope as the frame sent it: a string
// or a number (WWE announces either to a frame), and it reaches the policy
// with that type. The zero value is absent (null); so is an empty string.
type FrameID struct {
	// Value is the string, or the number as the envelope wrote it (the
	// text of a JSON number).
	Value string
	// Number says that Value is a JSON number.
	Number bool
}

// Doors: the way a call came in (the input's door).
const (
	DoorV1        = "v1"        // the /v1 REST routes
	DoorSCAPI     = "scapi"     // the SCAPI envelope
	DoorWorkspace = "workspace" // the Workspace API v3 door (DESIGN.md §8)
)

// Input is the policy input document (DESIGN.md §3.1). Empty strings and nil
// values reach the policy as null.
type Input struct {
	Operation wwe.Operation
	// Request names the request as its door knows it; empty: the SCAPI
	// request name of Operation (interaction.<operation>).
	Request string
	// Door is DoorV1, DoorSCAPI or DoorWorkspace.
	Door string
	// MediaType is the media of the call's route (the Workspace API v3
	// door); empty elsewhere.
	MediaType      string
	InteractionID  string
	Writes         []Write
	KeyValues      wwe.UserData
	Key            string
	WarningMessage *string
	CaseID         string
	Target         any
	Extensions     wwe.UserData
	Interaction    *wwe.Interaction
	MarkdoneBlocks []wwe.MarkdoneBlock
	Caller         Caller
}

// RequestName is the input's request: Request, or the operation's SCAPI
// request name when the door names none.
func (in *Input) RequestName() string {
	if in.Request != "" {
		return in.Request
	}
	return in.Operation.Request()
}

// WritesFor returns the normalized writes of an operation, as its
// semantics derive them: a set for every key of keyValues, or one delete of
// key; none for an operation that writes no user data.
func WritesFor(op wwe.Operation, keyValues wwe.UserData, key string) []Write {
	switch op.Semantics().UserData {
	case wwe.NoUserData:
		return nil
	case wwe.DeletesKey:
		return []Write{{Op: WriteDelete, Key: key}}
	}
	writes := make([]Write, 0, len(keyValues))
	for k, v := range keyValues {
		writes = append(writes, Write{Op: WriteSet, Key: k, Value: v})
	}
	sortWrites(writes)
	return writes
}

func sortWrites(ws []Write) {
	slices.SortFunc(ws, func(a, b Write) int { return strings.Compare(a.Key, b.Key) })
}
