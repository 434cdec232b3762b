package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// callStateChanged is a CometD connect reply with a CallStateChanged whose
// call carries ten pairs (WORKSPACE-V3.md §7.3's call object), and the
// connect's own answer.
const callStateChanged = `[{"channel":"/workspace/v3/voice","data":{"notificationType":"AttachedDataChanged","call":` +
	`{"phoneNumber":"+14155550100","_state":"Established","participants":[{"number":"+14155550100","role":"RoleOrigination"}],` +
	`"state":"Established","id":"c072cc01c3af8d68","connId":"c072cc01c3af8d68","callUuid":"c86dd9ebb3e0157b",` +
	`"userData":[{"key":"Segment","type":"str","value":"Gold"},{"key":"Priority","type":"interger","value":8},` +
	`{"key":"CallType","type":"str","value":"Inbound"},{"key":"CaseId","type":"str","value":"CASE-001"},` +
	`{"key":"Lang","type":"str","value":"en"},{"key":"Card","type":"str","value":"4111111111111111"},` +
	`{"key":"Nested","type":"kvlist","value":[{"key":"inner","type":"str","value":"x"}]},` +
	`{"key":"Num","type":"int","value":42},{"key":"Agent","type":"str","value":"JohnSmith"},` +
	`{"key":"DispositionCode","type":"str","value":"Resolved"}],` +
	`"extensions":[],"dnis":"+33298025003","capabilities":["release","hold","attach-user-data","update-user-data"],` +
	`"callType":"Inbound","recordingState":"Stopped","duration":12,"startedAt":"2026-12-01T05:30:41.343Z"},` +
	`"messageType":"CallStateChanged"}},` +
	`{"id":"9","channel":"/meta/connect","successful":true,"advice":{"reconnect":"retry","timeout":30000,"interval":0}}]`

func hideKeys(keys ...string) func(Object) ([]string, error) {
	return func(Object) ([]string, error) { return keys, nil }
}

func TestFilter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		hide       []string
		want       string
	}{
		{"middle pair", `{"userData":[{"key":"A","type":"str","value":"1"}, {"key":"S","type":"str","value":"2"} ,{"key":"B","type":"str","value":"3"}]}`,
			[]string{"S"}, `{"userData":[{"key":"A","type":"str","value":"1"}, {"key":"B","type":"str","value":"3"}]}`},
		{"first pairs", `{"userData":[{"key":"S","value":1},{"key":"S","value":2},{"key":"A","value":3}]}`,
			[]string{"S"}, `{"userData":[{"key":"A","value":3}]}`},
		{"last pairs", `{"userData":[{"key":"A","value":3}, {"key":"S","value":1},{"key":"S","value":2}]}`,
			[]string{"S"}, `{"userData":[{"key":"A","value":3}]}`},
		{"every pair", `{"userData":[ {"key":"S","value":1} , {"key":"T","value":2} ]}`, []string{"S", "T"}, `{"userData":[  ]}`},
		{"flat EventUserEvent data", `{"data":{"messageType":"EventUserEvent","userData":{"GSW_USER_EVENT":"x","S":5}}}`,
			[]string{"S"}, `{"data":{"messageType":"EventUserEvent","userData":{"GSW_USER_EVENT":"x"}}}`},
		{"eventContent", `{"eventContent":[{"key":"S","type":"str","value":"x"},{"key":"A","type":"str","value":"y"}]}`,
			[]string{"S"}, `{"eventContent":[{"key":"A","type":"str","value":"y"}]}`},
		{"escaped key", `{"userData":[{"key":"\u0053ecret","type":"str","value":"x"}]}`, []string{"Secret"}, `{"userData":[]}`},
		{"escaped member name", `{"user\u0044ata":[{"key":"S","type":"str","value":"x"}]}`, []string{"S"}, `{"user\u0044ata":[]}`},
		{"the last key member counts", `{"userData":[{"key":"A","key":"S","value":"x"}]}`, []string{"S"}, `{"userData":[]}`},
		{"userData twice", `{"userData":[{"key":"S","value":1}],"userData":[{"key":"S","value":2}]}`, []string{"S"}, `{"userData":[],"userData":[]}`},
		{"nested object in a removed pair", `{"userData":[{"key":"S","value":{"userData":[{"key":"S","value":1}]}}]}`, []string{"S"}, `{"userData":[]}`},
		{"nested object in a kept pair", `{"userData":[{"key":"A","value":{"userData":[{"key":"S","value":1},{"key":"B","value":2}]}}]}`,
			[]string{"S"}, `{"userData":[{"key":"A","value":{"userData":[{"key":"B","value":2}]}}]}`},
		{"nested keys are not top-level keys", `{"userData":[{"key":"A","type":"kvlist","value":[{"key":"S","type":"str","value":"x"}]}]}`,
			[]string{"S"}, `{"userData":[{"key":"A","type":"kvlist","value":[{"key":"S","type":"str","value":"x"}]}]}`},
		{"channels' interaction lists", `{"media":{"channels":[{"name":"workitem","interactions":[{"id":"w1","mediatype":"workitem","userData":[{"key":"S","value":"x"}]}]}]}}`,
			[]string{"S"}, `{"media":{"channels":[{"name":"workitem","interactions":[{"id":"w1","mediatype":"workitem","userData":[]}]}]}}`},
		{"nothing hidden", callStateChanged, nil, callStateChanged},
		{"a key not present", callStateChanged, []string{"Nope"}, callStateChanged},
		{"a CometD reply", callStateChanged, []string{"Card"}, strings.Replace(callStateChanged, `{"key":"Card","type":"str","value":"4111111111111111"},`, "", 1)},
		{"empty body", "  ", []string{"S"}, "  "},
		{"scalars", `[1,-2.5e3,true,false,null,"userData"]`, []string{"S"}, `[1,-2.5e3,true,false,null,"userData"]`},
	} {
		got, err := Filter([]byte(tc.body), hideKeys(tc.hide...))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
		if !json.Valid(got) && strings.TrimSpace(tc.body) != "" {
			t.Errorf("%s: not JSON: %s", tc.name, got)
		}
	}
}

