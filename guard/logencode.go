package guard

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// encodeEntry appends one decision log line (the JSON of the entry
// newLogEntry describes, and a newline) to buf. It writes the JSON directly
// from the Input and Decision, without building the entry's maps, so a
// logged decision costs a few allocations rather than a few hundred.
func (l *decisionLog) encodeEntry(buf []byte, id string, start time.Time, in *policy.Input, d policy.Decision, err error, evalNS int64) []byte {
	buf = append(buf, `{"decision_id":`...)
	buf = appendString(buf, id)
	buf = append(buf, `,"timestamp":"`...)
	buf = start.UTC().AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, `","path":"`+decisionPath+`","input":`...)
	buf = appendInput(buf, in, l.mask)
	if err != nil {
		buf = append(buf, `,"error":`...)
		buf = appendString(buf, err.Error())
	} else {
		buf = append(buf, `,"result":{"allow":`...)
		buf = strconv.AppendBool(buf, d.Allow)
		buf = appendField(buf, "deniedKeys", d.DeniedKeys)
		buf = append(buf, `,"reasons":`...)
		buf = appendReasons(buf, d.Reasons)
		buf = appendField(buf, "warningMessages", d.WarningMessages)
		buf = appendField(buf, "readDeny", d.ReadDeny)
		if len(d.DryRunReasons) > 0 {
			buf = append(buf, `,"dryRunReasons":`...)
			buf = appendReasons(buf, d.DryRunReasons)
		}
		buf = append(buf, '}')
	}
	if l.mask {
		if paths := maskedPaths(in); len(paths) > 0 {
			buf = appendField(buf, "masked", paths)
		}
	}
	buf = append(buf, `,"labels":`...)
	buf = append(buf, l.labelsJSON...)
	if err == nil && len(d.RuleLabels) > 0 {
		buf = append(buf, `,"rule_labels":`...)
		buf = appendAny(buf, d.RuleLabels)
	}
	buf = append(buf, `,"metrics":{"timer_rego_query_eval_ns":`...)
	buf = strconv.AppendInt(buf, evalNS, 10)
	buf = append(buf, `},"enforcement":`...)
	buf = appendString(buf, string(l.enforcement))
	if err == nil {
		buf = append(buf, `,"outcome":{"action":`...)
		buf = appendString(buf, string(d.Verdict.Action))
		buf = append(buf, `,"would":`...)
		buf = appendString(buf, string(d.Verdict.Would))
		if d.Verdict.Err != nil {
			buf = append(buf, `,"errorCode":`...)
			buf = appendString(buf, string(d.Verdict.Err.Code))
		}
		buf = append(buf, '}')
	}
	return append(buf, "}\n"...)
}

