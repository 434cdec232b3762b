package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// v3Reply is GWS's answer to one forwarded request, read whole.
type v3Reply struct {
	status int
	header http.Header
	body   []byte
}

// errTooLarge: GWS answered more than workspace.maxResponseBytes.
var errTooLarge = errors.New("answer over workspace.maxResponseBytes")

// hopHeaders are never forwarded in either direction (RFC 9110 §7.6.1),
// with the ones the door sets itself.
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Host",
}

// v3Call is one request the door sends GWS.
type v3Call struct {
	method, path string        // as the door classified them
	body         []byte        // nil: none
	reencoded    bool          // body is JSON the door wrote: labelled so, whatever the client said
	hold         time.Duration // bound of the call; 0: the upstream timeout
}

// v3Forward sends one request to GWS: method and canonical path, the
// caller's query, the body, and the caller's end-to-end headers — its
// Cookie and x-api-key included, so each client keeps its own GWS session —
// without Accept-Encoding, so the door reads what it filters.
func (s *Server) v3Forward(ctx context.Context, r *http.Request, call v3Call) (*v3Reply, error) {
	method, path, body, hold := call.method, call.path, call.body, call.hold
	cfg := s.v3
	if hold <= 0 {
		hold = cfg.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, hold)
	defer cancel()
	u := *cfg.Upstream
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawPath, u.RawQuery, u.Fragment = "", r.URL.RawQuery, ""
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	copyHeaders(req.Header, r.Header)
	req.Header.Del("Accept-Encoding")
	if call.reencoded {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Del("Content-Encoding")
	}
	resp, err := cfg.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, cfg.MaxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if int64(len(raw)) > cfg.MaxResponseBytes {
		return nil, errTooLarge
	}
	if enc := resp.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return nil, fmt.Errorf("answer encoded %q, which the door cannot read", enc)
	}
	return &v3Reply{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// copyHeaders copies the end-to-end headers of src into dst, leaving out
// the hop-by-hop ones and any named in src's Connection header.
func copyHeaders(dst, src http.Header) {
	named := map[string]bool{}
	for _, v := range src.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			named[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	for k, vs := range src {
		if named[k] || isHop(k) {
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

func isHop(name string) bool {
	for _, h := range hopHeaders {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// publicBase is the guard's own URL as the client reached it: the
// configured public URL, else the request's scheme and Host.
func (s *Server) publicBase(r *http.Request) *url.URL {
	if s.v3.PublicURL != nil {
		return s.v3.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return &url.URL{Scheme: scheme, Host: r.Host}
}
