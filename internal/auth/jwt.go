package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/wwe-guard/wwe-guard/internal/policy"
)

// JWTConfig says how bearer tokens are verified.
type JWTConfig struct {
	JWKSFile, JWKSURL string        // where the verification keys are (one of them)
	Issuer, Audience  string        // what iss and aud must say
	ApplicationClaim  string        // the claim naming the caller's application
	AgentIDClaim      string        // the claim naming the agent; "" for none
	Refresh           time.Duration // how often a JWKS URL is read again
	Client            *http.Client  // for the JWKS URL
}

// ErrNotReady: the verification keys have not been read yet.
var ErrNotReady = errors.New("the JWKS has not been read yet")

// ErrBadToken: the bearer token does not verify or lacks a claim.
var ErrBadToken = errors.New("the bearer token is not valid")

// JWT verifies bearer tokens signed with RS256 or ES256 by a key of the
// JWKS, issued by Issuer for Audience, and names their application.
type JWT struct {
	cfg  JWTConfig
	keys atomic.Pointer[jwk.Set] // nil until the JWKS was read once
	log  *slog.Logger
}

// NewJWT reads a JWKS file at once; a JWKS URL is read in the background
// from ctx, again every Refresh, keeping the last good set (until the
// first read, Ready reports ErrNotReady).
func NewJWT(ctx context.Context, cfg JWTConfig, log *slog.Logger) (*JWT, error) {
	if (cfg.JWKSFile == "") == (cfg.JWKSURL == "") {
		return nil, errors.New("jwt: one of jwksFile and jwksURL is required")
	}
	if cfg.Issuer == "" || cfg.Audience == "" || cfg.ApplicationClaim == "" {
		return nil, errors.New("jwt: issuer, audience and applicationClaim are required")
	}
	j := &JWT{cfg: cfg, log: log}
	if cfg.JWKSFile != "" {
		b, err := os.ReadFile(cfg.JWKSFile)
		if err != nil {
			return nil, fmt.Errorf("jwt: %w", err)
		}
		if err := j.use(b); err != nil {
			return nil, fmt.Errorf("jwt: %s: %w", cfg.JWKSFile, err)
		}
		return j, nil
	}
	if j.cfg.Client == nil {
		j.cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if j.cfg.Refresh <= 0 {
		j.cfg.Refresh = 5 * time.Minute
	}
	go j.poll(ctx)
	return j, nil
}

// use makes the JWKS in b the verification keys: each RSA key verifies
// RS256 and each P-256 key ES256, whatever the set says; other keys are
// left out.
func (j *JWT) use(b []byte) error {
	set, err := jwk.Parse(b)
	if err != nil {
		return err
	}
	out := jwk.NewSet()
	for i := range set.Len() {
		key, _ := set.Key(i)
		var raw any
		if err := jwk.Export(key, &raw); err != nil {
			continue
		}
		var alg jwa.SignatureAlgorithm
		switch k := raw.(type) {
		case *rsa.PublicKey:
			alg = jwa.RS256()
		case *ecdsa.PublicKey:
			if k.Curve != elliptic.P256() {
				continue
			}
			alg = jwa.ES256()
		default:
			continue
		}
		if err := key.Set(jwk.AlgorithmKey, alg); err != nil {
			return err
		}
		if err := out.AddKey(key); err != nil {
			return err
		}
	}
	if out.Len() == 0 {
		return errors.New("no RSA or P-256 public key in the JWKS")
	}
	j.keys.Store(&out)
	return nil
}

// poll reads the JWKS URL now and every Refresh; sooner while it has never
// been read.
func (j *JWT) poll(ctx context.Context) {
	for {
		wait := j.cfg.Refresh
		if err := j.fetch(ctx); err != nil {
			j.log.Error("jwt: reading the JWKS failed; keeping the last good keys", "url", j.cfg.JWKSURL, "err", err)
			if j.keys.Load() == nil {
				wait = time.Second
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (j *JWT) fetch(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.cfg.JWKSURL, nil)
	if err != nil {
		return err
	}
	resp, err := j.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	return j.use(b)
}

// Ready reports whether the keys have been read.
func (j *JWT) Ready() error {
	if j.keys.Load() == nil {
		return ErrNotReady
	}
	return nil
}

// Verify checks a bearer token and returns the identity it names.
func (j *JWT) Verify(token string) (policy.Caller, error) {
	set := j.keys.Load()
	if set == nil {
		return policy.Caller{}, ErrNotReady
	}
	t, err := jwt.Parse([]byte(token), jwt.WithKeySet(*set), jwt.WithValidate(true),
		jwt.WithIssuer(j.cfg.Issuer), jwt.WithAudience(j.cfg.Audience), jwt.WithAcceptableSkew(30*time.Second))
	if err != nil {
		return policy.Caller{}, fmt.Errorf("%w: %v", ErrBadToken, err)
	}
	var id policy.Caller
	if err := t.Get(j.cfg.ApplicationClaim, &id.Application); err != nil || strings.TrimSpace(id.Application) == "" {
		return policy.Caller{}, fmt.Errorf("%w: no %s claim", ErrBadToken, j.cfg.ApplicationClaim)
	}
	if j.cfg.AgentIDClaim != "" {
		_ = t.Get(j.cfg.AgentIDClaim, &id.AgentID)
	}
	return id, nil
}
