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
)

// Namespace is the Service Client API namespace every operation belongs to.
const Namespace = "interaction"

// Operations lists every operation in a stable order.
var Operations = []Operation{
	OpGetInteractions, OpGetByInteractionID, OpSetUserData, OpDeleteUserData,
	OpMarkDone, OpBlockMarkdone, OpUnblockMarkdone, OpSelectCaseByCaseID,
	OpAccept, OpReject, OpConsult, OpSingleStepTransfer, OpSingleStepConference,
	OpCompleteTransfer, OpCompleteConference, OpSubscribe,
}

// Request is the full request name, for example "interaction.setUserData".
func (op Operation) Request() string { return Namespace + "." + string(op) }

// CarriesUserData reports whether the operation writes the user data it is
// given (consult, singleStepTransfer and singleStepConference).
func (op Operation) CarriesUserData() bool {
	switch op {
	case OpConsult, OpSingleStepTransfer, OpSingleStepConference:
		return true
	}
	return false
}

// Writes reports whether the operation changes the service at all.
func (op Operation) Writes() bool {
	switch op {
	case OpGetInteractions, OpGetByInteractionID, OpSubscribe:
		return false
	}
	return true
}

// ParseRequest maps a request name such as "interaction.markdone" to its
// operation. It reports false for a name outside the namespace or unknown.
func ParseRequest(name string) (Operation, bool) {
	method, ok := strings.CutPrefix(name, Namespace+".")
	if !ok {
		return "", false
	}
	for _, op := range Operations {
		if string(op) == method {
			return op, true
		}
	}
	return "", false
}
