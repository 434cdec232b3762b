package service

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// GWS stands for Genesys Web Services behind the Workspace API v3 door
// (upstream.kind: workspace) where the /v1 and SCAPI doors expect a
// service: until those doors translate into Workspace API v3 calls (DESIGN.md
// §8, later), every call is NOT_IMPLEMENTED. It is ready while GWS answers
// GET /workspace/v3/version with any HTTP status.
type GWS struct {
	version string // the URL of GWS's version route
	timeout time.Duration
	http    *http.Client
}

// NewGWS returns the stand-in for the GWS at baseURL, reached with client
// (nil: a client of its own); timeout bounds the readiness probe.
func NewGWS(baseURL string, client *http.Client, timeout time.Duration) (*GWS, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("upstream url %q: want http(s)://host[:port]", baseURL)
	}
	if client == nil {
		client = &http.Client{}
	}
	return &GWS{version: u.JoinPath("workspace", "v3", "version").String(), timeout: timeout, http: client}, nil
}

func notImplemented() error { return api.ErrNotTranslated() }

// Interactions is NOT_IMPLEMENTED.
func (*GWS) Interactions(context.Context) ([]*wwe.Interaction, error) { return nil, notImplemented() }

// Interaction is NOT_IMPLEMENTED.
func (*GWS) Interaction(context.Context, string) (*wwe.Interaction, error) {
	return nil, notImplemented()
}

// InteractionForWrite is NOT_IMPLEMENTED.
func (*GWS) InteractionForWrite(context.Context, string) (*wwe.Interaction, error) {
	return nil, notImplemented()
}

// Do is NOT_IMPLEMENTED.
func (*GWS) Do(context.Context, wwe.Command) (*wwe.Interaction, error) { return nil, notImplemented() }

// Subscribe is NOT_IMPLEMENTED.
func (*GWS) Subscribe(context.Context) (<-chan wwe.Event, error) { return nil, notImplemented() }

// Ready probes GWS's version route: any HTTP answer counts as reachable.
func (g *GWS) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.version, nil)
	if err != nil {
		return err
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return unavailable(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return nil
}
