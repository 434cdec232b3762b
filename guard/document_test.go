package guard

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// document renders in as the policy input document (DESIGN.md §3.1) the
// plain way, through Go maps: the reference that the guard's two fast
// renderings — inputValue for evaluation and the termWriter of the decision
// log, which writes the value inputValue built — are tested against. With
// mask, every user-data value is replaced by "***" leaf by leaf, so keys,
// nested ones included, stay visible.
func document(in *policy.Input, mask bool) map[string]any {
	writes := make([]any, len(in.Writes))
	for i, w := range in.Writes {
		entry := map[string]any{"op": w.Op, "key": w.Key}
		if w.Op == policy.WriteSet {
			entry["value"] = value(w.Value, mask)
		}
		writes[i] = entry
	}
	doc := map[string]any{
		"operation":      string(in.Operation),
		"request":        in.RequestName(),
		"door":           str(in.Door),
		"mediaType":      str(in.MediaType),
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

func frameID(f policy.FrameID) any {
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
	doc := map[string]any{
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
	// The optional attributes are there only when the service sent them;
	// ani, dnis, parties and the attributes the guard does not model are
	// masked like user data.
	for name, v := range map[string]string{"direction": it.Direction, "previousState": it.PreviousState, "recordingState": it.RecordingState} {
		if v != "" {
			doc[name] = v
		}
	}
	for name, v := range map[string]string{"ani": it.ANI, "dnis": it.DNIS} {
		if v != "" {
			doc[name] = value(v, mask)
		}
	}
	for name, v := range map[string]*bool{"isConsultation": it.IsConsultation, "isCaseSelected": it.IsCaseSelected, "isCaseExpanded": it.IsCaseExpanded} {
		if v != nil {
			doc[name] = *v
		}
	}
	if it.Version != 0 {
		doc["version"] = it.Version
	}
	if it.Parties != nil {
		parties := make([]any, len(it.Parties))
		for i, p := range it.Parties {
			party := map[string]any{"name": value(p.Name, mask)}
			extra(party, p.Extra, mask, func(name string) bool { return name == "name" })
			parties[i] = party
		}
		doc["parties"] = parties
	}
	extra(doc, it.Extra, mask, wwe.Modelled)
	return doc
}

// extra adds the attributes the guard does not model to doc, except the
// names modelled reports.
func extra(doc map[string]any, attrs map[string]json.RawMessage, mask bool, modelled func(string) bool) {
	for name, raw := range attrs {
		if modelled(name) {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			panic(err)
		}
		doc[name] = maskJSON(v, mask)
	}
}

// maskJSON replaces every leaf of a decoded JSON value but null by "***".
func maskJSON(v any, mask bool) any {
	if !mask {
		return v
	}
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = maskJSON(e, mask)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskJSON(e, mask)
		}
		return out
	}
	return masked
}

func blocks(bs []wwe.MarkdoneBlock) []any {
	out := make([]any, len(bs))
	for i, b := range bs {
		out[i] = map[string]any{"warningMessage": b.WarningMessage, "origin": str(b.Origin), "application": str(b.Application)}
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
	case []any:
		return maskJSON(x, mask)
	}
	if mask {
		return masked
	}
	return v
}

// maskedPointers lists, field by field, the JSON pointers of the values a
// masked entry replaces, sorted: the reference for the `masked` field. Every
// set write's value, every member of keyValues, extensions and the
// interaction's userData, a target that is not null, and the interaction's
// ani, dnis, parties (when there are any) and unmodelled attributes.
func maskedPointers(in *policy.Input) []string {
	escape := strings.NewReplacer("~", "~0", "/", "~1").Replace
	var paths []string
	for i, w := range in.Writes {
		if w.Op == policy.WriteSet {
			paths = append(paths, "/input/writes/"+strconv.Itoa(i)+"/value")
		}
	}
	for prefix, u := range map[string]wwe.UserData{"/input/keyValues/": in.KeyValues, "/input/extensions/": in.Extensions} {
		for k := range u {
			paths = append(paths, prefix+escape(k))
		}
	}
	if in.Target != nil {
		paths = append(paths, "/input/target")
	}
	if it := in.Interaction; it != nil {
		for k := range it.UserData {
			paths = append(paths, "/input/interaction/userData/"+escape(k))
		}
		if it.ANI != "" {
			paths = append(paths, "/input/interaction/ani")
		}
		if it.DNIS != "" {
			paths = append(paths, "/input/interaction/dnis")
		}
		if len(it.Parties) > 0 {
			paths = append(paths, "/input/interaction/parties")
		}
		for k := range it.Extra {
			if !wwe.Modelled(k) {
				paths = append(paths, "/input/interaction/"+escape(k))
			}
		}
	}
	slices.Sort(paths)
	return paths
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
