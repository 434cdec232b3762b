package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// document renders in as the policy input document (DESIGN.md §3.1) in
// plain Go values: empty strings and nil values as null, the optional
// interaction attributes only when the service sent them, the attributes
// the guard does not model decoded from the service's JSON. It is the
// document the guard evaluates, built without a policy engine, for
// Fingerprint.
func (in *Input) document() (map[string]any, error) {
	writes := make([]any, len(in.Writes))
	for i, w := range in.Writes {
		entry := map[string]any{"op": w.Op, "key": w.Key}
		if w.Op == WriteSet {
			entry["value"] = w.Value
		}
		writes[i] = entry
	}
	it, err := interactionDocument(in.Interaction)
	if err != nil {
		return nil, fmt.Errorf("interaction: %w", err)
	}
	doc := map[string]any{
		"operation":      string(in.Operation),
		"request":        in.RequestName(),
		"door":           nullable(in.Door),
		"mediaType":      nullable(in.MediaType),
		"interactionId":  nullable(in.InteractionID),
		"writes":         writes,
		"keyValues":      userData(in.KeyValues),
		"key":            nullable(in.Key),
		"warningMessage": nil,
		"caseId":         nullable(in.CaseID),
		"target":         in.Target,
		"extensions":     userData(in.Extensions),
		"interaction":    it,
		"markdoneBlocks": blocks(in.MarkdoneBlocks),
		"caller": map[string]any{
			"origin":      nullable(in.Caller.Origin),
			"application": nullable(in.Caller.Application),
			"agentId":     nullable(in.Caller.AgentID),
			"frameId":     in.Caller.FrameID.document(),
		},
	}
	if in.WarningMessage != nil {
		doc["warningMessage"] = *in.WarningMessage
	}
	return doc, nil
}

// document is the frameId with its type: a number, a string, or null. A
// frameId marked as a number that is not one JSON number literal is null.
func (f FrameID) document() any {
	if !f.Number {
		return nullable(f.Value)
	}
	if !numberLiteral(f.Value) {
		return nil
	}
	return json.Number(f.Value)
}

// numberLiteral reports whether s is one JSON number literal: a JSON text
// that starts with a minus or a digit and has no surrounding white space.
func numberLiteral(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') &&
		strings.TrimRight(s, " \t\r\n") == s && json.Valid([]byte(s))
}

// interactionDocument renders the interaction as the service reports it:
// the attributes every interaction has (null when empty), the optional ones
// only when the service sent them, and the attributes the guard does not
// model.
func interactionDocument(it *wwe.Interaction) (any, error) {
	if it == nil {
		return nil, nil
	}
	ud := userData(it.UserData)
	if ud == nil {
		ud = map[string]any{}
	}
	doc := map[string]any{
		"interactionId":         it.InteractionID,
		"interactionUUID":       nullable(it.InteractionUUID),
		"callUuid":              nullable(it.CallUUID),
		"caseId":                nullable(it.CaseID),
		"parentInteractionId":   nullable(it.ParentInteractionID),
		"mediaType":             it.MediaType,
		"callType":              nullable(it.CallType),
		"state":                 it.State,
		"isMainCaseInteraction": it.IsMainCaseInteraction,
		"isDone":                it.IsDone,
		"userData":              ud,
		"markdoneBlocks":        blocks(it.MarkdoneBlocks),
	}
	for _, f := range [...]struct{ name, value string }{
		{"direction", it.Direction}, {"previousState", it.PreviousState}, {"recordingState", it.RecordingState},
		{"ani", it.ANI}, {"dnis", it.DNIS},
	} {
		if f.value != "" {
			doc[f.name] = f.value
		}
	}
	for _, f := range [...]struct {
		name  string
		value *bool
	}{{"isConsultation", it.IsConsultation}, {"isCaseSelected", it.IsCaseSelected}, {"isCaseExpanded", it.IsCaseExpanded}} {
		if f.value != nil {
			doc[f.name] = *f.value
		}
	}
	if it.Version != 0 {
		doc["version"] = it.Version
	}
	if it.Parties != nil {
		parties := make([]any, len(it.Parties))
		for i, p := range it.Parties {
			party := map[string]any{"name": p.Name}
			if err := addExtra(party, p.Extra, func(name string) bool { return name == "name" }); err != nil {
				return nil, fmt.Errorf("parties: %d: %w", i, err)
			}
			parties[i] = party
		}
		doc["parties"] = parties
	}
	if err := addExtra(doc, it.Extra, wwe.Modelled); err != nil {
		return nil, err
	}
	return doc, nil
}

// addExtra adds the attributes the guard does not model to doc, decoded
// from the service's JSON (numbers as written), except the names modelled
// reports.
func addExtra(doc map[string]any, attrs map[string]json.RawMessage, modelled func(string) bool) error {
	for name, raw := range attrs {
		if modelled(name) {
			continue
		}
		v, err := decodeJSON(raw)
		if err != nil {
			return fmt.Errorf("%q: %w", name, err)
		}
		doc[name] = v
	}
	return nil
}

// decodeJSON decodes one JSON value, numbers as json.Number.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

func blocks(bs []wwe.MarkdoneBlock) []any {
	out := make([]any, len(bs))
	for i, b := range bs {
		out[i] = map[string]any{"warningMessage": b.WarningMessage, "origin": nullable(b.Origin), "application": nullable(b.Application)}
	}
	return out
}

// userData is u as an object, or nil (null) when u is nil.
func userData(u wwe.UserData) map[string]any {
	if u == nil {
		return nil
	}
	return map[string]any(u)
}

// nullable maps the empty string to null.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