func TestFilterFastPathKeepsTheSlice(t *testing.T) {
	t.Parallel()
	body := []byte(callStateChanged)
	got, err := Filter(body, hideKeys())
	if err != nil || &got[0] != &body[0] || len(got) != len(body) {
		t.Errorf("the body was copied or changed (%v)", err)
	}
}

func TestFilterObjects(t *testing.T) {
	t.Parallel()
	body := `[{"data":{"call":{"id":"c1","connId":"c1","userData":[{"key":"A","value":1}]}}},` +
		`{"data":{"interaction":{"id":"w1","mediatype":"email","userData":[{"key":"A","value":1}]}}},` +
		`{"data":{"messageType":"EventUserEvent","userData":{"A":1}}},` +
		`{"data":{"interactionId":"x","userData":[]}},` + // empty: nothing to decide
		`{"data":{"connId":"\u00632","userData":{"A":1}}}]`
	var seen []Object
	_, err := Filter([]byte(body), func(o Object) ([]string, error) {
		o.Raw = nil
		seen = append(seen, o)
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Object{{ID: "c1", MediaType: "voice"}, {ID: "w1", MediaType: "email"}, {}, {ID: "c2", MediaType: "voice"}}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

func TestFilterFailsClosed(t *testing.T) {
	t.Parallel()
	boom := errors.New("no decision")
	if _, err := Filter([]byte(callStateChanged), func(Object) ([]string, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("hide's error: %v", err)
	}
	for _, body := range []string{`<html>`, `{"userData":[}`, `{"a" 1}`, `[1,]x`, `{} {}`, `"abc`, `[` + strings.Repeat("[", maxFilterNesting) + `]`} {
		if _, err := Filter([]byte(body), hideKeys("S")); !errors.Is(err, ErrFilter) {
			t.Errorf("%s: %v, want ErrFilter", body, err)
		}
	}
}

// FuzzFilter checks that filtering keeps valid JSON valid and never leaves
// a hidden key at the top of a user-data list a JavaScript client reads.
func FuzzFilter(f *testing.F) {
	for _, seed := range []string{callStateChanged, `{"userData":{"S":1,"A":2}}`, `{"userData":[{"key":"S"},{"key":"A"},{"key":"S"}]}`,
		`{"eventContent":[{"key":"S","value":{"userData":[{"key":"S"}]}}]}`, `[]`, `{"userData":[1,"S",{"key":1}]}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := Filter(body, hideKeys("S"))
		if err != nil {
			if !errors.Is(err, ErrFilter) {
				t.Fatalf("error does not wrap ErrFilter: %v", err)
			}
			return
		}
		if !json.Valid(body) {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("filtered body is not JSON:\n%s\n%s", body, out)
		}
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber() // 1E700 is JSON, not a float64
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if leaked(v) {
			t.Fatalf("a hidden key is left:\n%s\n%s", body, out)
		}
	})
}

// leaked reports whether a decoded body still has a user-data list with the
// key "S" at its top.
func leaked(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for name, m := range x {
			if name == "userData" || name == "eventContent" {
				switch l := m.(type) {
				case []any:
					if slices.ContainsFunc(l, func(p any) bool { o, ok := p.(map[string]any); return ok && o["key"] == "S" }) {
						return true
					}
				case map[string]any:
					if _, ok := l["S"]; ok {
						return true
					}
				}
			}
			if leaked(m) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(x, leaked)
	}
	return false
}
