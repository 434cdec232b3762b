package workspace

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

var testLimits = Limits{MaxKeyBytes: 255, MaxDepth: 8, MaxKeys: 1000}

func mustRoute(tb testing.TB, method, path string) Route {
	tb.Helper()
	r, err := Classify(method, mustURL(tb, path))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func set(k string, v any) policy.Write { return policy.Write{Op: policy.WriteSet, Key: k, Value: v} }
func del(k string) policy.Write        { return policy.Write{Op: policy.WriteDelete, Key: k} }

const (
	pathUpdate   = "/workspace/v3/voice/calls/c1/update-user-data"
	pathDelPair  = "/workspace/v3/voice/calls/c1/delete-user-data-pair"
	pathComplete = "/workspace/v3/voice/calls/c1/complete"
	pathRelease  = "/workspace/v3/voice/calls/c1/release"
	pathMediaDel = "/workspace/v3/media/workitem/interactions/w1/delete-user-data"
	pathMediaEnd = "/workspace/v3/media/workitem/interactions/w1/complete"
	pathQueue    = "/workspace/v3/media/workitem/interactions/w1/place-in-queue"
	pathManage   = "/workspace/v3/media-management/manage-user-data"
	pathMgtDone  = "/workspace/v3/media-management/complete"
	pathLeave    = "/workspace/v3/media/chat/interactions/h1/leave"
)

func TestDecodeCall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, body string
		op               wwe.Operation
		writes           []policy.Write
		keyValues        wwe.UserData
		key              string
		ids              []string
		encoded          string // Encode(nil); "" = the body itself
	}{
		{"update with every type", pathUpdate,
			`{"operationId":"op-1","data":{"userData":[{"key":"A","type":"str","value":"x"},{"key":"N","type":"int","value":42},` +
				`{"key":"L","type":"kvlist","value":[{"key":"in","type":"str","value":"y"},{"key":"in","type":"int","value":2}]},` +
				`{"key":"P","type":"interger","value":8},{"key":"A","type":"str","value":"z"}]}}`,
			wwe.OpSetUserData,
			[]policy.Write{set("A", "x"), set("N", int64(42)), set("L", wwe.UserData{"in": int64(2)}), set("P", int64(8)), set("A", "z")},
			wwe.UserData{"A": "z", "N": int64(42), "L": wwe.UserData{"in": int64(2)}, "P": int64(8)}, "", []string{"c1"}, ""},
		{"duplicated key where the first is denied", pathUpdate,
			`{"data":{"userData":[{"key":"Secret","type":"str","value":"1"},{"key":"Secret","type":"str","value":"2"}]}}`,
			wwe.OpSetUserData, []policy.Write{set("Secret", "1"), set("Secret", "2")}, wwe.UserData{"Secret": "2"}, "", []string{"c1"}, ""},
		{"white space and escapes are normalised", pathUpdate,
			"{ \"data\" : { \"userData\" : [ {\"value\":\"\\u0041\",\"type\":\"str\",\"key\":\"K\"} ] } }",
			wwe.OpSetUserData, []policy.Write{set("K", "A")}, wwe.UserData{"K": "A"}, "", []string{"c1"},
			`{"data":{"userData":[{"key":"K","type":"str","value":"A"}]}}`},
		{"escaped names and keys are decoded", pathUpdate,
			`{"data":{"userData":[{"k\u0065y":"\u0053SN","type":"str","value":"x"}]}}`,
			wwe.OpSetUserData, []policy.Write{set("SSN", "x")}, wwe.UserData{"SSN": "x"}, "", []string{"c1"},
			`{"data":{"userData":[{"key":"SSN","type":"str","value":"x"}]}}`},
		{"a kvlist hiding a denied key at depth", pathUpdate,
			`{"data":{"userData":[{"key":"Outer","type":"kvlist","value":[{"key":"Mid","type":"kvlist","value":[{"key":"Secret","type":"str","value":"x"}]}]}]}}`,
			wwe.OpSetUserData, []policy.Write{set("Outer", wwe.UserData{"Mid": wwe.UserData{"Secret": "x"}})},
			wwe.UserData{"Outer": wwe.UserData{"Mid": wwe.UserData{"Secret": "x"}}}, "", []string{"c1"}, ""},
		{"delete pair", pathDelPair, `{"data":{"key":"K"}}`, wwe.OpDeleteUserData, []policy.Write{del("K")}, nil, "K", []string{"c1"}, ""},
		{"media delete of two keys", pathMediaDel, `{"data":{"keys":["A","B"]}}`, wwe.OpDeleteUserData,
			[]policy.Write{del("A"), del("B")}, nil, "", []string{"w1"}, ""},
		{"voice complete with a disposition", pathComplete,
			`{"data":{"userData":[{"key":"DispositionCode","type":"str","value":"Sale"}],"reasons":[{"key":"r","type":"str","value":"v"}]}}`,
			wwe.OpMarkDone, []policy.Write{set("DispositionCode", "Sale")}, wwe.UserData{"DispositionCode": "Sale"}, "", []string{"c1"}, ""},
		{"voice release", pathRelease, `{"data":{"reasons":[],"extensions":[]}}`, wwe.OpMarkDone, nil, nil, "", []string{"c1"}, ""},
		{"media complete, empty body", pathMediaEnd, ``, wwe.OpMarkDone, nil, nil, "", []string{"w1"}, ""},
		{"media complete, operationId only", pathMediaEnd, `{"operationId":"x"}`, wwe.OpMarkDone, nil, nil, "", []string{"w1"}, ""},
		{"place in queue", pathQueue,
			`{"data":{"queue":"Q","addedProperties":[{"key":"A","type":"str","value":"1"}],"deletedProperties":[{"key":"B","type":"str","value":""}]}}`,
			wwe.OpManageUserData, []policy.Write{set("A", "1"), del("B")}, wwe.UserData{"A": "1"}, "B", []string{"w1"}, ""},
		{"manage user data", pathManage,
			`{"data":{"addedUserData":[{"key":"A","type":"int","value":-1}],"updatedUserData":[],"deletedUserData":["C"]}}`,
			wwe.OpManageUserData, []policy.Write{set("A", int64(-1)), del("C")}, wwe.UserData{"A": int64(-1)}, "C", nil, ""},
		{"media-management complete", pathMgtDone, `{"data":{"interactions":["i1","i2"]}}`, wwe.OpMarkDone, nil, nil, "", []string{"i1", "i2"}, ""},
		{"chat leave, ForceClose", pathLeave, `{"data":{"afterAction":"ForceClose","message":"bye"}}`, wwe.OpMarkDone, nil, nil, "", []string{"h1"}, ""},
		{"chat leave, KeepAlive", pathLeave, `{"data":{"afterAction":"KeepAlive"}}`, "", nil, nil, "", []string{"h1"}, ""},
		{"chat leave, no action", pathLeave, `{"data":{}}`, "", nil, nil, "", []string{"h1"}, ""},
		{"null members are absent", pathMediaEnd, `{"operationId":null,"data":null}`, wwe.OpMarkDone, nil, nil, "", []string{"w1"}, `{}`},
	} {
		r := mustRoute(t, "POST", tc.path)
		c, err := DecodeCall(r, []byte(tc.body), testLimits)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.Operation != tc.op || c.Key != tc.key || !cmp.Equal(c.InteractionIDs, tc.ids) {
			t.Errorf("%s: operation %q key %q ids %v, want %q %q %v", tc.name, c.Operation, c.Key, c.InteractionIDs, tc.op, tc.key, tc.ids)
		}
		if diff := cmp.Diff(tc.writes, c.Writes); diff != "" {
			t.Errorf("%s: writes (-want +got):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(tc.keyValues, c.KeyValues); diff != "" {
			t.Errorf("%s: keyValues (-want +got):\n%s", tc.name, diff)
		}
		want := tc.encoded
		if want == "" {
			want = tc.body
		}
		if got, err := c.Encode(nil); err != nil || string(got) != want {
			t.Errorf("%s: Encode(nil) = %s, %v\nwant %s", tc.name, got, err, want)
		}
	}
}

