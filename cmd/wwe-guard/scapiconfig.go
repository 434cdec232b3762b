package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
)

// scapiConfig is the config's scapi block: the SCAPI message channel
// (DESIGN.md §2.5).
type scapiConfig struct {
	// Relays are the pages that include /v1/scapi/relay.js: on their
	// sockets the frame origin each message is stamped with is the caller
	// origin. Reloadable.
	Relays []relayConfig `yaml:"relays"`
	// Demo serves the demo's pages at /demo/ (the guard with no config
	// always does).
	Demo bool `yaml:"demo"`
	// Ping is how often a socket is pinged (two missed pongs cut it);
	// Idle how long one with no message and no subscription stays open.
	Ping time.Duration `yaml:"ping" validate:"gt=0"`
	Idle time.Duration `yaml:"idle" validate:"gt=0"`
}

// relayConfig is one relay page: its origin and, with caller
// authentication, the application its token must name.
type relayConfig struct {
	Origin      string `yaml:"origin"`
	Application string `yaml:"application"`
}

func defaultSCAPIConfig() scapiConfig {
	return scapiConfig{Ping: 30 * time.Second, Idle: 5 * time.Minute}
}

// problems checks each relay: a serialized origin (scheme://host[:port],
// nothing more) and, with caller authentication, an application.
func (s scapiConfig) problems(authenticated bool) []string {
	var out []string
	for i, r := range s.Relays {
		at := fmt.Sprintf("scapi.relays[%d]", i)
		if !isOrigin(r.Origin) {
			out = append(out, fmt.Sprintf("%s.origin: %q is not an origin (scheme://host[:port])", at, r.Origin))
		}
		if authenticated && r.Application == "" {
			out = append(out, at+".application: required with caller authentication (the application its token names)")
		}
		if !authenticated && r.Application != "" {
			out = append(out, at+".application: only with caller authentication (auth)")
		}
	}
	return out
}

// isOrigin reports whether s is an origin as a browser serializes it.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false
	}
	return u.Scheme+"://"+u.Host == s
}

// relays is scapi.relays as the API server takes them.
func (s scapiConfig) relays() []api.Relay {
	out := make([]api.Relay, len(s.Relays))
	for i, r := range s.Relays {
		out[i] = api.Relay{Origin: r.Origin, Application: r.Application}
	}
	return out
}
