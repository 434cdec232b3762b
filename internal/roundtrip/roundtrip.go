// Package roundtrip adapts a function to http.RoundTripper, as
// http.HandlerFunc does for http.Handler, so that a transport wrapping
// another (metrics, tracing, the load tool's API key) is one closure.
package roundtrip

import "net/http"

// Func is a function used as an http.RoundTripper.
type Func func(*http.Request) (*http.Response, error)

// RoundTrip returns f(r).
func (f Func) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
