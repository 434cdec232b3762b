package service

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/internal/fanout"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// maxAnswerBytes bounds what the client reads of one answer.
const maxAnswerBytes = 8 << 20

// Client is a remote service that speaks the /v1 REST contract.
type Client struct {
	base    *url.URL
	timeout time.Duration
	http    *http.Client
	seen    revisions // the last revision of each interaction seen, for InteractionForWrite
}

// NewClient returns a client for the service at baseURL; timeout bounds each
// call (not the event stream).
func NewClient(baseURL string, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("upstream url %q: want http(s)://host[:port]", baseURL)
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: timeout,
		ForceAttemptHTTP2:     true,
	}
	return &Client{base: u, timeout: timeout, http: &http.Client{Transport: transport}}, nil
}

// Interactions lists every interaction.
func (c *Client) Interactions(ctx context.Context) ([]*wwe.Interaction, error) {
	var list []*wwe.Interaction
	method, path, _, err := api.RESTRequest(wwe.Command{Op: wwe.OpGetInteractions})
	if err != nil {
		return nil, err
	}
	if _, err := c.call(ctx, method, headers{}, nil, &list, path...); err != nil {
		return nil, err
	}
	for _, it := range list {
		if err := normalizeInteraction(it); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Interaction returns one interaction.
func (c *Client) Interaction(ctx context.Context, id string) (*wwe.Interaction, error) {
	var it *wwe.Interaction
	method, path, _, err := api.RESTRequest(wwe.Command{Op: wwe.OpGetByInteractionID, InteractionID: id})
	if err != nil {
		return nil, err
	}
	tag, err := c.call(ctx, method, headers{}, nil, &it, path...)
	if err != nil {
		c.seen.forget(id)
		return nil, err
	}
	return c.answered(it, tag)
}

// InteractionForWrite returns the interaction a write is to be decided on:
// the last revision this client saw, without a round trip, when the service
// reports revisions; else it reads it. The write is then forwarded with
// IfMatch set to that revision, so the service refuses it with
// INTERACTION_CHANGED if the interaction moved on in between, and the guard
// decides again on a fresh read. A stale revision costs a retry, never a
// decision on data the write does not apply to.
func (c *Client) InteractionForWrite(ctx context.Context, id string) (*wwe.Interaction, error) {
	if it := c.seen.get(id); it != nil {
		return it, nil
	}
	return c.Interaction(ctx, id)
}

// Do forwards one write to its route of the REST contract (api.RESTRequest).
func (c *Client) Do(ctx context.Context, cmd wwe.Command) (*wwe.Interaction, error) {
	method, path, body, err := api.RESTRequest(cmd)
	if err != nil || !cmd.Op.Writes() {
		return nil, wwe.Errorf(wwe.CodeInvalidRequest, "unsupported operation %s", cmd.Op)
	}
	var it *wwe.Interaction
	tag, err := c.call(ctx, method, headers{origin: cmd.Origin, app: cmd.Application, relayed: cmd.Relayed, ifMatch: cmd.IfMatch}, body, &it, path...)
	if err != nil {
		c.seen.forget(cmd.InteractionID)
		return nil, err
	}
	return c.answered(it, tag)
}

// answered completes an interaction the service answered with the
// lifetime its ETag names, and remembers its revision. An answer without
// an ETag of its version reports no revision: it is neither remembered nor
// a condition for writes.
func (c *Client) answered(it *wwe.Interaction, etag string) (*wwe.Interaction, error) {
	if it == nil {
		return nil, nil
	}
	if err := normalizeInteraction(it); err != nil {
		return nil, err
	}
	it.Boot = ""
	if rev, ok := wwe.ParseETag(etag); ok && rev.Version == it.Version {
		it.Boot = rev.Boot
	}
	c.seen.remember(it)
	return it, nil
}

// Ready asks the service's /health.
func (c *Client) Ready(ctx context.Context) error {
	_, err := c.call(ctx, http.MethodGet, headers{}, nil, nil, "..", "health")
	return err
}

// headers are the request headers a call may carry.
type headers struct {
	origin  string       // Origin: the caller, owner of markdone blocks
	app     string       // X-Caller-Application: the authenticated owner instead
	relayed bool         // X-Caller-Relayed: through a relay, both own it
	ifMatch wwe.Revision // If-Match: the revision a write applies to, when known
}

// call makes one request and decodes a 2xx answer into out; it returns the
// answer's ETag.
func (c *Client) call(ctx context.Context, method string, h headers, body, out any, segments ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return "", unavailable(fmt.Errorf("encode body: %w", err))
		}
		r = bytes.NewReader(b)
	}
	u, err := c.rawURL(segments...)
	if err != nil {
		return "", unavailable(err)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return "", unavailable(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if h.origin != "" {
		req.Header.Set("Origin", h.origin)
	}
	if h.app != "" {
		req.Header.Set(api.HeaderCallerApplication, h.app)
	}
	if h.relayed {
		req.Header.Set(api.HeaderCallerRelayed, "true")
	}
	if h.ifMatch.Known() {
		req.Header.Set("If-Match", h.ifMatch.ETag())
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", unavailable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return "", unavailable(err)
	}
	if resp.StatusCode >= 300 {
		return "", refused(resp.StatusCode, raw)
	}
	tag := resp.Header.Get("ETag")
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return tag, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return "", unavailable(fmt.Errorf("decode answer: %w", err))
	}
	return tag, nil
}

// rawURL builds the request URL with every segment path-escaped. A "." or
// ".." segment is refused: escaping leaves it as it is ('.' is unreserved),
// so the service, or anything between, would read it as a step in the path
// (the guard's validation never lets one through; this is the last check).
// A first segment ".." stands for the service's root, for /health.
func (c *Client) rawURL(segments ...string) (string, error) {
	prefix := "/v1/"
	if len(segments) > 0 && segments[0] == ".." {
		prefix, segments = "/", segments[1:]
	}
	escaped := make([]string, len(segments))
	for i, s := range segments {
		if s == "." || s == ".." {
			return "", fmt.Errorf("path segment %q", s)
		}
		escaped[i] = url.PathEscape(s)
	}
	return c.base.Scheme + "://" + c.base.Host + c.base.EscapedPath() + prefix + strings.Join(escaped, "/"), nil
}

// unavailable hides the detail of a failed call behind SERVICE_UNAVAILABLE.
func unavailable(err error) error {
	return fmt.Errorf("%w: %v", wwe.Errorf(wwe.CodeServiceUnavailable, "the interaction service could not be reached"), err)
}

func normalizeInteraction(it *wwe.Interaction) error {
	if it == nil {
		return nil
	}
	ud, err := Normalize(it.UserData)
	if err != nil {
		return unavailable(fmt.Errorf("service answered invalid user data: %w", err))
	}
	it.UserData = ud
	return nil
}

// Subscribe opens the service's event stream.
func (c *Client) Subscribe(ctx context.Context) (<-chan wwe.Event, error) {
	u, err := c.rawURL("events")
	if err != nil {
		return nil, unavailable(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"?subscribe=interaction,markdone", nil)
	if err != nil {
		return nil, unavailable(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, unavailable(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, unavailable(fmt.Errorf("events: status %d", resp.StatusCode))
	}
	ch := make(chan wwe.Event, fanout.Buffer)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		// While the stream is down the guard cannot tell what happened at
		// the service: a revision it remembers must be read again.
		defer c.seen.clear()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), maxAnswerBytes)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data:")
			if !ok {
				continue
			}
			var ev wwe.Event
			dec := json.NewDecoder(strings.NewReader(strings.TrimSpace(line)))
			dec.UseNumber()
			if dec.Decode(&ev) != nil || normalizeInteraction(ev.Data.Interaction) != nil {
				continue
			}
			select {
			case ch <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}
