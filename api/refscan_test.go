package api

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanReferenceID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       any
	}{
		{"string", `{"referenceId":"7"}`, "7"},
		{"number as written", `{"referenceId":7.50}`, json.Number("7.50")},
		{"after other fields", `{"request":"x","parameters":[1,{"referenceId":"inner"}],"referenceId":"outer"}`, "outer"},
		{"escaped name", `{"reference\u0049d":"e"}`, "e"},
		{"cut off after it", `{"referenceId":"c","parameters":["1",{"Notes":"xxxx`, "c"},
		{"malformed after it", `{"referenceId":"m","request":tru}`, "m"},
		{"invalid UTF-8 after it", "{\"referenceId\":\"u\",\"request\":\"\xff\"}", "u"},
		{"the first of two", `{"referenceId":"a","referenceId":"b"}`, "a"},
		{"only nested", `{"parameters":[{"referenceId":"inner"}]}`, nil},
		{"cut off inside it", `{"referenceId":"abc`, nil},
		{"number cut off", `{"referenceId":12`, nil},
		{"invalid UTF-8 in it", "{\"referenceId\":\"a\xffb\"}", nil},
		{"malformed before it", `{"request":tru,"referenceId":"x"}`, nil},
		{"empty string", `{"referenceId":""}`, nil},
		{"boolean", `{"referenceId":true}`, nil},
		{"object", `{"referenceId":{"a":"b"}}`, nil},
		{"null", `{"referenceId":null}`, nil},
		{"array body", `[{"referenceId":"x"}]`, nil},
		{"empty", ``, nil},
		{"garbage", `}{`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, scanReferenceID([]byte(tt.body))); diff != "" {
				t.Errorf("scanReferenceID(%q) (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

// FuzzScanReferenceID: the scanner never panics, finds only what the
// envelope parser accepts as a referenceId, finds in a whole envelope the
// referenceId the parser reads, and in any prefix of it either that one or
// none.
func FuzzScanReferenceID(f *testing.F) {
	for _, seed := range []string{
		`{"request":"interaction.getInteractions","referenceId":"7"}`,
		`{"referenceId":7.5e3,"parameters":[{"referenceId":"x"}]}`,
		`{"referenceId":"a","referenceId":"b"}`, `{"referenceId":"\ud800"}`, "{\"referenceId\":\"\xff\"}",
		`{"a":[[[{}]]],"referenceId":""}`, `[]`,
	} {
		f.Add([]byte(seed), uint16(len(seed)/2))
	}
	f.Fuzz(func(t *testing.T, body []byte, cut uint16) {
		got := scanReferenceID(body)
		switch x := got.(type) {
		case nil:
		case string:
			if x == "" {
				t.Fatalf("empty string referenceId from %q", body)
			}
		case json.Number:
		default:
			t.Fatalf("referenceId of type %T from %q", got, body)
		}
		doc, err := decodeJSON(body, 64)
		if err != nil {
			return
		}
		obj, ok := doc.(object)
		if !ok {
			return
		}
		env, _ := parseEnvelope(obj)
		if diff := cmp.Diff(env.referenceID, got); diff != "" {
			t.Fatalf("scan of %q differs from the parser (-parser +scan):\n%s", body, diff)
		}
		prefix := scanReferenceID(body[:int(cut)%(len(body)+1)])
		if prefix != nil && !cmp.Equal(prefix, got) {
			t.Fatalf("a prefix of %q gives referenceId %v, the whole %v", body, prefix, got)
		}
	})
}
