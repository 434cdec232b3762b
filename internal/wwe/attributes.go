package wwe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// The JSON form of an Interaction and a Party. Every modelled attribute is
// decoded by its exact name (encoding/json would also take "STATE" for
// "state"); any other member goes to Extra as the service sent it and is
// encoded again after the modelled ones, so a proxy passes on what it does
// not model.

// decodeAttribute decodes the modelled attribute name from its JSON value
// raw; it reports false for a name Interaction does not model. A null
// leaves the attribute unset.
func (i *Interaction) decodeAttribute(name, raw []byte) (bool, error) {
	var err error
	switch string(name) {
	case "interactionId":
		err = decodeString(raw, &i.InteractionID)
	case "interactionUUID":
		err = decodeString(raw, &i.InteractionUUID)
	case "callUuid":
		err = decodeString(raw, &i.CallUUID)
	case "caseId":
		err = decodeString(raw, &i.CaseID)
	case "parentInteractionId":
		err = decodeString(raw, &i.ParentInteractionID)
	case "mediaType":
		err = decodeString(raw, &i.MediaType)
	case "callType":
		err = decodeString(raw, &i.CallType)
	case "direction":
		err = decodeString(raw, &i.Direction)
	case "state":
		err = decodeString(raw, &i.State)
	case "previousState":
		err = decodeString(raw, &i.PreviousState)
	case "recordingState":
		err = decodeString(raw, &i.RecordingState)
	case "ani":
		err = decodeString(raw, &i.ANI)
	case "dnis":
		err = decodeString(raw, &i.DNIS)
	case "parties":
		err = json.Unmarshal(raw, &i.Parties)
	case "isConsultation":
		err = decodeFlag(raw, &i.IsConsultation)
	case "isCaseSelected":
		err = decodeFlag(raw, &i.IsCaseSelected)
	case "isCaseExpanded":
		err = decodeFlag(raw, &i.IsCaseExpanded)
	case "isMainCaseInteraction":
		err = decodeBool(raw, &i.IsMainCaseInteraction)
	case "isDone":
		err = decodeBool(raw, &i.IsDone)
	case "userData":
		err = decodeUserData(raw, &i.UserData)
	case "markdoneBlocks":
		err = json.Unmarshal(raw, &i.MarkdoneBlocks)
	case "version":
		err = decodeInt(raw, &i.Version)
	default:
		return false, nil
	}
	return true, err
}

// modelledNames are the attributes decodeAttribute knows, sorted.
var modelledNames = func() []string {
	names := []string{
		"interactionId", "interactionUUID", "callUuid", "caseId", "parentInteractionId", "mediaType",
		"callType", "direction", "state", "previousState", "recordingState", "ani", "dnis", "parties",
		"isConsultation", "isCaseSelected", "isCaseExpanded", "isMainCaseInteraction", "isDone",
		"userData", "markdoneBlocks", "version",
	}
	slices.Sort(names)
	return names
}()

// Modelled reports whether name is an attribute Interaction models; any
// other attribute is kept in Extra.
func Modelled(name string) bool {
	_, found := slices.BinarySearch(modelledNames, name)
	return found
}

// ModelledAttributes returns the names of the attributes Interaction
// models, sorted.
func ModelledAttributes() []string { return slices.Clone(modelledNames) }

// UnmarshalJSON decodes an interaction: the modelled attributes by their
// exact names, every other member into Extra. User-data numbers stay
// json.Number (as a decoder with UseNumber leaves them).
func (i *Interaction) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	*i = Interaction{}
	var first error
	var firstName string
	err := members(b, func(name, raw []byte) error {
		known, err := i.decodeAttribute(name, raw)
		if err != nil && (first == nil || string(name) < firstName) {
			// The first problem in name order is reported, so the same
			// document always gets the same message.
			first, firstName = err, string(name)
		}
		if !known {
			return keepExtra(&i.Extra, name, raw)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("interaction: %w", err)
	}
	if first != nil {
		return fmt.Errorf("%s: %w", firstName, first)
	}
	return nil
}

// keepExtra stores in *extra (made on first use) a copy of the member name
// with the JSON value raw, an attribute its type does not model.
func keepExtra(extra *map[string]json.RawMessage, name, raw []byte) error {
	if !json.Valid(raw) {
		return fmt.Errorf("attribute %q: invalid JSON value", name)
	}
	if *extra == nil {
		*extra = map[string]json.RawMessage{}
	}
	(*extra)[string(name)] = bytes.Clone(raw)
	return nil
}

// MarshalJSON encodes an interaction: the modelled attributes, then the
// members of Extra (by name) unchanged.
func (i Interaction) MarshalJSON() ([]byte, error) {
	type plain Interaction // the same fields without these methods
	return marshalWithExtra(plain(i), i.Extra, Modelled)
}

// UnmarshalJSON decodes a party: its name, and every other member into
// Extra.
func (p *Party) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	*p = Party{}
	err := members(b, func(name, raw []byte) error {
		if string(name) == "name" {
			if err := decodeString(raw, &p.Name); err != nil {
				return fmt.Errorf("name: %w", err)
			}
			return nil
		}
		return keepExtra(&p.Extra, name, raw)
	})
	if err != nil {
		return fmt.Errorf("party: %w", err)
	}
	return nil
}

// MarshalJSON encodes a party: its name, then the members of Extra.
func (p Party) MarshalJSON() ([]byte, error) {
	type plain Party
	return marshalWithExtra(plain(p), p.Extra, func(name string) bool { return name == "name" })
}

// marshalWithExtra encodes plain, a type's fields without its MarshalJSON,
// then the members of extra that modelled does not report.
func marshalWithExtra(plain any, extra map[string]json.RawMessage, modelled func(string) bool) ([]byte, error) {
	b, err := json.Marshal(plain)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	return appendExtra(b, extra, modelled)
}

// appendExtra inserts the members of extra, sorted by name, before the
// closing brace of the object obj, leaving out the names modelled reports.
func appendExtra(obj []byte, extra map[string]json.RawMessage, modelled func(string) bool) ([]byte, error) {
	if len(obj) < 2 || obj[len(obj)-1] != '}' {
		return nil, errors.New("not an object")
	}
	out := obj[:len(obj)-1]
	empty := len(out) == 1
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		if modelled(name) {
			continue
		}
		raw := bytes.TrimSpace(extra[name])
		if len(raw) == 0 {
			return nil, fmt.Errorf("attribute %q has no value", name)
		}
		if !empty {
			out = append(out, ',')
		}
		empty = false
		key, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		out = append(append(append(out, key...), ':'), raw...)
	}
	return append(out, '}'), nil
}
