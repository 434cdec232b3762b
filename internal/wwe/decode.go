package wwe

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The decoders of the attributes of an interaction: fast paths for the
// common plain values, encoding/json for the rest.

// isNull reports whether b is the JSON null.
func isNull(b []byte) bool { return string(bytes.TrimSpace(b)) == "null" }

// decodeString decodes a JSON string into dst; the common string without
// escapes or non-ASCII bytes is taken as it is.
func decodeString(b []byte, dst *string) error {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && plainASCII(b[1:len(b)-1]) {
		*dst = string(b[1 : len(b)-1])
		return nil
	}
	if isNull(b) {
		return nil
	}
	return json.Unmarshal(b, dst)
}

// plainASCII reports whether s is printable ASCII without quotes or
// backslashes: a JSON string body that decodes to itself.
func plainASCII(s []byte) bool {
	for _, c := range s {
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// decodeFlag decodes an optional flag: null leaves it absent.
func decodeFlag(b []byte, dst **bool) error {
	if isNull(b) {
		*dst = nil
		return nil
	}
	var v bool
	if err := decodeBool(b, &v); err != nil {
		return err
	}
	*dst = Flag(v)
	return nil
}

// decodeBool decodes a boolean.
func decodeBool(b []byte, dst *bool) error {
	switch string(b) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return json.Unmarshal(b, dst)
	}
	return nil
}

func decodeInt(b []byte, dst *int64) error {
	if plainInt(b) {
		if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			*dst = n
			return nil
		}
	}
	return json.Unmarshal(b, dst)
}

// plainInt reports whether b is a JSON integer without sign or exponent.
func plainInt(b []byte) bool {
	if len(b) == 0 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// decodeUserData decodes user data as a decoder with UseNumber does.
func decodeUserData(b []byte, dst *UserData) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(dst)
}
