package workspace

import (
	"bytes"
	"encoding/json"
)

// CarriesUserData reports whether a JSON body has, at any depth, a member
// named userData or one whose name ends in Properties or UserData (ASCII
// letters compared without case, so "userdata" counts too): what the door
// refuses on a route it does not know even under allowUnknownRoutes. An
// empty body carries none; a body that is not JSON is an error wrapping
// ErrBody, so the door can refuse what it cannot read.
func CarriesUserData(body []byte) (bool, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return false, nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return false, bodyError("not JSON: %v", err)
	}
	return hasUserDataName(v), nil
}

// hasUserDataName reports whether a decoded JSON value has a member whose
// name isUserDataName, at any depth.
func hasUserDataName(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for name, member := range x {
			if isUserDataName(name) || hasUserDataName(member) {
				return true
			}
		}
	case []any:
		for _, item := range x {
			if hasUserDataName(item) {
				return true
			}
		}
	}
	return false
}

// isUserDataName reports whether a member name names user data or
// interaction properties: userData, *Properties, *UserData.
func isUserDataName(name string) bool {
	return hasSuffixFold(name, "userdata") || hasSuffixFold(name, "properties")
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && asciiEqualFold(s[len(s)-len(suffix):], suffix)
}
