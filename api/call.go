package api

import (
	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// call is one validated request of the Interaction namespace, whichever door
// it came through. It is what the guard evaluates and, once allowed, what it
// forwards.
type call struct {
	op             wwe.Operation
	door           string // policy.DoorV1 or policy.DoorSCAPI
	interactionID  string
	caseID         string
	key            string
	keyValues      wwe.UserData
	warningMessage *string
	target         any
	extensions     wwe.UserData
	caller         policy.Caller
	relayed        bool         // it came through a relay (DESIGN.md §2.5): its application and origin own it together
	ifMatch        wwe.Revision // a write's If-Match: the revision it applies to (none: any; reads ignore the header)
}

// input builds the policy input for c against the interaction as the
// service reports it (nil when there is none).
func (c *call) input(it *wwe.Interaction) policy.Input {
	in := policy.Input{
		Operation:      c.op,
		Door:           c.door,
		InteractionID:  c.interactionID,
		KeyValues:      c.keyValues,
		Key:            c.key,
		WarningMessage: c.warningMessage,
		CaseID:         c.caseID,
		Target:         c.target,
		Extensions:     c.extensions,
		Interaction:    it,
		Caller:         c.caller,
	}
	if c.op.WritesUserData() {
		in.Writes = policy.WritesFor(c.op, c.keyValues, c.key)
	}
	if it != nil {
		in.MarkdoneBlocks = it.MarkdoneBlocks
	}
	return in
}

// callerKey names the caller for rate limits as its markdone blocks are
// owned: through a relay, by (relay application, frame origin).
func (c *call) callerKey() string {
	if c.relayed {
		return wwe.RelayedCallerKey(c.caller.Application, c.caller.Origin)
	}
	return wwe.CallerKey(c.caller.Application, c.caller.Origin)
}

// command is the write that c forwards to the service, conditioned on the
// revision of the interaction the decision was made on.
func (c *call) command(rev wwe.Revision) wwe.Command {
	cmd := wwe.Command{
		Op:            c.op,
		InteractionID: c.interactionID,
		CaseID:        c.caseID,
		KeyValues:     c.keyValues,
		Key:           c.key,
		Target:        c.target,
		Extensions:    c.extensions,
		Origin:        c.caller.Origin,
		Application:   c.caller.Application,
		Relayed:       c.relayed,
		IfMatch:       rev,
	}
	if c.warningMessage != nil {
		cmd.WarningMessage = *c.warningMessage
	}
	return cmd
}
