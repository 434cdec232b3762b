package guard

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
	FrameID     string
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

// WritesFor returns the normalized writes of an operation: a set for every
// key of keyValues, or one delete of key.
func WritesFor(op wwe.Operation, keyValues wwe.UserData, key string) []Write {
	if op == wwe.OpDeleteUserData {
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
