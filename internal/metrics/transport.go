package metrics

import (
	"net/http"
	"strconv"
	"time"
)

// Transport counts and times every call rt makes to the upstream.
func (m *Metrics) Transport(rt http.RoundTripper) http.RoundTripper {
	return roundTripper{rt: rt, m: m}
}

type roundTripper struct {
	rt http.RoundTripper
	m  *Metrics
}

func (t roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.rt.RoundTrip(r)
	result := "error"
	if err == nil {
		result = strconv.Itoa(resp.StatusCode/100) + "xx"
	}
	t.m.observeUpstream(result, time.Since(start))
	return resp, err
}
