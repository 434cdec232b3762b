package api

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/workspace"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// v3UserDataField is what marks an object that carries user data.
var v3UserDataField = []byte(`"userData"`)

// v3Readable is GWS's reply body as the client may read it: every object
// in it that carries a userData KV list (a call, an interaction, an event's
// payload), wherever it sits, loses the pairs the read decision on that
// object hides; an object the policies refuse to show loses all of them. A
// body with no userData, or that is not JSON, is relayed as it is.
func (s *Server) v3Readable(x *v3Exchange, rep *v3Reply) ([]byte, error) {
	if !bytes.Contains(rep.body, v3UserDataField) {
		return rep.body, nil
	}
	dec := json.NewDecoder(bytes.NewReader(rep.body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return rep.body, nil // not JSON: nothing the client could read as user data
	}
	changed, err := s.v3FilterValue(x, doc)
	if err != nil || !changed {
		return rep.body, err
	}
	return json.Marshal(doc)
}

// v3FilterValue filters every object below v in place and reports whether
// any pair went.
func (s *Server) v3FilterValue(x *v3Exchange, v any) (bool, error) {
	changed := false
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			c, err := s.v3FilterValue(x, e)
			if err != nil {
				return false, err
			}
			changed = changed || c
		}
	case map[string]any:
		if list, ok := t["userData"].([]any); ok {
			kept, err := s.v3ReadablePairs(x, t, list)
			if err != nil {
				return false, err
			}
			if len(kept) != len(list) {
				t["userData"], changed = kept, true
			}
		}
		for k, e := range t {
			if k == "userData" {
				continue
			}
			c, err := s.v3FilterValue(x, e)
			if err != nil {
				return false, err
			}
			changed = changed || c
		}
	}
	return changed, nil
}

// v3ReadablePairs decides the read of one object and returns the pairs of
// its list the caller may see.
func (s *Server) v3ReadablePairs(x *v3Exchange, obj map[string]any, list []any) ([]any, error) {
	it := v3Object(obj)
	in := policy.Input{
		Operation: wwe.OpGetByInteractionID, Request: "workspace." + strings.TrimPrefix(x.route.Path, workspace.BasePath+"/"),
		Door: policy.DoorWorkspace, MediaType: it.MediaType, InteractionID: it.InteractionID, Interaction: it,
	}
	d := s.currentDecider()
	if d == nil {
		return nil, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet")
	}
	dec, err := s.decide(x.c.Request().Context(), d, in)
	if err != nil {
		return nil, err
	}
	if dec.Verdict.Action == policy.Refuse {
		return []any{}, nil
	}
	if len(dec.Verdict.Hide) == 0 {
		return list, nil
	}
	hide := map[string]bool{}
	for _, k := range dec.Verdict.Hide {
		hide[k] = true
	}
	kept := make([]any, 0, len(list))
	for _, p := range list {
		if pair, ok := p.(map[string]any); ok {
			if k, _ := pair["key"].(string); hide[k] {
				continue
			}
		}
		kept = append(kept, p)
	}
	return kept, nil
}

// v3Object is the §1.1 interaction a GWS object stands for, as far as a
// read decision needs it: its id, media, state and user data (last pair
// wins).
func v3Object(obj map[string]any) *wwe.Interaction {
	it := &wwe.Interaction{State: "UNKNOWN", UserData: wwe.UserData{}}
	it.InteractionID, _ = obj["id"].(string)
	if it.InteractionID == "" {
		it.InteractionID, _ = obj["connId"].(string)
	}
	if mt, ok := obj["mediatype"].(string); ok {
		it.MediaType = mt
	} else if _, call := obj["connId"]; call {
		it.MediaType = "voice"
	}
	if st, ok := obj["state"].(string); ok && st != "" {
		it.State = strings.ToUpper(st)
	}
	if list, ok := obj["userData"].([]any); ok {
		it.UserData = v3Flatten(list, 0)
	}
	return it
}

// v3Flatten is a KV list as user data, the last pair of a key winning:
// integers as int64, nested lists as objects, anything else as it came.
func v3Flatten(list []any, depth int) wwe.UserData {
	out := wwe.UserData{}
	for _, p := range list {
		pair, ok := p.(map[string]any)
		if !ok {
			continue
		}
		k, ok := pair["key"].(string)
		if !ok {
			continue
		}
		switch v := pair["value"].(type) {
		case json.Number:
			if n, err := v.Int64(); err == nil {
				out[k] = n
			} else {
				out[k] = v.String()
			}
		case []any:
			if depth < workspace.MaxDepth {
				out[k] = v3Flatten(v, depth+1)
			}
		case string:
			out[k] = v
		default:
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
	}
	return out
}
