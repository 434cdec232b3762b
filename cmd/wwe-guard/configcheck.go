package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
	"gopkg.in/yaml.v3"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/policies"
)

// yamlProblems lists what the YAML decoder refused, one problem a line.
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
	problems = append(problems, c.SCAPI.problems(len(c.Auth.APIKeys) > 0 || c.Auth.JWT != nil)...)
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
	return strings.NewReplacer("uRL", "url", "publicURL", "publicURL", "tLS", "tls", "cAFile", "caFile", "jWT", "jwt", "jWKSURL", "jwksURL", "jWKSFile", "jwksFile", "aPIKeys", "apiKeys", "tokenTTL", "tokenTTL", "oTLPEndpoint", "otlpEndpoint", "sCAPI", "scapi").Replace(path)
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
