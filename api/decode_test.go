package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

func TestDecodeUserData(t *testing.T) {
	t.Parallel()
	lim := Limits{MaxBodyBytes: 1 << 16, MaxKeyBytes: 8, MaxDepth: 2, MaxKeys: 4}
	tests := []struct {
		name    string
		body    string
		want    wwe.UserData
		wantErr string
	}{
		{name: "strings and integers", body: `{"a":"x","b":-42}`, want: wwe.UserData{"a": "x", "b": int64(-42)}},
		{name: "nested list", body: `{"a":{"b":{"c":"d"}}}`, want: wwe.UserData{"a": wwe.UserData{"b": wwe.UserData{"c": "d"}}}},
		{name: "escaped key", body: `{"\u00e9t\u00e9":"x"}`, want: wwe.UserData{"été": "x"}},
		{name: "too deep", body: `{"a":{"b":{"c":{"d":"e"}}}}`, wantErr: "nested deeper"},
		{name: "duplicate key", body: `{"a":"x","a":"y"}`, wantErr: "duplicate key"},
		{name: "duplicate nested key", body: `{"a":{"b":"x","b":"y"}}`, wantErr: "duplicate key"},
		{name: "trailing data", body: `{"a":"x"} {}`, wantErr: "after the JSON value"},
		{name: "trailing garbage", body: `{"a":"x"}x`, wantErr: "after the JSON value"},
		{name: "truncated", body: `{"a":"x"`, wantErr: "not complete"},
		{name: "malformed", body: `{"a":}`, wantErr: "malformed"},
		{name: "array body", body: `["a"]`, wantErr: "must be an object"},
		{name: "string body", body: `"a"`, wantErr: "must be an object"},
		{name: "float", body: `{"a":1.5}`, wantErr: "string, an integer or an object"},
		{name: "exponent", body: `{"a":1e3}`, wantErr: "string, an integer or an object"},
		{name: "huge integer", body: `{"a":99999999999999999999}`, wantErr: "string, an integer or an object"},
		{name: "bool", body: `{"a":true}`, wantErr: "string, an integer or an object"},
		{name: "null", body: `{"a":null}`, wantErr: "string, an integer or an object"},
		{name: "array value", body: `{"a":["x"]}`, wantErr: "string, an integer or an object"},
		{name: "empty key", body: `{"":"x"}`, wantErr: "must not be empty"},
		{name: "long key", body: `{"123456789":"x"}`, wantErr: "longer than 8 bytes"},
		{name: "control character key", body: `{"a\u0007":"x"}`, wantErr: "control character"},
		{name: "too many keys", body: `{"a":"1","b":"2","c":{"d":"3","e":"4"}}`, wantErr: "more than 4 keys"},
		{name: "invalid utf-8", body: "{\"a\":\"\xff\"}", wantErr: "not valid UTF-8"},
		{name: "deep garbage", body: strings.Repeat("[", 100000), wantErr: "nested too deeply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeUserData([]byte(tt.body), lim)
			if tt.wantErr != "" {
				var e *wwe.Error
				if !errors.As(err, &e) || e.Code != wwe.CodeInvalidRequest || !strings.Contains(e.Message, tt.wantErr) {
					t.Fatalf("err = %v, want INVALID_REQUEST containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("user data (-want +got):\n%s", diff)
			}
		})
	}
}

// decodeUserData is the path a setUserData body takes.
func decodeUserData(body []byte, lim Limits) (wwe.UserData, error) {
	raw, err := decodeJSON(body, lim.MaxDepth+nestingSlack)
	if err != nil {
		return nil, err
	}
	v := &validator{lim: lim}
	return v.userData("user data", raw)
}

// FuzzDecodeUserData checks that the decoder never panics, that whatever it
// accepts is within the limits, and that re-encoding what it accepted decodes
// to the same value.
func FuzzDecodeUserData(f *testing.F) {
	for _, seed := range []string{`{"a":"x"}`, `{"a":{"b":1}}`, `{"a":1,"a":2}`, `[]`, `{"a":1.5}`, "{\"\xff\":1}", `{"a":"x"}x`} {
		f.Add([]byte(seed))
	}
	lim := DefaultLimits()
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := decodeUserData(body, lim)
		if err != nil {
			var e *wwe.Error
			if !errors.As(err, &e) || e.Code != wwe.CodeInvalidRequest {
				t.Fatalf("error is not INVALID_REQUEST: %v", err)
			}
			return
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		back, err := decodeUserData(again, lim)
		if err != nil {
			t.Fatalf("re-encoded value %s rejected: %v", again, err)
		}
		if diff := cmp.Diff(got, back); diff != "" {
			t.Fatalf("round trip changed the value (-first +second):\n%s", diff)
		}
	})
}
