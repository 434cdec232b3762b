package guard

import (
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// The field names of the input document, built once: every decision's input
// shares these key terms rather than allocating its own.
var (
	keyOperation      = ast.StringTerm("operation")
	keyRequest        = ast.StringTerm("request")
	keyDoor           = ast.StringTerm("door")
	keyInteractionID  = ast.StringTerm("interactionId")
	keyWrites         = ast.StringTerm("writes")
	keyKeyValues      = ast.StringTerm("keyValues")
	keyKey            = ast.StringTerm("key")
	keyWarningMessage = ast.StringTerm("warningMessage")
	keyCaseID         = ast.StringTerm("caseId")
	keyTarget         = ast.StringTerm("target")
	keyExtensions     = ast.StringTerm("extensions")
	keyInteraction    = ast.StringTerm("interaction")
	keyMarkdoneBlocks = ast.StringTerm("markdoneBlocks")
	keyCaller         = ast.StringTerm("caller")
	keyOp             = ast.StringTerm("op")
	keyValue          = ast.StringTerm("value")
	keyOrigin         = ast.StringTerm("origin")
	keyApplication    = ast.StringTerm("application")
	keyAgentID        = ast.StringTerm("agentId")
	keyFrameID        = ast.StringTerm("frameId")
	keyInteractionUID = ast.StringTerm("interactionUUID")
	keyCallUUID       = ast.StringTerm("callUuid")
	keyParentID       = ast.StringTerm("parentInteractionId")
	keyMediaType      = ast.StringTerm("mediaType")
	keyCallType       = ast.StringTerm("callType")
	keyState          = ast.StringTerm("state")
	keyIsMainCase     = ast.StringTerm("isMainCaseInteraction")
	keyIsDone         = ast.StringTerm("isDone")
	keyUserData       = ast.StringTerm("userData")
	keyDirection      = ast.StringTerm("direction")
	keyPreviousState  = ast.StringTerm("previousState")
	keyRecordingState = ast.StringTerm("recordingState")
	keyANI            = ast.StringTerm("ani")
	keyDNIS           = ast.StringTerm("dnis")
	keyParties        = ast.StringTerm("parties")
	keyName           = ast.StringTerm("name")
	keyIsConsultation = ast.StringTerm("isConsultation")
	keyIsCaseSelected = ast.StringTerm("isCaseSelected")
	keyIsCaseExpanded = ast.StringTerm("isCaseExpanded")
	keyVersion        = ast.StringTerm("version")
)

// inputValue renders in as the policy input straight into OPA's term
// representation: the same document as document(in, false), without
// building Go maps first and converting them.
func inputValue(in *policy.Input) (ast.Value, error) {
	writes := make([]*ast.Term, len(in.Writes))
	for i, w := range in.Writes {
		if w.Op != policy.WriteSet {
			writes[i] = ast.ObjectTerm(ast.Item(keyOp, strTerm(w.Op)), ast.Item(keyKey, strTerm(w.Key)))
			continue
		}
		v, err := valueTerm(w.Value)
		if err != nil {
			return nil, fmt.Errorf("writes[%d]: %w", i, err)
		}
		writes[i] = ast.ObjectTerm(ast.Item(keyOp, strTerm(w.Op)), ast.Item(keyKey, strTerm(w.Key)), ast.Item(keyValue, v))
	}
	keyValues, err := userDataTerm(in.KeyValues)
	if err != nil {
		return nil, fmt.Errorf("keyValues: %w", err)
	}
	target, err := valueTerm(in.Target)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	extensions, err := userDataTerm(in.Extensions)
	if err != nil {
		return nil, fmt.Errorf("extensions: %w", err)
	}
	it, err := interactionTerm(in.Interaction)
	if err != nil {
		return nil, fmt.Errorf("interaction: %w", err)
	}
	warning := ast.InternedNullTerm
	if in.WarningMessage != nil {
		warning = strTerm(*in.WarningMessage)
	}
	return ast.NewObject(
		ast.Item(keyOperation, strTerm(string(in.Operation))),
		ast.Item(keyRequest, strTerm(in.RequestName())),
		ast.Item(keyDoor, nullableTerm(in.Door)),
		ast.Item(keyMediaType, nullableTerm(in.MediaType)),
		ast.Item(keyInteractionID, nullableTerm(in.InteractionID)),
		ast.Item(keyWrites, ast.ArrayTerm(writes...)),
		ast.Item(keyKeyValues, keyValues),
		ast.Item(keyKey, nullableTerm(in.Key)),
		ast.Item(keyWarningMessage, warning),
		ast.Item(keyCaseID, nullableTerm(in.CaseID)),
		ast.Item(keyTarget, target),
		ast.Item(keyExtensions, extensions),
		ast.Item(keyInteraction, it),
		ast.Item(keyMarkdoneBlocks, blocksTerm(in.MarkdoneBlocks)),
		ast.Item(keyCaller, ast.ObjectTerm(
			ast.Item(keyOrigin, nullableTerm(in.Caller.Origin)),
			ast.Item(keyApplication, nullableTerm(in.Caller.Application)),
			ast.Item(keyAgentID, nullableTerm(in.Caller.AgentID)),
			ast.Item(keyFrameID, frameIDTerm(in.Caller.FrameID)),
		)),
	), nil
}

func blocksTerm(bs []wwe.MarkdoneBlock) *ast.Term {
	out := make([]*ast.Term, len(bs))
	for i, b := range bs {
		out[i] = ast.ObjectTerm(ast.Item(keyWarningMessage, strTerm(b.WarningMessage)), ast.Item(keyOrigin, nullableTerm(b.Origin)),
			ast.Item(keyApplication, nullableTerm(b.Application)))
	}
	return ast.ArrayTerm(out...)
}

// userDataTerm is u as an object, or null when u is nil.
func userDataTerm(u wwe.UserData) (*ast.Term, error) {
	if u == nil {
		return ast.InternedNullTerm, nil
	}
	items := make([][2]*ast.Term, 0, len(u))
	for k, v := range u {
		t, err := valueTerm(v)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", k, err)
		}
		items = append(items, ast.Item(strTerm(k), t))
	}
	return ast.ObjectTerm(items...), nil
}

