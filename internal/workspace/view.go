package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// ErrView is wrapped by every error about a GWS object that cannot be
// viewed as an interaction (not an object, no id, user data that is not a
// KV list).
var ErrView = errors.New("not a GWS call or interaction")

// GWSAttribute is the attribute of the viewed interaction that holds the
// GWS object as GWS sent it; policies read it as input.interaction.gws.
const GWSAttribute = "gws"

// stateUnknown is the state of an object that has none.
const stateUnknown = "UNKNOWN"

// The §1.1 state of each GWS state (DESIGN.md §8); any other state is
// upper-cased.
var (
	voiceStates = map[string]string{
		"Dialing": wwe.StateDialing, "Ringing": wwe.StateRinging, "Established": wwe.StateTalking,
		"Held": wwe.StateHeld, "Released": wwe.StateIdle, "Completed": wwe.StateCompleted,
	}
	mediaStates = map[string]string{
		"Invited": "INVITED", "Processing": wwe.StateAccepted, "Completed": wwe.StateCompleted,
	}
)

// ViewCall maps a GWS call object (CallStateChanged's call, current-session's
// calls) to the interaction the policies see (DESIGN.md §8).
//
// A call is a consultation when GWS says callType Consult or gives it a
// parentConnId: GWS sets both on the consult call an initiate-transfer or
// initiate-conference makes (WORKSPACE-V3.md §5), and either one alone
// still names a call made to consult about another, so neither may make it
// the main case interaction that the disposition rule looks at.
func ViewCall(raw []byte) (*wwe.Interaction, error) {
	f, it, err := view(raw, voiceStates)
	if err != nil {
		return nil, err
	}
	it.MediaType = "voice"
	it.CallType = strings.ToUpper(f.str("callType"))
	it.ANI, it.DNIS = f.str("ani"), f.str("dnis")
	it.ParentInteractionID = f.str("parentConnId")
	consult := it.CallType == wwe.CallTypeConsult || it.ParentInteractionID != ""
	it.IsConsultation = wwe.Flag(consult)
	it.IsMainCaseInteraction = !consult
	return it, nil
}

// ViewInteraction maps a GWS media interaction object
// (InteractionStateChanged's interaction, current-session's channel
// interactions) to the interaction the policies see (DESIGN.md §8). Media
// interactions have no consultations of their own.
func ViewInteraction(raw []byte) (*wwe.Interaction, error) {
	f, it, err := view(raw, mediaStates)
	if err != nil {
		return nil, err
	}
	it.MediaType = f.str("mediatype")
	it.IsConsultation = wwe.Flag(false)
	it.IsMainCaseInteraction = true
	return it, nil
}

// gwsObject is a GWS object's members, read tolerantly.
type gwsObject map[string]json.RawMessage

// str is the member's string value; "" when absent or not a string.
func (f gwsObject) str(name string) string {
	var s string
	if raw, ok := f[name]; ok && len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

// view reads what calls and interactions share: id, state, userData, and
// the object itself under GWSAttribute.
func view(raw []byte, states map[string]string) (gwsObject, *wwe.Interaction, error) {
	var f gwsObject
	if err := json.Unmarshal(raw, &f); err != nil || f == nil {
		return nil, nil, fmt.Errorf("%w: not a JSON object", ErrView)
	}
	it := &wwe.Interaction{InteractionID: f.str("id"), UserData: wwe.UserData{}}
	if it.InteractionID == "" {
		return nil, nil, fmt.Errorf("%w: no id", ErrView)
	}
	it.State = stateUnknown
	if s := f.str("state"); s != "" {
		if it.State = states[s]; it.State == "" {
			it.State = strings.ToUpper(s)
		}
	}
	if ud, ok := f["userData"]; ok {
		kv, err := DecodeKV(ud)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %s: %w", ErrView, it.InteractionID, err)
		}
		it.UserData = userDataOf(kv.Map())
	}
	var obj bytes.Buffer
	if err := json.Compact(&obj, raw); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrView, err)
	}
	it.Extra = map[string]json.RawMessage{GWSAttribute: obj.Bytes()}
	return f, it, nil
}

// userDataOf is a flattened KV list with its nested lists as wwe.UserData.
func userDataOf(m map[string]any) wwe.UserData {
	out := make(wwe.UserData, len(m))
	for k, v := range m {
		if nested, ok := v.(map[string]any); ok && v != nil {
			v = userDataOf(nested)
		}
		out[k] = v
	}
	return out
}
