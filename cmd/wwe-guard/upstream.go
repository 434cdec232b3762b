package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/internal/serve"
)

// upstreamTLS is upstream.tls: how the guard trusts GWS (a CA file instead
// of the system roots) and proves itself to it (a client certificate).
type upstreamTLS struct {
	CAFile   string `yaml:"caFile"`
	CertFile string `yaml:"certFile"`
	KeyFile  string `yaml:"keyFile"`
}

// workspaceConfig is the workspace block (DESIGN.md §5, §8.1).
type workspaceConfig struct {
	PublicURL            string        `yaml:"publicURL" validate:"omitempty,url"`
	HoldAutoComplete     bool          `yaml:"holdAutoComplete"`
	ServiceClientOptions string        `yaml:"serviceClientOptions" validate:"oneof=apply ignore"`
	SessionIdle          time.Duration `yaml:"sessionIdle" validate:"gt=0"`
	MaxSessions          int           `yaml:"maxSessions" validate:"gt=0"`
	LongPollMargin       time.Duration `yaml:"longPollMargin" validate:"gt=0"`
	MaxResponseBytes     int64         `yaml:"maxResponseBytes" validate:"gt=0"`
	AllowUnknownRoutes   bool          `yaml:"allowUnknownRoutes"`
}

func defaultWorkspaceConfig() workspaceConfig {
	d := api.DefaultWorkspaceConfig(nil)
	return workspaceConfig{
		HoldAutoComplete: d.HoldAutoComplete, ServiceClientOptions: d.ServiceClientOptions, SessionIdle: d.SessionIdle,
		MaxSessions: d.MaxSessions, LongPollMargin: d.LongPollMargin, MaxResponseBytes: d.MaxResponseBytes,
	}
}

// upstreamProblems checks what the struct tags cannot: TLS files that load,
// and a TLS block only where the guard uses it.
func (c *config) upstreamProblems() []string {
	t := c.Upstream.TLS
	if t == (upstreamTLS{}) {
		return nil
	}
	if c.Upstream.Kind == "embedded" {
		return []string{"upstream.tls: only for kind http or workspace"}
	}
	if _, err := t.config(); err != nil {
		return []string{"upstream.tls: " + err.Error()}
	}
	return nil
}

// config builds the client TLS configuration; nil when nothing is set.
func (t upstreamTLS) config() (*tls.Config, error) {
	if t == (upstreamTLS{}) {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pool, err := serve.CertPool(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("caFile %w", err)
		}
		cfg.RootCAs = pool
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		return nil, errors.New("certFile and keyFile go together")
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// workspace is the Workspace API v3 door's configuration, with the client
// that reaches GWS: TLS as configured, no proxy from the environment, no
// redirects followed (the door rewrites them for its client) and no
// transparent compression (the door reads what it filters).
func (c *config) workspace() (*api.WorkspaceConfig, error) {
	upstream, err := url.Parse(c.Upstream.URL)
	if err != nil {
		return nil, fmt.Errorf("upstream.url: %w", err)
	}
	tlsConfig, err := c.Upstream.TLS.config()
	if err != nil {
		return nil, fmt.Errorf("upstream.tls: %w", err)
	}
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: c.Upstream.Timeout}).DialContext,
		TLSClientConfig:     tlsConfig,
		TLSHandshakeTimeout: c.Upstream.Timeout,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	w := api.DefaultWorkspaceConfig(upstream)
	w.Client = &http.Client{Transport: transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w.Timeout = c.Upstream.Timeout
	if c.Workspace.PublicURL != "" {
		if w.PublicURL, err = url.Parse(c.Workspace.PublicURL); err != nil {
			return nil, fmt.Errorf("workspace.publicURL: %w", err)
		}
	}
	w.HoldAutoComplete, w.ServiceClientOptions = c.Workspace.HoldAutoComplete, c.Workspace.ServiceClientOptions
	w.SessionIdle, w.MaxSessions, w.LongPollMargin = c.Workspace.SessionIdle, c.Workspace.MaxSessions, c.Workspace.LongPollMargin
	w.MaxResponseBytes, w.AllowUnknownRoutes = c.Workspace.MaxResponseBytes, c.Workspace.AllowUnknownRoutes
	return &w, nil
}
