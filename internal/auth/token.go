package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/policy"
)

// ErrBadSessionToken: a session token that does not verify or has expired.
var ErrBadSessionToken = errors.New("the session token is not valid")

// Tokens issues short-lived session tokens for callers that already
// authenticated, for the browser APIs that cannot send headers
// (EventSource, WebSocket): the caller's application and agent and an
// expiry, signed with HMAC-SHA256 under a key drawn when the process
// starts, so a token is good only for the guard that issued it.
type Tokens struct {
	key [32]byte
	ttl time.Duration
	now func() time.Time
}

// NewTokens draws the signing key; tokens live for ttl.
func NewTokens(ttl time.Duration) *Tokens {
	t := &Tokens{ttl: ttl, now: time.Now}
	_, _ = rand.Read(t.key[:]) // crypto/rand.Read never fails
	return t
}

type claims struct {
	Application string `json:"a"`
	AgentID     string `json:"g,omitempty"`
	Expires     int64  `json:"e"` // unix seconds
}

var b64 = base64.RawURLEncoding

// Issue returns a token for caller and when it expires.
func (t *Tokens) Issue(caller policy.Caller) (string, time.Time) {
	exp := t.now().Add(t.ttl).Truncate(time.Second)
	payload, _ := json.Marshal(claims{Application: caller.Application, AgentID: caller.AgentID, Expires: exp.Unix()})
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(t.sign(payload)), exp
}

// Verify returns the caller a token names, if it is this guard's and has
// not expired.
func (t *Tokens) Verify(token string) (policy.Caller, error) {
	enc, sig, ok := strings.Cut(token, ".")
	if !ok {
		return policy.Caller{}, ErrBadSessionToken
	}
	payload, err1 := b64.DecodeString(enc)
	mac, err2 := b64.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, t.sign(payload)) {
		return policy.Caller{}, ErrBadSessionToken
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil || c.Application == "" || t.now().Unix() >= c.Expires {
		return policy.Caller{}, ErrBadSessionToken
	}
	return policy.Caller{Application: c.Application, AgentID: c.AgentID}, nil
}

func (t *Tokens) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, t.key[:])
	m.Write(payload)
	return m.Sum(nil)
}
