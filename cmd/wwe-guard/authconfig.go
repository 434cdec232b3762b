package main

import (
	"strings"

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
}

func (a authConfig) keys() []auth.Key {
	keys := make([]auth.Key, len(a.APIKeys))
	for i, k := range a.APIKeys {
		keys[i] = auth.Key{SHA256: k.SHA256, Application: k.Application}
	}
	return keys
}

func (a authConfig) problems() []string {
	if len(a.APIKeys) == 0 {
		return nil
	}
	if _, err := auth.NewAPIKeys(a.keys()); err != nil {
		var out []string
		for _, p := range strings.Split(err.Error(), "\n") {
			out = append(out, "auth."+p)
		}
		return out
	}
	return nil
}

// authenticator is what the API server checks callers with; nil when the
// config names no key.
func (a authConfig) authenticator() (api.Authenticator, error) {
	if len(a.APIKeys) == 0 {
		return nil, nil
	}
	return auth.NewAPIKeys(a.keys())
}
