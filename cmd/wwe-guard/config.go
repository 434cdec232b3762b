package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// config is the YAML file (DESIGN.md §5).
type config struct {
	Listen   string      `yaml:"listen" validate:"required,listen_addr"`
	TLS      listenerTLS `yaml:"tls"`
	Upstream struct {
		Kind    string        `yaml:"kind" validate:"oneof=embedded http workspace"`
		URL     string        `yaml:"url" validate:"omitempty,url"`
		Seed    string        `yaml:"seed"`
		Timeout time.Duration `yaml:"timeout" validate:"gt=0"`
		TLS     upstreamTLS   `yaml:"tls"`
	} `yaml:"upstream"`
	Workspace workspaceConfig `yaml:"workspace"`
	Policies  struct {
		Bundled bool           `yaml:"bundled"`
		Paths   []string       `yaml:"paths"`
		Bundles []bundleConfig `yaml:"bundles"`
	} `yaml:"policies"`
	Options      map[string]any `yaml:"options"`
	Enforcement  string         `yaml:"enforcement" validate:"oneof=enforce dryrun"`
	UserDataMode string         `yaml:"userDataMode" validate:"oneof=reject strip"`
	Limits       struct {
		MaxBodyBytes int64 `yaml:"maxBodyBytes" validate:"gt=0"`
		MaxKeyBytes  int   `yaml:"maxKeyBytes" validate:"gt=0"`
		MaxDepth     int   `yaml:"maxDepth" validate:"gt=0"`
		MaxKeys      int   `yaml:"maxKeys" validate:"gt=0"`
	} `yaml:"limits"`
	RateLimits struct {
		MaxCallers int    `yaml:"maxCallers" validate:"gt=0"` // callers tracked at most (LRU), store memory
		Store      string `yaml:"store" validate:"oneof=memory redis"`
		Redis      struct {
			URL string `yaml:"url" validate:"omitempty,url"` // redis://host:port/db
		} `yaml:"redis"`
	} `yaml:"rateLimits"`
	Auth     authConfig    `yaml:"auth"`
	SCAPI    scapiConfig   `yaml:"scapi"`
	Tracing  tracingConfig `yaml:"tracing"`
	Log      logConfig     `yaml:"log"`
	Metrics  metricsConfig `yaml:"metrics"`
	Shutdown struct {
		Wait  time.Duration `yaml:"wait" validate:"gte=0"` // /ready is 503 and the listener still serves
		Grace time.Duration `yaml:"grace" validate:"gt=0"` // then requests in flight may finish
	} `yaml:"shutdown"`
	DecisionLog struct {
		Output string `yaml:"output" validate:"required"`
		Values string `yaml:"values" validate:"oneof=mask keep"` // mask: "***" (default); keep: replayable
	} `yaml:"decisionLog"`

	seed       []*wwe.Interaction
	bundleData map[string][]byte // each bundle's .tar.gz as last read (readBundles)
	bundleKeys map[string]string // each signed bundle's public key (PEM)
	rateLimits *api.RateLimits
	rateStore  api.RateStore // rateLimits.store redis: made once, at start
}

func defaultConfig() config {
	var c config
	c.Listen = "127.0.0.1:8080"
	c.Upstream.Kind = "embedded"
	c.Upstream.Timeout = 5 * time.Second
	c.Policies.Bundled = true
	c.Enforcement = "enforce"
	c.UserDataMode = "reject"
	l := api.DefaultLimits()
	c.Limits.MaxBodyBytes, c.Limits.MaxKeyBytes, c.Limits.MaxDepth, c.Limits.MaxKeys = l.MaxBodyBytes, l.MaxKeyBytes, l.MaxDepth, l.MaxKeys
	c.RateLimits.MaxCallers = api.DefaultMaxCallers
	c.RateLimits.Store = "memory"
	c.Log = logConfig{Format: "text", Level: "info", Access: true}
	c.Metrics.Enabled = true
	c.Auth.TokenTTL = 5 * time.Minute
	c.Shutdown.Wait, c.Shutdown.Grace = 5*time.Second, 25*time.Second
	c.DecisionLog.Output = "stdout"
	c.DecisionLog.Values = "mask"
	c.Workspace = defaultWorkspaceConfig()
	c.SCAPI = defaultSCAPIConfig()
	return c
}

// loadConfig reads path: defaults, strict decode, then every problem at once.
func loadConfig(path string) (config, error) {
	cfg := defaultConfig()
	src, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, fmt.Errorf("config %s:\n%s", path, yamlProblems(err))
	}
	cfg.resolvePaths(filepath.Dir(path))
	if problems := cfg.validate(); len(problems) > 0 {
		return cfg, fmt.Errorf("config %s:\n  %s", path, strings.Join(problems, "\n  "))
	}
	return cfg, nil
}

// resolvePaths makes the relative file paths of the config (upstream.seed,
// policies.paths, a decisionLog.output file) relative to dir, the config
// file's directory, rather than to the working directory.
func (c *config) resolvePaths(dir string) {
	resolve := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Upstream.Seed = resolve(c.Upstream.Seed)
	c.Upstream.TLS.CAFile = resolve(c.Upstream.TLS.CAFile)
	c.Upstream.TLS.CertFile = resolve(c.Upstream.TLS.CertFile)
	c.Upstream.TLS.KeyFile = resolve(c.Upstream.TLS.KeyFile)
	c.TLS.CertFile, c.TLS.KeyFile, c.TLS.ClientCAFile = resolve(c.TLS.CertFile), resolve(c.TLS.KeyFile), resolve(c.TLS.ClientCAFile)
	if c.Auth.JWT != nil {
		c.Auth.JWT.JWKSFile = resolve(c.Auth.JWT.JWKSFile)
	}
	for i, p := range c.Policies.Paths {
		c.Policies.Paths[i] = resolve(p)
	}
	for i := range c.Policies.Bundles {
		b := &c.Policies.Bundles[i]
		b.File, b.PublicKeyFile = resolve(b.File), resolve(b.PublicKeyFile)
	}
	if out := c.DecisionLog.Output; out != "stdout" && out != "none" {
		c.DecisionLog.Output = resolve(out)
	}
}

// engineConfig is the guard's part of the config.
func (c *config) engineConfig(decisionLog io.Writer, log *slog.Logger) guard.Config {
	gc := guard.Config{
		Schemas:      policies.Schemas,
		Paths:        c.Policies.Paths,
		Options:      c.Options,
		Enforcement:  policy.Enforcement(c.Enforcement),
		UserDataMode: policy.UserDataMode(c.UserDataMode),
		DecisionLog:  decisionLog,
		LogValues:    guard.LogValues(c.DecisionLog.Values),
		Labels:       map[string]string{"id": instanceID, "version": moduleVersion()},
		ConsoleLog:   decisionLog != nil && (c.DecisionLog.Output == "stdout" || c.DecisionLog.Output == ""),
		Logger:       log,
	}
	if c.Policies.Bundled {
		gc.Bundled = policies.FS
	}
	gc.Bundles = c.bundles()
	if c.Upstream.Kind == "workspace" {
		gc.Workspace = map[string]any{"serviceClientOptions": c.Workspace.ServiceClientOptions}
	}
	return gc
}

func (c *config) limits() api.Limits {
	return api.Limits{MaxBodyBytes: c.Limits.MaxBodyBytes, MaxKeyBytes: c.Limits.MaxKeyBytes, MaxDepth: c.Limits.MaxDepth, MaxKeys: c.Limits.MaxKeys}
}
