package wwe

import "strings"

// Operation is a method of the Interaction namespace, named as the Service
// Client API names it (without the "interaction." prefix).
type Operation string

// The operations of the Interaction namespace that wwe-guard serves.
const (
	OpGetInteractions      Operation = "getInteractions"
	OpGetByInteractionID   Operation = "getByInteractionId"
	OpSetUserData          Operation = "setUserData"
	OpDeleteUserData       Operation = "deleteUserData"
	OpMarkDone             Operation = "markdone"
	OpBlockMarkdone        Operation = "blockMarkdone"
	OpUnblockMarkdone      Operation = "unblockMarkdone"
	OpSelectCaseByCaseID   Operation = "selectCaseByCaseId"
	OpAccept               Operation = "accept"
	OpReject               Operation = "reject"
	OpConsult              Operation = "consult"
	OpSingleStepTransfer   Operation = "singleStepTransfer"
	OpSingleStepConference Operation = "singleStepConference"
	OpCompleteTransfer     Operation = "completeTransfer"
	OpCompleteConference   Operation = "completeConference"
	// OpSubscribe is the event subscription (GET /v1/events).
	OpSubscribe Operation = "subscribe"

	// Operations only the Workspace API v3 door has (DESIGN.md §8.1).
	OpMakeCall          Operation = "makeCall"
	OpCreateInteraction Operation = "createInteraction"
	OpManageUserData    Operation = "manageUserData"
)

// Namespace is the Service Client API namespace every operation belongs to.
const Namespace = "interaction"

// Target is what a call of an operation names.
type Target int

// Targets.
const (
	NoTarget          Target = iota // the whole namespace (getInteractions, subscribe)
	TargetInteraction               // one interaction, by interactionId
	TargetCase                      // one case, by caseId
)

// UserDataWrites says how an operation's user-data writes derive from its
// call (the policy input's writes).
type UserDataWrites int

// How writes derive.
const (
	NoUserData     UserDataWrites = iota // it writes no user data
	SetsKeyValues                        // every key of the call's key/values is set
	DeletesKey                           // the call's key is deleted
	SetsAndDeletes                       // the door lists the sets and deletes itself (Workspace API v3 KV lists)
)

// Semantics is what an operation means, whichever door it comes through.
type Semantics struct {
	Target   Target
	Changes  bool           // it changes the service: a write, decided on a revision and run one at a time per interaction
	UserData UserDataWrites // the user data it writes
	Markdone bool           // it marks the interaction done
	// WorkspaceOnly: not a method of the Interaction namespace; only the
	// Workspace API v3 door has it (the /v1 and SCAPI doors do not).
	WorkspaceOnly bool
}

// operations is the one table of operations, in a stable order.
var operations = []struct {
	op Operation
	Semantics
}{
	{OpGetInteractions, Semantics{Target: NoTarget}},
	{OpGetByInteractionID, Semantics{Target: TargetInteraction}},
	{OpSetUserData, Semantics{Target: TargetInteraction, Changes: true, UserData: SetsKeyValues}},
	{OpDeleteUserData, Semantics{Target: TargetInteraction, Changes: true, UserData: DeletesKey}},
	{OpMarkDone, Semantics{Target: TargetInteraction, Changes: true, Markdone: true}},
	{OpBlockMarkdone, Semantics{Target: TargetInteraction, Changes: true}},
	{OpUnblockMarkdone, Semantics{Target: TargetInteraction, Changes: true}},
	{OpSelectCaseByCaseID, Semantics{Target: TargetCase, Changes: true}},
	{OpAccept, Semantics{Target: TargetInteraction, Changes: true}},
	{OpReject, Semantics{Target: TargetInteraction, Changes: true}},
	{OpConsult, Semantics{Target: TargetInteraction, Changes: true, UserData: SetsKeyValues}},
	{OpSingleStepTransfer, Semantics{Target: TargetInteraction, Changes: true, UserData: SetsKeyValues}},
	{OpSingleStepConference, Semantics{Target: TargetInteraction, Changes: true, UserData: SetsKeyValues}},
	{OpCompleteTransfer, Semantics{Target: TargetInteraction, Changes: true}},
	{OpCompleteConference, Semantics{Target: TargetInteraction, Changes: true}},
	{OpSubscribe, Semantics{Target: NoTarget}},
	{OpMakeCall, Semantics{Target: NoTarget, Changes: true, UserData: SetsKeyValues, WorkspaceOnly: true}},
	{OpCreateInteraction, Semantics{Target: NoTarget, Changes: true, UserData: SetsKeyValues, WorkspaceOnly: true}},
	{OpManageUserData, Semantics{Target: TargetInteraction, Changes: true, UserData: SetsAndDeletes, WorkspaceOnly: true}},
}

// Operations lists every operation in a stable order.
var Operations = func() []Operation {
	out := make([]Operation, len(operations))
	for i, o := range operations {
		out[i] = o.op
	}
	return out
}()

// semantics indexes operations.
var semantics = func() map[Operation]Semantics {
	out := make(map[Operation]Semantics, len(operations))
	for _, o := range operations {
		out[o.op] = o.Semantics
	}
	return out
}()

// Semantics returns what op means; the zero Semantics for an unknown one.
func (op Operation) Semantics() Semantics { return semantics[op] }

// Request is the full request name, for example "interaction.setUserData".
func (op Operation) Request() string { return Namespace + "." + string(op) }

// Writes reports whether the operation changes the service at all.
func (op Operation) Writes() bool { return op.Semantics().Changes }

// WritesUserData reports whether the operation writes user data (its call
// has writes for the policies to decide).
func (op Operation) WritesUserData() bool { return op.Semantics().UserData != NoUserData }

// InNamespace reports whether op is a method of the Interaction namespace,
// which the /v1 and SCAPI doors serve.
func (op Operation) InNamespace() bool {
	s, known := semantics[op]
	return known && !s.WorkspaceOnly
}

// ParseRequest maps a request name such as "interaction.markdone" to its
// operation. It reports false for a name outside the namespace or unknown.
func ParseRequest(name string) (Operation, bool) {
	method, ok := strings.CutPrefix(name, Namespace+".")
	if !ok {
		return "", false
	}
	op := Operation(method)
	return op, op.InNamespace()
}
