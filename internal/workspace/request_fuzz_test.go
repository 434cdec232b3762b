package workspace

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzPaths are the decided routes FuzzDecodeCall picks from, one per shape.
var fuzzPaths = []string{pathUpdate, pathDelPair, pathComplete, pathMediaDel, pathMediaEnd, pathQueue, pathManage, pathMgtDone, pathLeave}

// FuzzDecodeCall checks the strict decoder: every refusal wraps ErrBody,
// and what it accepts re-encodes to a body that decodes to the same call
// and encodes to itself.
func FuzzDecodeCall(f *testing.F) {
	for i, body := range []string{
		`{"operationId":"o","data":{"userData":[{"key":"A","type":"str","value":"x"},{"key":"L","type":"kvlist","value":[{"key":"i","type":"int","value":1}]}]}}`,
		`{"data":{"key":"K"}}`, `{"data":{"userData":[],"reasons":[{"key":"r","type":"x","value":"y"}]}}`,
		`{"data":{"keys":["A","B"]}}`, ``, `{"data":{"queue":"Q","addedProperties":[],"deletedProperties":[{"key":"B","type":"str","value":""}]}}`,
		`{"data":{"addedUserData":[{"key":"A","type":"int","value":-1}],"deletedUserData":["C"]}}`,
		`{"data":{"interactions":["i1"]}}`, `{"data":{"afterAction":"ForceClose","message":"\u00e9"}}`,
	} {
		f.Add(uint8(i), []byte(body))
	}
	lim := Limits{MaxKeyBytes: 32, MaxDepth: 3, MaxKeys: 50}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		r := mustRoute(t, "POST", fuzzPaths[int(which)%len(fuzzPaths)])
		c, err := DecodeCall(r, body, lim)
		if err != nil {
			if !errors.Is(err, ErrBody) {
				t.Fatalf("error does not wrap ErrBody: %v", err)
			}
			return
		}
		out, err := c.Encode(nil)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := DecodeCall(r, out, lim)
		if err != nil {
			t.Fatalf("re-encoded body %s refused: %v", out, err)
		}
		if diff := cmp.Diff(c, again, cmp.AllowUnexported(Call{}, member{}, Route{})); diff != "" && len(out) > 0 {
			// The re-encoded body drops null members and white space only.
			if !cmp.Equal(c.Writes, again.Writes) || !cmp.Equal(c.KeyValues, again.KeyValues) || c.Key != again.Key ||
				c.Operation != again.Operation || !cmp.Equal(c.InteractionIDs, again.InteractionIDs) {
				t.Fatalf("decode(encode(call)) differs (-first +second):\n%s", diff)
			}
		}
		out2, err := again.Encode(nil)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("encode is not a fixed point:\n%s\n%s (%v)", out, out2, err)
		}
	})
}