// valueTerm converts one user-data value (or a consult target) as value
// does, leaving scalars to OPA's own conversion.
func valueTerm(v any) (*ast.Term, error) {
	switch x := v.(type) {
	case nil:
		return ast.InternedNullTerm, nil
	case string:
		return strTerm(x), nil
	case wwe.UserData:
		return userDataTerm(x)
	case map[string]any:
		return userDataTerm(wwe.UserData(x))
	}
	val, err := ast.InterfaceToValue(v)
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(val), nil
}

// frameIDTerm is the frameId with its type: a number, a string, or null.
func frameIDTerm(f policy.FrameID) *ast.Term {
	if !f.Number {
		return nullableTerm(f.Value)
	}
	if !isJSONNumber(f.Value) {
		return ast.InternedNullTerm // as the decision log writes it
	}
	return ast.NumberTerm(json.Number(f.Value))
}

func strTerm(s string) *ast.Term { return ast.InternedTerm(s) }

// enumTerms are the values interactions repeat — states (DESIGN.md §1.1),
// media and call types, directions, recording states — as terms built once,
// so rendering them allocates nothing.
var enumTerms = func() map[string]*ast.Term {
	m := map[string]*ast.Term{}
	for _, s := range []string{
		"UNKNOWN", "IDLE", "RINGING", "DIALING", "TALKING", "HELD",
		"CREATED", "INVITED", "ACCEPTED", "PULLED", "REVOKED", "SAVED", "REJECTED", "TRANSFERRING",
		"TRANSFER_COMPLETED", "INVITED_CONFERENCE", "LEFT_CONFERENCE", "ERROR", "COMPLETED",
		"JOINING", "JOIN_FAILED", "HISTORY_IN_PROGRESS", "HISTORY_DONE", "SENT", "CANCELLED",
		"PREVIEW", "READY", "CANCELED",
		"voice", "chat", "email", "workitem",
		wwe.CallTypeInternal, wwe.CallTypeInbound, wwe.CallTypeOutbound, wwe.CallTypeConsult,
		wwe.DirectionIn, wwe.DirectionOut,
		wwe.RecordingStopped, wwe.RecordingRecording, wwe.RecordingPaused,
	} {
		m[s] = ast.StringTerm(s)
	}
	return m
}()

// enumTerm is s as a term, shared when it is one of enumTerms.
func enumTerm(s string) *ast.Term {
	if t, ok := enumTerms[s]; ok {
		return t
	}
	return strTerm(s)
}

// nullableEnumTerm is nullableTerm for a value of enumTerms.
func nullableEnumTerm(s string) *ast.Term {
	if s == "" {
		return ast.InternedNullTerm
	}
	return enumTerm(s)
}

// nullableTerm maps the empty string to null, as str does.
func nullableTerm(s string) *ast.Term {
	if s == "" {
		return ast.InternedNullTerm
	}
	return strTerm(s)
}
