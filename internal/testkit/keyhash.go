package testkit

import (
	"crypto/sha256"
	"encoding/hex"
)

// KeyHash is what a config stores of an API key (auth.apiKeys[].sha256):
// the 64 lower-case hex digits of the key's SHA-256.
func KeyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
