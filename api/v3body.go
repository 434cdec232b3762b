package api

import "encoding/json"

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
