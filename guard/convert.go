package guard

import (
	"fmt"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// convert turns the decision document into a Decision, strictly: a missing
// or ill-typed field is an error, never an allow.
func convert(v any) (policy.Decision, error) {
	doc, ok := v.(map[string]any)
	if !ok {
		return policy.Decision{}, fmt.Errorf("decision is %T, not an object", v)
	}
	var d policy.Decision
	var err error
	allow, ok := doc["allow"].(bool)
	if !ok {
		return policy.Decision{}, fmt.Errorf("decision.allow is %T, not a boolean", doc["allow"])
	}
	d.Allow = allow
	if d.DeniedKeys, err = stringList(doc, "deniedKeys"); err != nil {
		return policy.Decision{}, err
	}
	if d.WarningMessages, err = stringList(doc, "warningMessages"); err != nil {
		return policy.Decision{}, err
	}
	if d.ReadDeny, err = stringList(doc, "readDeny"); err != nil {
		return policy.Decision{}, err
	}
	if d.Reasons, err = reasons("reasons", doc["reasons"]); err != nil {
		return policy.Decision{}, err
	}
	// dryRunReasons is optional (an entry point of one's own may leave it
	// out), but when present it is checked like reasons.
	if v, ok := doc["dryRunReasons"]; ok {
		if d.DryRunReasons, err = reasons("dryRunReasons", v); err != nil {
			return policy.Decision{}, err
		}
	}
	if d.Allow && (len(d.DeniedKeys) > 0 || len(d.WarningMessages) > 0) {
		return policy.Decision{}, fmt.Errorf("decision allows with denied keys or warning messages")
	}
	return d, nil
}

func stringList(doc map[string]any, field string) ([]string, error) {
	arr, ok := doc[field].([]any)
	if !ok {
		return nil, fmt.Errorf("decision.%s is %T, not an array", field, doc[field])
	}
	out := make([]string, len(arr))
	for i, x := range arr {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("decision.%s[%d] is %T, not a string", field, i, x)
		}
		out[i] = s
	}
	return out, nil
}

func reasons(field string, v any) ([]wwe.Reason, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("decision.%s is %T, not an array", field, v)
	}
	out := make([]wwe.Reason, len(arr))
	for i, x := range arr {
		obj, ok := x.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("decision.%s[%d] is %T, not an object", field, i, x)
		}
		code, okCode := obj["code"].(string)
		msg, okMsg := obj["message"].(string)
		if !okCode || !okMsg {
			return nil, fmt.Errorf("decision.%s[%d] needs string code and message", field, i)
		}
		key, okKey := obj["key"].(string)
		if _, present := obj["key"]; present && !okKey {
			return nil, fmt.Errorf("decision.%s[%d].key is not a string", field, i)
		}
		out[i] = wwe.Reason{Code: code, Key: key, Message: msg}
	}
	return out, nil
}
