package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Codes of answers that never came; they are never expected.
const (
	codeTransport = "TRANSPORT_ERROR" // connection refused, reset, timed out, ...
	codeNotSent   = "NOT_SENT"        // the schedule ran past the drain deadline
)

// maxErrorBody bounds what is read of an error body to find its errorCode.
const maxErrorBody = 64 << 10

// newTransport returns an HTTP/1.1 transport that keeps up to idlePerHost
// connections per host open between requests, so a load of that many
// concurrent requests never dials once warmed up.
func newTransport(idlePerHost int, timeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          idlePerHost * 2,
		MaxIdleConnsPerHost:   idlePerHost,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: timeout,
		DisableCompression:    true,
	}
}

// newClient returns the load generator's client for one target: at most
// concurrency connections, each request bounded by timeout, no redirects.
func newClient(concurrency int, timeout time.Duration) *http.Client {
	t := newTransport(concurrency, timeout)
	t.MaxConnsPerHost = concurrency
	return &http.Client{
		Transport:     t,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// send makes one request against base and returns its outcome: the status
// and, for a failure, the errorCode of the JSON error body. A request that
// got no answer has status 0 and codeTransport. The body is always read to
// its end so the connection is reused. An error is returned only when ctx
// ended.
func send(ctx context.Context, client *http.Client, base string, r request) (outcome, error) {
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, body)
	if err != nil {
		return outcome{}, err
	}
	if r.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.origin != "" {
		req.Header.Set("Origin", r.origin)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return outcome{}, ctx.Err()
		}
		return outcome{code: codeTransport}, nil
	}
	defer resp.Body.Close()
	out := outcome{status: resp.StatusCode}
	if resp.StatusCode >= 300 {
		var e struct {
			ErrorCode string `json:"errorCode"`
		}
		if json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&e) == nil {
			out.code = e.ErrorCode
		}
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return outcome{}, ctx.Err()
		}
		return outcome{code: codeTransport}, nil
	}
	return out, nil
}
