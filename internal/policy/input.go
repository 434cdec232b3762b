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

// Input is the policy input document (DESIGN.md §3.1). Empty strings and nil
// values reach the policy as null.
type Input struct {
	Operation      wwe.Operation
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
