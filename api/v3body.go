package api

import (
	"bytes"
	"encoding/json"
	"strings"
)

// v3AutoComplete reports the autoCompleteCall an activate-channels body
// asks for: GWS's default, true, unless data.autoCompleteCall is false.
func v3AutoComplete(body []byte) bool {
	var req struct {
		Data struct {
			AutoCompleteCall *bool `json:"autoCompleteCall"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &req) != nil || req.Data.AutoCompleteCall == nil {
		return true
	}
	return *req.Data.AutoCompleteCall
}

// v3HoldAutoComplete returns the activate-channels body with
// data.autoCompleteCall set to false, every other field as it came. A body
// that is not a JSON object (with data an object, when present) is refused.
func v3HoldAutoComplete(body []byte) ([]byte, error) {
	req := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, err
		}
	}
	data := map[string]json.RawMessage{}
	if raw, ok := req["data"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &data); err != nil {
			return nil, err
		}
	}
	data["autoCompleteCall"] = json.RawMessage("false")
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	req["data"] = raw
	return json.Marshal(req)
}

// v3CarriesUserData reports whether a body names user data anywhere: a
// userData field, or one whose name ends in Properties or UserData. A
// body that is not JSON names none.
func v3CarriesUserData(body []byte) bool {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	return namesUserData(v)
}

func namesUserData(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if k == "userData" || strings.HasSuffix(k, "Properties") || strings.HasSuffix(k, "UserData") || namesUserData(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if namesUserData(e) {
				return true
			}
		}
	}
	return false
}
