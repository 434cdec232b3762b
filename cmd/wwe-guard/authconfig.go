package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/internal/auth"
)

// authConfig is the config's auth block: caller authentication on the /v1
// and SCAPI doors (DESIGN.md §9). No keys: no authentication.
type authConfig struct {
	APIKeys []struct {
		SHA256      string `yaml:"sha256"`      // hex SHA-256 of the key; the key itself is never in the config
		Application string `yaml:"application"` // what caller.application says for it
	} `yaml:"apiKeys"`
	JWT *jwtConfig `yaml:"jwt"`
	// TokenTTL is how long a token of POST /v1/scapi/token lives.
	TokenTTL time.Duration `yaml:"tokenTTL" validate:"gt=0"`
}

// jwtConfig is auth.jwt: bearer tokens signed RS256 or ES256 by a key of
// the JWKS.
type jwtConfig struct {
	JWKSFile         string        `yaml:"jwksFile"`
	JWKSURL          string        `yaml:"jwksURL" validate:"omitempty,url"`
	Issuer           string        `yaml:"issuer" validate:"required"`
	Audience         string        `yaml:"audience" validate:"required"`
	ApplicationClaim string        `yaml:"applicationClaim" validate:"required"`
	AgentIDClaim     string        `yaml:"agentIdClaim"`
	Refresh          time.Duration `yaml:"refresh" validate:"gte=0"` // a JWKS URL is read again this often (default 5m)
}

func (j *jwtConfig) config() auth.JWTConfig {
	return auth.JWTConfig{JWKSFile: j.JWKSFile, JWKSURL: j.JWKSURL, Issuer: j.Issuer, Audience: j.Audience,
		ApplicationClaim: j.ApplicationClaim, AgentIDClaim: j.AgentIDClaim, Refresh: j.Refresh}
}

func (a authConfig) keys() []auth.Key {
	keys := make([]auth.Key, len(a.APIKeys))
	for i, k := range a.APIKeys {
		keys[i] = auth.Key{SHA256: k.SHA256, Application: k.Application}
	}
	return keys
}

func (a authConfig) problems() []string {
	var out []string
	if len(a.APIKeys) > 0 {
		if _, err := auth.NewAPIKeys(a.keys()); err != nil {
			for _, p := range strings.Split(err.Error(), "\n") {
				out = append(out, "auth."+p)
			}
		}
	}
	if a.JWT != nil && a.JWT.JWKSURL == "" {
		// A JWKS file is read now; a URL only when the guard serves.
		if _, err := auth.NewJWT(context.Background(), a.JWT.config(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			out = append(out, "auth."+err.Error())
		}
	} else if a.JWT != nil && a.JWT.JWKSFile != "" {
		out = append(out, "auth.jwt: one of jwksFile and jwksURL, not both")
	}
	return out
}

// authenticator is what the API server checks callers with; nil when the
// config names no credential. A JWKS URL is read from ctx on.
func (a authConfig) authenticator(ctx context.Context, log *slog.Logger) (api.Authenticator, error) {
	if len(a.APIKeys) == 0 && a.JWT == nil {
		return nil, nil
	}
	c := &auth.Callers{}
	var err error
	if len(a.APIKeys) > 0 {
		if c.Keys, err = auth.NewAPIKeys(a.keys()); err != nil {
			return nil, err
		}
	}
	if a.JWT != nil {
		if c.JWT, err = auth.NewJWT(ctx, a.JWT.config(), log); err != nil {
			return nil, err
		}
	}
	return c, nil
}