func TestDecodeCallRefuses(t *testing.T) {
	t.Parallel()
	deep := `{"key":"K","type":"str","value":"x"}`
	for range 9 {
		deep = `{"key":"K","type":"kvlist","value":[` + deep + `]}`
	}
	many := strings.Repeat(`{"key":"K","type":"str","value":"x"},`, 1000) + `{"key":"K","type":"str","value":"x"}`
	for _, tc := range []struct{ name, path, body string }{
		{"unknown type smuggling a list", pathUpdate, `{"data":{"userData":[{"key":"X","type":"KVLIST","value":[{"key":"Secret","type":"str","value":"x"}]}]}}`},
		{"unknown type with a boolean", pathUpdate, `{"data":{"userData":[{"key":"X","type":"bool","value":true}]}}`},
		{"unknown type with an object", pathUpdate, `{"data":{"userData":[{"key":"X","type":"map","value":{"Secret":"x"}}]}}`},
		{"str with a number", pathUpdate, `{"data":{"userData":[{"key":"X","type":"str","value":1}]}}`},
		{"int with a string", pathUpdate, `{"data":{"userData":[{"key":"X","type":"int","value":"1"}]}}`},
		{"int with a fraction", pathUpdate, `{"data":{"userData":[{"key":"X","type":"int","value":1.5}]}}`},
		{"int with an exponent", pathUpdate, `{"data":{"userData":[{"key":"X","type":"int","value":1e3}]}}`},
		{"int over 64 bits", pathUpdate, `{"data":{"userData":[{"key":"X","type":"int","value":99999999999999999999}]}}`},
		{"kvlist with a string", pathUpdate, `{"data":{"userData":[{"key":"X","type":"kvlist","value":"[]"}]}}`},
		{"null value", pathUpdate, `{"data":{"userData":[{"key":"X","type":"str","value":null}]}}`},
		{"pair without type", pathUpdate, `{"data":{"userData":[{"key":"X","value":"x"}]}}`},
		{"pair with another member", pathUpdate, `{"data":{"userData":[{"key":"X","type":"str","value":"x","op":"delete"}]}}`},
		{"pair with its key twice", pathUpdate, `{"data":{"userData":[{"key":"Ok","key":"Secret","type":"str","value":"x"}]}}`},
		{"pair with its key twice, once escaped", pathUpdate, `{"data":{"userData":[{"key":"Ok","k\u0065y":"Secret","type":"str","value":"x"}]}}`},
		{"a name twice among many", pathComplete, `{"data":{"x":{"m0":0,"m1":0,"m2":0,"m3":0,"m4":0,"m5":0,"m6":0,"m7":0,"m8":0,"m9":0,"m10":0,"m11":0,"m12":0,"m13":0,"m14":0,"m15":0,"m16":0,"m17":0,"m18":0,"m19":0,"m3":1}}}`},
		{"userData twice", pathUpdate, `{"data":{"userData":[],"userData":[{"key":"Secret","type":"str","value":"x"}]}}`},
		{"empty key", pathUpdate, `{"data":{"userData":[{"key":"","type":"str","value":"x"}]}}`},
		{"long key", pathUpdate, `{"data":{"userData":[{"key":"` + strings.Repeat("k", 256) + `","type":"str","value":"x"}]}}`},
		{"control character in a key", pathUpdate, `{"data":{"userData":[{"key":"a\u0000b","type":"str","value":"x"}]}}`},
		{"too deep", pathUpdate, `{"data":{"userData":[` + deep + `]}}`},
		{"too many keys", pathUpdate, `{"data":{"userData":[` + many + `]}}`},
		{"nesting bomb in a kept member", pathComplete, `{"data":{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`},
		{"missing userData", pathUpdate, `{"data":{}}`},
		{"empty body where userData is required", pathUpdate, ``},
		{"userData null", pathUpdate, `{"data":{"userData":null}}`},
		{"properties on a userData route", pathUpdate, `{"data":{"userData":[],"addedProperties":[{"key":"S","type":"str","value":"x"}]}}`},
		{"userData on release", pathRelease, `{"data":{"userData":[{"key":"S","type":"str","value":"x"}]}}`},
		{"userData in another case", pathComplete, `{"data":{"UserData":[{"key":"S","type":"str","value":"x"}]}}`},
		{"userData at depth", pathComplete, `{"data":{"x":{"y":[{"userData":[]}]}}}`},
		{"userData at the top", pathComplete, `{"userData":[],"data":{}}`},
		{"unknown top-level member", pathMediaEnd, `{"operationId":"x","extra":1}`},
		{"operationId a number", pathMediaEnd, `{"operationId":1}`},
		{"data an array", pathMediaEnd, `{"data":[]}`},
		{"not an object", pathMediaEnd, `[]`},
		{"trailing data", pathMediaEnd, `{} {}`},
		{"invalid UTF-8", pathUpdate, "{\"data\":{\"userData\":[{\"key\":\"\xff\",\"type\":\"str\",\"value\":\"x\"}]}}"},
		{"key not a string", pathDelPair, `{"data":{"key":1}}`},
		{"keys not strings", pathMediaDel, `{"data":{"keys":["A",1]}}`},
		{"no interactions", pathMgtDone, `{"data":{"interactions":[]}}`},
		{"afterAction in another case", pathLeave, `{"data":{"afterAction":"forceclose"}}`},
		{"reasons not a KV list", pathRelease, `{"data":{"reasons":{"r":"v"}}}`},
	} {
		r := mustRoute(t, "POST", tc.path)
		if c, err := DecodeCall(r, []byte(tc.body), testLimits); !errors.Is(err, ErrBody) {
			t.Errorf("%s: got %v, %v; want an error wrapping ErrBody", tc.name, c, err)
		}
	}
}

