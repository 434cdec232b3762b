package workspace

import (
	"bytes"
	"testing"
)

// BenchmarkFilterNotifications filters a CometD connect reply carrying one
// CallStateChanged with ten pairs of user data, as the door does for every
// long-poll answer; it reports notifications per second on one core. The
// decision callback is a constant, so the figure is the filter's own cost.
func BenchmarkFilterNotifications(b *testing.B) {
	body := []byte(callStateChanged)
	for _, bc := range []struct {
		name   string
		hidden []string
	}{{"nothing-hidden", nil}, {"one-key-hidden", []string{"Card"}}} {
		b.Run(bc.name, func(b *testing.B) {
			hide := hideKeys(bc.hidden...)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				out, err := Filter(body, hide)
				if err != nil || (bc.hidden != nil && bytes.Equal(out, body)) {
					b.Fatal("filter failed", err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notifications/s")
		})
	}
}

// BenchmarkDecodeCall decodes the body of an update-user-data with two
// pairs, as the door does for every decided write before it decides.
func BenchmarkDecodeCall(b *testing.B) {
	body := []byte(`{"data":{"userData":[{"key":"Notes","type":"str","value":"wwe-bench load"},{"key":"CustomerSegment","type":"str","value":"gold"}]}}`)
	r := mustRoute(b, "POST", pathUpdate)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeCall(r, body, testLimits); err != nil {
			b.Fatal(err)
		}
	}
}
