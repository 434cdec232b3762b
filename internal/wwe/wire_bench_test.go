package wwe_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// wireSample is an interaction as a service answers it, modelled fields only.
const wireSample = `{"interactionId":"1","interactionUUID":"00A7D3F1-0001","caseId":"case-1","mediaType":"voice","callType":"INBOUND","state":"TALKING","isMainCaseInteraction":true,"isDone":false,"userData":{"AccountNumber":"12-3456","CustomerSegment":"gold","Notes":"called back"},"markdoneBlocks":[],"version":7}`

// BenchmarkInteractionWire measures decoding an interaction as the HTTP
// client does (every answer of a remote service) and encoding it as an
// answer or event. Encoding pays for the pass-through of unmodelled
// attributes: encoding/json re-reads (compacts) whatever a MarshalJSON
// returns.
func BenchmarkInteractionWire(b *testing.B) {
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var it *wwe.Interaction
			dec := json.NewDecoder(bytes.NewReader([]byte(wireSample)))
			dec.UseNumber()
			if err := dec.Decode(&it); err != nil {
				b.Fatal(err)
			}
		}
	})
	var it *wwe.Interaction
	dec := json.NewDecoder(bytes.NewReader([]byte(wireSample)))
	dec.UseNumber()
	if err := dec.Decode(&it); err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(it); err != nil {
				b.Fatal(err)
			}
		}
	})
}