func TestDecodeCallNeedsADecidedRoute(t *testing.T) {
	t.Parallel()
	r := mustRoute(t, "POST", "/workspace/v3/voice/calls/c1/answer")
	if _, err := DecodeCall(r, []byte(`{}`), testLimits); !errors.Is(err, ErrNotDecided) {
		t.Errorf("pass-through route: %v", err)
	}
}

func TestEncodeDrops(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, body string
		drop             []string
		want             string
		err              error
	}{
		{"strip keeps the rest in order", pathUpdate,
			`{"data":{"userData":[{"key":"Secret","type":"str","value":"1"},{"key":"A","type":"int","value":1},{"key":"Secret","type":"str","value":"2"}]}}`,
			[]string{"Secret"}, `{"data":{"userData":[{"key":"A","type":"int","value":1}]}}`, nil},
		{"every pair dropped", pathUpdate, `{"data":{"userData":[{"key":"Secret","type":"str","value":"1"}]}}`, []string{"Secret"}, "", ErrAllDropped},
		{"the one deleted key dropped", pathDelPair, `{"data":{"key":"Secret"}}`, []string{"Secret"}, "", ErrAllDropped},
		{"a deleted key dropped", pathMediaDel, `{"data":{"keys":["Secret","A"]}}`, []string{"Secret"}, `{"data":{"keys":["A"]}}`, nil},
		{"manage, everything dropped", pathManage, `{"data":{"addedUserData":[{"key":"S","type":"str","value":"1"}],"deletedUserData":["S"]}}`,
			[]string{"S"}, "", ErrAllDropped},
		{"complete still marks done", pathComplete, `{"data":{"userData":[{"key":"Secret","type":"str","value":"1"}]}}`,
			[]string{"Secret"}, `{"data":{"userData":[]}}`, nil},
		{"reasons are not user data", pathComplete, `{"data":{"userData":[],"reasons":[{"key":"Secret","type":"str","value":"1"}]}}`,
			[]string{"Secret"}, `{"data":{"userData":[],"reasons":[{"key":"Secret","type":"str","value":"1"}]}}`, nil},
		{"nothing to drop is no error", pathUpdate, `{"data":{"userData":[]}}`, []string{"Secret"}, `{"data":{"userData":[]}}`, nil},
	} {
		c, err := DecodeCall(mustRoute(t, "POST", tc.path), []byte(tc.body), testLimits)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := c.Encode(tc.drop)
		if !errors.Is(err, tc.err) || (tc.err == nil && string(got) != tc.want) {
			t.Errorf("%s: Encode = %s, %v; want %s, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestSetAutoCompleteFalse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, want string }{
		{``, `{"data":{"autoCompleteCall":false}}`},
		{`{}`, `{"data":{"autoCompleteCall":false}}`},
		{`{"data":null}`, `{"data":{"autoCompleteCall":false}}`},
		{`{"operationId":"o","data":{"agentId":"a","autoCompleteCall":true,"channels":["voice"]}}`,
			`{"operationId":"o","data":{"agentId":"a","autoCompleteCall":false,"channels":["voice"]}}`},
		{`{"data":{"placeName":"P"}}`, `{"data":{"placeName":"P","autoCompleteCall":false}}`},
	} {
		got, err := SetAutoCompleteFalse([]byte(tc.body))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.body, got, err, tc.want)
		}
	}
	for _, body := range []string{`[]`, `{"data":[]}`, `{"data":{"autoCompleteCall":true,"autoCompleteCall":false}}`, `{`} {
		if _, err := SetAutoCompleteFalse([]byte(body)); !errors.Is(err, ErrBody) {
			t.Errorf("%s: %v, want ErrBody", body, err)
		}
	}
}

func TestCarriesUserData(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		``: false, `{}`: false, `{"data":{"queue":"Q"}}`: false,
		`{"data":{"userData":[]}}`: true, `{"data":{"x":[{"addedProperties":[]}]}}`: true,
		`{"data":{"USERDATA":1}}`: true, `{"data":{"deletedUserData":[]}}`: true, `{"userData":[]}`: true,
		`{"data":{"note":"userData"}}`: false,
	} {
		got, err := CarriesUserData([]byte(body))
		if err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", body, got, err, want)
		}
	}
	if _, err := CarriesUserData([]byte(`<html>`)); !errors.Is(err, ErrBody) {
		t.Errorf("not JSON: %v", err)
	}
}
