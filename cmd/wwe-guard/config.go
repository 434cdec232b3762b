package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"gopkg.in/yaml.v3"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
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

func yamlProblems(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return "  " + strings.Join(te.Errors, "\n  ")
	}
	return "  " + err.Error()
}

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := v.RegisterValidation("listen_addr", func(fl validator.FieldLevel) bool {
		return listenAddrOK(fl.Field().String())
	}); err != nil {
		panic(err)
	}
	return v
}()

// listenAddrOK reports whether net.Listen("tcp", addr) could take addr: a
// host (name, IP, bracketed IPv6, or none) and a port number from 0 to
// 65535 or a service name, as the --listen flag takes them.
func listenAddrOK(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if n, err := strconv.Atoi(port); err == nil {
		return n >= 0 && n <= 65535
	}
	_, err = net.LookupPort("tcp", port)
	return err == nil
}

// validate returns every problem of cfg, each naming its YAML path.
func (c *config) validate() []string {
	var problems []string
	if err := validate.Struct(c); err != nil {
		var verrs validator.ValidationErrors
		if errors.As(err, &verrs) {
			for _, fe := range verrs {
				problems = append(problems, fmt.Sprintf("%s: %s", yamlPath(fe.Namespace()), describe(fe)))
			}
		}
	}
	switch c.Upstream.Kind {
	case "http", "workspace":
		if c.Upstream.URL == "" {
			problems = append(problems, "upstream.url: required when kind is "+c.Upstream.Kind)
		}
		if c.Upstream.Seed != "" {
			problems = append(problems, "upstream.seed: only for kind embedded")
		}
	case "embedded":
		if c.Upstream.URL != "" {
			problems = append(problems, "upstream.url: only for kind http or workspace")
		}
		if c.Upstream.Seed != "" {
			seed, err := service.LoadSeed(c.Upstream.Seed)
			if err != nil {
				problems = append(problems, "upstream.seed: "+err.Error())
			}
			c.seed = seed
		}
	}
	problems = append(problems, c.upstreamProblems()...)
	problems = append(problems, c.TLS.problems()...)
	problems = append(problems, c.Auth.problems()...)
	if (c.RateLimits.Store == "redis") != (c.RateLimits.Redis.URL != "") {
		problems = append(problems, "rateLimits: store redis and redis.url go together")
	}
	for _, p := range c.Policies.Paths {
		if _, err := os.Stat(p); err != nil {
			problems = append(problems, fmt.Sprintf("policies.paths: %s does not exist", p))
		}
	}
	if !c.Policies.Bundled && len(c.Policies.Paths) == 0 && len(c.Policies.Bundles) == 0 {
		problems = append(problems, "policies: no policy source (bundled is false, paths and bundles are empty)")
	}
	problems = append(problems, c.bundleProblems()...)
	// The options schema the policies are type-checked with says which
	// options exist and their types; the guard checks and converts them the
	// same way when it compiles the policies. Only valid options go on.
	options, err := guard.CheckOptions(policies.Schemas, c.Options)
	var oe *guard.OptionsError
	switch {
	case errors.As(err, &oe):
		problems = append(problems, oe.Problems...)
	case err != nil:
		problems = append(problems, "options: "+err.Error())
	}
	c.Options = options
	rl, err := api.ParseRateLimits(c.Options)
	if err != nil {
		problems = append(problems, strings.Split(err.Error(), "\n")...)
	}
	c.rateLimits = rl.WithMaxCallers(c.RateLimits.MaxCallers)
	return problems
}

// yamlPath turns "config.Upstream.Kind" into "upstream.kind".
func yamlPath(ns string) string {
	parts := strings.Split(ns, ".")[1:]
	for i, p := range parts {
		parts[i] = strings.ToLower(p[:1]) + p[1:]
	}
	path := strings.Join(parts, ".")
	return strings.NewReplacer("uRL", "url", "publicURL", "publicURL", "tLS", "tls", "cAFile", "caFile", "jWT", "jwt", "jWKSURL", "jwksURL", "jWKSFile", "jwksFile", "aPIKeys", "apiKeys", "tokenTTL", "tokenTTL", "oTLPEndpoint", "otlpEndpoint").Replace(path)
}

func describe(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "required"
	case "oneof":
		return fmt.Sprintf("must be one of %s, not %q", strings.ReplaceAll(fe.Param(), " ", ", "), fe.Value())
	case "gt":
		return "must be greater than " + fe.Param()
	case "gte":
		return "must not be negative"
	case "url":
		return fmt.Sprintf("%q is not a URL", fe.Value())
	case "listen_addr":
		return fmt.Sprintf("%q is not an address to listen on (host:port, [ipv6]:port or :port)", fe.Value())
	}
	return "invalid (" + fe.Tag() + ")"
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
