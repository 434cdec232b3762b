package guard

import (
	"encoding/json"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// document renders in as the policy input document (DESIGN.md §3.1) the
// plain way, through Go maps: the reference that the guard's two fast
// renderings — Input.value for evaluation and appendInput for the decision
// log — are tested against. With
// mask, every user-data value is replaced by "***" leaf by leaf, so keys,
// nested ones included, stay visible.
func (in *Input) document(mask bool) map[string]any {
	writes := make([]any, len(in.Writes))
	for i, w := range in.Writes {
		entry := map[string]any{"op": w.Op, "key": w.Key}
		if w.Op == WriteSet {
			entry["value"] = value(w.Value, mask)
		}
		writes[i] = entry
	}
	doc := map[string]any{
		"operation":      string(in.Operation),
		"request":        in.Operation.Request(),
		"interactionId":  str(in.InteractionID),
		"writes":         writes,
		"keyValues":      userData(in.KeyValues, mask),
		"key":            str(in.Key),
		"warningMessage": nil,
		"caseId":         str(in.CaseID),
		"target":         value(in.Target, mask),
		"extensions":     userData(in.Extensions, mask),
		"interaction":    interaction(in.Interaction, mask),
		"markdoneBlocks": blocks(in.MarkdoneBlocks),
		"caller": map[string]any{
			"origin":      str(in.Caller.Origin),
			"application": str(in.Caller.Application),
			"agentId":     str(in.Caller.AgentID),
			"frameId":     frameID(in.Caller.FrameID),
		},
	}
	if in.WarningMessage != nil {
		doc["warningMessage"] = *in.WarningMessage
	}
	return doc
}

func frameID(f FrameID) any {
	if !f.Number {
		return str(f.Value)
	}
	if !isJSONNumber(f.Value) {
		return nil
	}
	return json.Number(f.Value)
}

func interaction(it *wwe.Interaction, mask bool) any {
	if it == nil {
		return nil
	}
	return map[string]any{
		"interactionId":         it.InteractionID,
		"interactionUUID":       str(it.InteractionUUID),
		"callUuid":              str(it.CallUUID),
		"caseId":                str(it.CaseID),
		"parentInteractionId":   str(it.ParentInteractionID),
		"mediaType":             it.MediaType,
		"callType":              str(it.CallType),
		"state":                 it.State,
		"isMainCaseInteraction": it.IsMainCaseInteraction,
		"isDone":                it.IsDone,
		"userData":              orEmpty(userData(it.UserData, mask)),
		"markdoneBlocks":        blocks(it.MarkdoneBlocks),
	}
}

func blocks(bs []wwe.MarkdoneBlock) []any {
	out := make([]any, len(bs))
	for i, b := range bs {
		out[i] = map[string]any{"warningMessage": b.WarningMessage, "origin": str(b.Origin)}
	}
	return out
}

func userData(u wwe.UserData, mask bool) any {
	if u == nil {
		return nil
	}
	out := make(map[string]any, len(u))
	for k, v := range u {
		out[k] = value(v, mask)
	}
	return out
}

func value(v any, mask bool) any {
	switch x := v.(type) {
	case nil:
		return nil
	case wwe.UserData:
		return userData(x, mask)
	case map[string]any:
		return userData(wwe.UserData(x), mask)
	}
	if mask {
		return masked
	}
	return v
}

func orEmpty(v any) any {
	if v == nil {
		return map[string]any{}
	}
	return v
}

// str maps the empty string to null.
func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}