// appendInput writes the policy input document (as document does),
// user-data values "***" when mask is set.
func appendInput(buf []byte, in *policy.Input, mask bool) []byte {
	buf = append(buf, `{"operation":`...)
	buf = appendString(buf, string(in.Operation))
	buf = append(buf, `,"request":`...)
	buf = appendString(buf, in.Operation.Request())
	buf = append(buf, `,"interactionId":`...)
	buf = appendNullable(buf, in.InteractionID)
	buf = append(buf, `,"writes":[`...)
	for i, w := range in.Writes {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"op":`...)
		buf = appendString(buf, w.Op)
		buf = append(buf, `,"key":`...)
		buf = appendString(buf, w.Key)
		if w.Op == policy.WriteSet {
			buf = append(buf, `,"value":`...)
			buf = appendValue(buf, w.Value, mask)
		}
		buf = append(buf, '}')
	}
	buf = append(buf, `],"keyValues":`...)
	buf = appendUserData(buf, in.KeyValues, mask)
	buf = append(buf, `,"key":`...)
	buf = appendNullable(buf, in.Key)
	buf = append(buf, `,"warningMessage":`...)
	if in.WarningMessage != nil {
		buf = appendString(buf, *in.WarningMessage)
	} else {
		buf = append(buf, "null"...)
	}
	buf = append(buf, `,"caseId":`...)
	buf = appendNullable(buf, in.CaseID)
	buf = append(buf, `,"target":`...)
	buf = appendValue(buf, in.Target, mask)
	buf = append(buf, `,"extensions":`...)
	buf = appendUserData(buf, in.Extensions, mask)
	buf = append(buf, `,"interaction":`...)
	buf = appendInteraction(buf, in.Interaction, mask)
	buf = append(buf, `,"markdoneBlocks":`...)
	buf = appendBlocks(buf, in.MarkdoneBlocks)
	buf = append(buf, `,"caller":{"origin":`...)
	buf = appendNullable(buf, in.Caller.Origin)
	buf = append(buf, `,"application":`...)
	buf = appendNullable(buf, in.Caller.Application)
	buf = append(buf, `,"agentId":`...)
	buf = appendNullable(buf, in.Caller.AgentID)
	buf = append(buf, `,"frameId":`...)
	buf = appendFrameID(buf, in.Caller.FrameID)
	return append(buf, "}}"...)
}

func appendInteraction(buf []byte, it *wwe.Interaction, mask bool) []byte {
	if it == nil {
		return append(buf, "null"...)
	}
	buf = append(buf, `{"interactionId":`...)
	buf = appendString(buf, it.InteractionID)
	for _, f := range [...]struct{ name, value string }{
		{"interactionUUID", it.InteractionUUID}, {"callUuid", it.CallUUID}, {"caseId", it.CaseID},
		{"parentInteractionId", it.ParentInteractionID}, {"callType", it.CallType},
	} {
		buf = append(buf, ",\""+f.name+"\":"...)
		buf = appendNullable(buf, f.value)
	}
	buf = append(buf, `,"mediaType":`...)
	buf = appendString(buf, it.MediaType)
	buf = append(buf, `,"state":`...)
	buf = appendString(buf, it.State)
	buf = append(buf, `,"isMainCaseInteraction":`...)
	buf = strconv.AppendBool(buf, it.IsMainCaseInteraction)
	buf = append(buf, `,"isDone":`...)
	buf = strconv.AppendBool(buf, it.IsDone)
	buf = append(buf, `,"userData":`...)
	if it.UserData == nil {
		buf = append(buf, "{}"...)
	} else {
		buf = appendUserData(buf, it.UserData, mask)
	}
	buf = append(buf, `,"markdoneBlocks":`...)
	buf = appendBlocks(buf, it.MarkdoneBlocks)
	for _, f := range [...]struct{ name, value string }{
		{"direction", it.Direction}, {"previousState", it.PreviousState}, {"recordingState", it.RecordingState},
	} {
		if f.value != "" {
			buf = append(buf, ",\""+f.name+"\":"...)
			buf = appendString(buf, f.value)
		}
	}
	for _, f := range [...]struct{ name, value string }{{"ani", it.ANI}, {"dnis", it.DNIS}} {
		if f.value != "" {
			buf = append(buf, ",\""+f.name+"\":"...)
			buf = appendValue(buf, f.value, mask)
		}
	}
	for _, f := range [...]struct {
		name  string
		value *bool
	}{{"isConsultation", it.IsConsultation}, {"isCaseSelected", it.IsCaseSelected}, {"isCaseExpanded", it.IsCaseExpanded}} {
		if f.value != nil {
			buf = append(buf, ",\""+f.name+"\":"...)
			buf = strconv.AppendBool(buf, *f.value)
		}
	}
	if it.Version != 0 {
		buf = append(buf, `,"version":`...)
		buf = strconv.AppendInt(buf, it.Version, 10)
	}
	if it.Parties != nil {
		buf = append(buf, `,"parties":[`...)
		for i, p := range it.Parties {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"name":`...)
			buf = appendValue(buf, p.Name, mask)
			buf = appendExtra(buf, p.Extra, isPartyName, mask)
			buf = append(buf, '}')
		}
		buf = append(buf, ']')
	}
	buf = appendExtra(buf, it.Extra, wwe.Modelled, mask)
	return append(buf, '}')
}

