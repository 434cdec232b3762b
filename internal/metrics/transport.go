package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/roundtrip"
)

// Transport counts and times every call rt makes to the upstream.
func (m *Metrics) Transport(rt http.RoundTripper) http.RoundTripper {
	return roundtrip.Func(func(r *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := rt.RoundTrip(r)
		result := "error"
		if err == nil {
			result = strconv.Itoa(resp.StatusCode/100) + "xx"
		}
		m.observeUpstream(result, time.Since(start))
		return resp, err
	})
}
