// Package auth resolves who calls the guard's /v1 and SCAPI doors (DESIGN.md
// §9): API keys sent in X-API-Key, each naming its application, stored in
// the config only as SHA-256 hashes.
package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
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
func (a *APIKeys) Authenticate(r *http.Request) (application string, presented bool, err error) {
	values := r.Header.Values(HeaderAPIKey)
	switch {
	case len(values) == 0:
		return "", false, nil
	case len(values) > 1 || values[0] == "":
		return "", true, ErrUnknownKey
	}
	app, ok := a.apps[sha256.Sum256([]byte(values[0]))]
	if !ok {
		return "", true, ErrUnknownKey
	}
	return app, true, nil
}