// appendExtra writes the attributes the guard does not model as members of
// the object being written, sorted by name: compacted, or "***" leaf by
// leaf (keys kept) when masking. A value that is not JSON is written as
// null.
func appendExtra(buf []byte, extra map[string]json.RawMessage, modelled func(string) bool, mask bool) []byte {
	if len(extra) == 0 {
		return buf
	}
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		if modelled(name) {
			continue
		}
		buf = append(buf, ',')
		buf = appendString(buf, name)
		buf = append(buf, ':')
		if !mask {
			w := bytes.NewBuffer(buf)
			if json.Compact(w, extra[name]) != nil {
				w.WriteString("null")
			}
			buf = w.Bytes()
			continue
		}
		var v any
		if json.Unmarshal(extra[name], &v) != nil {
			v = nil
		}
		buf = appendMaskedJSON(buf, v)
	}
	return buf
}

// appendMaskedJSON writes a decoded JSON value with every leaf but null
// replaced by "***": objects key by key, arrays element by element.
func appendMaskedJSON(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...)
	case map[string]any:
		buf = append(buf, '{')
		for i, k := range slices.Sorted(maps.Keys(x)) {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, k)
			buf = append(buf, ':')
			buf = appendMaskedJSON(buf, x[k])
		}
		return append(buf, '}')
	case []any:
		buf = append(buf, '[')
		for i, e := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendMaskedJSON(buf, e)
		}
		return append(buf, ']')
	}
	return append(buf, `"`+masked+`"`...)
}

func appendBlocks(buf []byte, bs []wwe.MarkdoneBlock) []byte {
	buf = append(buf, '[')
	for i, b := range bs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"warningMessage":`...)
		buf = appendString(buf, b.WarningMessage)
		buf = append(buf, `,"origin":`...)
		buf = appendNullable(buf, b.Origin)
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

func appendUserData(buf []byte, u map[string]any, mask bool) []byte {
	if u == nil {
		return append(buf, "null"...)
	}
	buf = append(buf, '{')
	first := true
	for k, v := range u {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendString(buf, k)
		buf = append(buf, ':')
		buf = appendValue(buf, v, mask)
	}
	return append(buf, '}')
}

// appendValue writes a user-data value: nested objects key by key, any
// other value as "***" when masking.
func appendValue(buf []byte, v any, mask bool) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...)
	case wwe.UserData:
		return appendUserData(buf, x, mask)
	case map[string]any:
		return appendUserData(buf, x, mask)
	}
	if mask {
		return append(buf, `"`+masked+`"`...)
	}
	switch x := v.(type) {
	case string:
		return appendString(buf, x)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case int:
		return strconv.AppendInt(buf, int64(x), 10)
	}
	return appendAny(buf, v)
}

// appendAny writes anything else through encoding/json; a value it cannot
// encode is written as null.
func appendAny(buf []byte, v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		return append(buf, "null"...)
	}
	return append(buf, raw...)
}

func appendReasons(buf []byte, rs []wwe.Reason) []byte {
	if rs == nil {
		return append(buf, "null"...)
	}
	buf = append(buf, '[')
	for i, r := range rs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"code":`...)
		buf = appendString(buf, r.Code)
		if r.Key != "" {
			buf = append(buf, `,"key":`...)
			buf = appendString(buf, r.Key)
		}
		buf = append(buf, `,"message":`...)
		buf = appendString(buf, r.Message)
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

// appendField writes `,"name":[...]`; a nil list is written as null, as
// encoding/json writes it.
func appendField(buf []byte, name string, list []string) []byte {
	buf = append(buf, ",\""+name+"\":"...)
	if list == nil {
		return append(buf, "null"...)
	}
	buf = append(buf, '[')
	for i, s := range list {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, s)
	}
	return append(buf, ']')
}

// appendFrameID writes the frameId with its type. A number is written as
// the envelope wrote it, once it is known to be a JSON number; anything else
// marked as a number (never from the SCAPI door) is written as null, so the
// line stays JSON.
func appendFrameID(buf []byte, f policy.FrameID) []byte {
	if !f.Number {
		return appendNullable(buf, f.Value)
	}
	if !isJSONNumber(f.Value) {
		return append(buf, "null"...)
	}
	return append(buf, f.Value...)
}

// isJSONNumber reports whether s is one JSON number literal:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// appendNullable writes s, or null for the empty string.
func appendNullable(buf []byte, s string) []byte {
	if s == "" {
		return append(buf, "null"...)
	}
	return appendString(buf, s)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, invalid UTF-8 replaced by U+FFFD, as encoding/json
// does (without its HTML escaping, which a log line does not need).
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
