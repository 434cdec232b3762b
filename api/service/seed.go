package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// DemoSeed is the demo's service state: a live voice call that needs a
// disposition, a chat, a ringing call and a finished call.
func DemoSeed() []*wwe.Interaction {
	return []*wwe.Interaction{
		{InteractionID: "1", InteractionUUID: "00A7D3F1-0001", MediaType: "voice", CallType: "INBOUND", State: wwe.StateTalking,
			CaseID: "case-1", IsMainCaseInteraction: true, UserData: wwe.UserData{"CustomerSegment": "gold", "AccountNumber": "12-3456"}},
		{InteractionID: "2", InteractionUUID: "00A7D3F1-0002", MediaType: "chat", State: wwe.StateAccepted,
			CaseID: "case-2", IsMainCaseInteraction: true, UserData: wwe.UserData{"Subject": "Billing question"}},
		{InteractionID: "3", InteractionUUID: "00A7D3F1-0003", MediaType: "voice", CallType: "INBOUND", State: wwe.StateRinging,
			CaseID: "case-3", IsMainCaseInteraction: true, UserData: wwe.UserData{}},
		{InteractionID: "4", InteractionUUID: "00A7D3F1-0004", MediaType: "voice", CallType: "OUTBOUND", State: wwe.StateIdle,
			CaseID: "case-4", IsMainCaseInteraction: true, UserData: wwe.UserData{"DispositionCode": "NoAnswer"}},
	}
}

// LoadSeed reads a JSON (.json) or YAML (.yaml, .yml) list of Interaction
// objects, strictly: an attribute that is neither documented (DESIGN.md
// §1.1, plus ours) nor a vendor attribute (a name starting with "x-") is an
// error, as are invalid values; every problem is reported.
func LoadSeed(path string) ([]*wwe.Interaction, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
	case ".yaml", ".yml":
		// YAML is read as a generic document, then decoded strictly as the
		// JSON it stands for, so both formats share one set of field names.
		var doc any
		if err := yaml.Unmarshal(src, &doc); err != nil {
			return nil, fmt.Errorf("seed %s: %w", path, err)
		}
		if src, err = json.Marshal(doc); err != nil {
			return nil, fmt.Errorf("seed %s: %w", path, err)
		}
	default:
		return nil, fmt.Errorf("seed %s: use a .json, .yaml or .yml file", path)
	}
	var entries []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&entries); err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("seed %s: data after the list", path)
	}
	var problems []string
	seen := map[string]bool{}
	out := make([]*wwe.Interaction, 0, len(entries))
	for i, raw := range entries {
		at := fmt.Sprintf("seed %s: entry %d", path, i)
		var it *wwe.Interaction
		if err := json.Unmarshal(raw, &it); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", at, err))
			continue
		}
		if it == nil {
			problems = append(problems, at+": is null")
			continue
		}
		switch {
		case it.InteractionID == "":
			problems = append(problems, at+": interactionId is required")
		case seen[it.InteractionID]:
			problems = append(problems, fmt.Sprintf("%s: interactionId %q is used twice", at, it.InteractionID))
		}
		seen[it.InteractionID] = true
		if it.MediaType == "" {
			problems = append(problems, at+": mediaType is required")
		}
		if it.State == "" {
			problems = append(problems, at+": state is required")
		}
		for _, p := range seedProblems(it) {
			problems = append(problems, at+": "+p)
		}
		ud, err := Normalize(it.UserData)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: userData: %v", at, err))
		}
		it.UserData = ud
		out = append(out, it)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return out, nil
}

// Normalize converts decoded user data (JSON numbers, YAML ints, nested
// maps) to the domain's values: strings, int64 and nested UserData.
func Normalize(u map[string]any) (wwe.UserData, error) {
	out := make(wwe.UserData, len(u))
	for k, v := range u {
		n, err := normalizeValue(v)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

func normalizeValue(v any) (any, error) {
	switch x := v.(type) {
	case string, int64:
		return x, nil
	case int:
		return int64(x), nil
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s is not an integer", x)
		}
		return n, nil
	case wwe.UserData:
		return Normalize(x)
	case map[string]any:
		return Normalize(x)
	}
	return nil, fmt.Errorf("value must be a string, an integer or an object, not %T", v)
}
