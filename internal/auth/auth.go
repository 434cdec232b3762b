// Package auth resolves who calls the guard's /v1 and SCAPI doors (DESIGN.md
// §9): API keys sent in X-API-Key, each naming its application, stored in
// the config only as SHA-256 hashes, and JWTs sent as bearer tokens,
// verified against a JWKS.
package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/policy"
)

// HeaderAPIKey carries an API key.
const HeaderAPIKey = "X-API-Key"

// ErrUnknownKey: the request presents a key no entry holds.
var ErrUnknownKey = errors.New("unknown API key")

// Key is one configured API key: the hex SHA-256 of the key and the
// application it names.
type Key struct {
	SHA256      string
	Application string
}

// APIKeys looks keys up by their hash.
type APIKeys struct {
	apps map[[sha256.Size]byte]string
}

// NewAPIKeys checks keys (a 64-digit hex hash, an application, no hash
// twice) and indexes them; every problem is reported.
func NewAPIKeys(keys []Key) (*APIKeys, error) {
	a := &APIKeys{apps: make(map[[sha256.Size]byte]string, len(keys))}
	var problems []string
	for i, k := range keys {
		var sum [sha256.Size]byte
		raw, err := hex.DecodeString(strings.ToLower(k.SHA256))
		switch {
		case err != nil || len(raw) != sha256.Size:
			problems = append(problems, fmt.Sprintf("apiKeys[%d].sha256: want the 64 hex digits of a SHA-256", i))
			continue
		case k.Application == "":
			problems = append(problems, fmt.Sprintf("apiKeys[%d].application: required", i))
			continue
		}
		copy(sum[:], raw)
		if _, dup := a.apps[sum]; dup {
			problems = append(problems, fmt.Sprintf("apiKeys[%d].sha256: the same key is listed twice", i))
			continue
		}
		a.apps[sum] = k.Application
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return a, nil
}

// Authenticate returns the application of the request's API key;
// presented is false when the request carries none.
func (a *APIKeys) Authenticate(r *http.Request) (caller policy.Caller, presented bool, err error) {
	values := r.Header.Values(HeaderAPIKey)
	switch {
	case len(values) == 0:
		return policy.Caller{}, false, nil
	case len(values) > 1 || values[0] == "":
		return policy.Caller{}, true, ErrUnknownKey
	}
	app, ok := a.apps[sha256.Sum256([]byte(values[0]))]
	if !ok {
		return policy.Caller{}, true, ErrUnknownKey
	}
	return policy.Caller{Application: app}, true, nil
}

// ErrTwoCredentials: a request presents an API key and a bearer token.
var ErrTwoCredentials = errors.New("an API key and a bearer token: present one")

// Callers checks whichever credential a request presents: an API key or a
// bearer token, never both. Either may be unconfigured (nil), and then that
// credential never verifies.
type Callers struct {
	Keys *APIKeys
	JWT  *JWT
}

// Authenticate implements the API server's Authenticator.
func (c *Callers) Authenticate(r *http.Request) (policy.Caller, bool, error) {
	_, hasKey := r.Header[http.CanonicalHeaderKey(HeaderAPIKey)]
	authz := r.Header.Values("Authorization")
	switch {
	case hasKey && len(authz) > 0:
		return policy.Caller{}, true, ErrTwoCredentials
	case hasKey:
		if c.Keys == nil {
			return policy.Caller{}, true, ErrUnknownKey
		}
		return c.Keys.Authenticate(r)
	case len(authz) == 0:
		return policy.Caller{}, false, nil
	}
	scheme, token, _ := strings.Cut(authz[0], " ")
	if len(authz) > 1 || !strings.EqualFold(scheme, "Bearer") || c.JWT == nil { // schemes are case-insensitive
		return policy.Caller{}, true, ErrBadToken
	}
	caller, err := c.JWT.Verify(strings.TrimSpace(token))
	return caller, true, err
}

// Ready reports whether the credentials can be checked: the JWKS read.
func (c *Callers) Ready() error {
	if c.JWT == nil {
		return nil
	}
	return c.JWT.Ready()
}
