package guard

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// encodeEntry appends one decision log line (the JSON of the entry
// newLogEntry describes, and a newline) to buf. The input is the very value
// the decision evaluated (nil when it could not be built), written by a
// termWriter; the rest is written directly from the Decision, without
// building the entry's maps, so a logged decision costs a few allocations
// rather than a few hundred.
func (l *decisionLog) encodeEntry(buf []byte, id string, start time.Time, input ast.Value, d policy.Decision, err error, evalNS int64, meta entryMeta) []byte {
	w := termWriters.Get().(*termWriter)
	defer termWriters.Put(w)
	buf = append(buf, `{"decision_id":`...)
	buf = appendString(buf, id)
	buf = append(buf, `,"timestamp":"`...)
	buf = start.UTC().AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, `","path":"`+decisionPath+`","input":`...)
	buf = w.appendInput(buf, input, l.mask)
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
	if len(w.paths) > 0 {
		buf = appendField(buf, "masked", w.paths)
	}
	buf = append(buf, `,"labels":`...)
	buf = append(buf, l.labelsJSON...)
	if len(l.labelsJSON) > 1 {
		buf = append(buf, ',')
	}
	buf = append(buf, `"config_revision":`...)
	buf = appendString(buf, meta.revision)
	buf = append(buf, '}')
	if err == nil && len(d.RuleLabels) > 0 {
		buf = append(buf, `,"rule_labels":`...)
		buf = appendAny(buf, d.RuleLabels)
	}
	if meta.bundles != nil {
		buf = append(buf, `,"bundles":`...)
		buf = append(buf, meta.bundles...)
	}
	if meta.traceID != "" {
		buf = append(buf, `,"trace_id":`...)
		buf = appendString(buf, meta.traceID)
	}
	buf = append(buf, `,"metrics":{"timer_rego_query_eval_ns":`...)
	buf = strconv.AppendInt(buf, evalNS, 10)
	buf = append(buf, `},"enforcement":`...)
	buf = appendString(buf, string(meta.enforcement))
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
	if l.console {
		buf = append(buf, `,"type":"openpolicyagent.org/decision_logs"`...)
	}
	return append(buf, "}\n"...)
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
	return appendArray(buf, rs, appendReason)
}

func appendReason(buf []byte, r wwe.Reason) []byte {
	buf = append(buf, `{"code":`...)
	buf = appendString(buf, r.Code)
	if r.Key != "" {
		buf = append(buf, `,"key":`...)
		buf = appendString(buf, r.Key)
	}
	buf = append(buf, `,"message":`...)
	buf = appendString(buf, r.Message)
	return append(buf, '}')
}

// appendField writes `,"name":[...]`; a nil list is written as null, as
// encoding/json writes it.
func appendField(buf []byte, name string, list []string) []byte {
	buf = append(buf, ",\""+name+"\":"...)
	return appendArray(buf, list, appendString)
}

// appendArray writes list as a JSON array, each element by appendElem; a nil
// list is written as null, as encoding/json writes it.
func appendArray[T any](buf []byte, list []T, appendElem func([]byte, T) []byte) []byte {
	if list == nil {
		return append(buf, "null"...)
	}
	buf = append(buf, '[')
	for i, x := range list {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendElem(buf, x)
	}
	return append(buf, ']')
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
