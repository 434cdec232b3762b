package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// issuer signs tokens with an RSA and a P-256 key whose public halves are
// its JWKS.
type issuer struct {
	t        *testing.T
	rsa, ec  jwk.Key // private, with their kid
	jwksJSON []byte
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	is := &issuer{t: t}
	set := jwk.NewSet()
	for kid, raw := range map[string]any{"rsa-1": rsaKey, "ec-1": ecKey} {
		priv, err := jwk.Import(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := priv.Set(jwk.KeyIDKey, kid); err != nil {
			t.Fatal(err)
		}
		pub, err := jwk.PublicKeyOf(priv)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.AddKey(pub); err != nil {
			t.Fatal(err)
		}
		if kid == "rsa-1" {
			is.rsa = priv
		} else {
			is.ec = priv
		}
	}
	if is.jwksJSON, err = json.Marshal(set); err != nil {
		t.Fatal(err)
	}
	return is
}

// token signs claims (iss, aud and exp defaulted to valid ones) with key
// and alg.
func (is *issuer) token(alg jwa.SignatureAlgorithm, key any, claims map[string]any) string {
	is.t.Helper()
	b := jwt.NewBuilder().Issuer("https://idp.example").Audience([]string{"wwe-guard"}).Expiration(time.Now().Add(5 * time.Minute))
	for k, v := range claims {
		b = b.Claim(k, v)
	}
	tok, err := b.Build()
	if err != nil {
		is.t.Fatal(err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(alg, key))
	if err != nil {
		is.t.Fatal(err)
	}
	return string(signed)
}

const jwtBlock = "auth:\n  jwt:\n    %s\n    issuer: https://idp.example\n    audience: wwe-guard\n    applicationClaim: app\n    agentIdClaim: sub\n"

// TestE2EJWT: with auth.jwt a bearer token signed RS256 or ES256 by a key of
// the JWKS, for the configured issuer and audience, names the caller's
// application and agent (in the policy input); every other token — expired,
// another issuer or audience, another key, HS256 made with a public key, no
// application claim, or beside an API key — is 401 and never reaches the
// service, after the valid one did.
func TestE2EJWT(t *testing.T) {
	t.Parallel()
	is := newIssuer(t)
	up := startUpstream(t)
	cfg := writeHTTPConfig(t, up.url, "", "")
	jwks := filepath.Join(filepath.Dir(cfg), "jwks.json")
	mustWrite(t, jwks, string(is.jwksJSON))
	mustWrite(t, cfg, readFile(t, cfg)+strings.Replace(jwtBlock, "%s", "jwksFile: jwks.json", 1))
	base := startGuard(t, "--config", cfg)
	write := base + "/v1/interactions/1/user-data"
	patches := func() int {
		return len(slices.DeleteFunc(up.requests(), func(r string) bool { return !strings.HasPrefix(r, "PATCH ") }))
	}
	bearer := func(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

	claims := map[string]any{"app": "crm", "sub": "agent-7"}
	id := send(t, http.MethodPatch, write, `{"Notes":"n"}`, bearer(is.token(jwa.RS256(), is.rsa, claims))...).expect(t, http.StatusOK, "").header.Get("X-Decision-Id")
	send(t, http.MethodPatch, write, `{"Notes":"m"}`, bearer(is.token(jwa.ES256(), is.ec, claims))...).expect(t, http.StatusOK, "")
	// The scheme's name is case-insensitive (RFC 9110 §11.1).
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Authorization", "bearer "+is.token(jwa.RS256(), is.rsa, claims)).expect(t, http.StatusOK, "")
	log := readLogUntil(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"), id)
	if !strings.Contains(log, `"agentId":"agent-7","application":"crm"`) {
		t.Errorf("the decision log lacks the token's application and agent:\n%s", log)
	}
	if patches() != 2 {
		t.Fatalf("the allowed writes did not reach the service: %v", up.requests())
	}

	stranger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	strangerKey, _ := jwk.Import(stranger)
	_ = strangerKey.Set(jwk.KeyIDKey, "rsa-1") // claims to be the issuer's key
	pub, _ := jwk.PublicKeyOf(is.rsa)
	var pubRSA rsa.PublicKey
	_ = jwk.Export(pub, &pubRSA)
	hmacKey, _ := jwk.Import(pubRSA.N.Bytes())
	_ = hmacKey.Set(jwk.KeyIDKey, "rsa-1")
	expired := jwt.NewBuilder().Issuer("https://idp.example").Audience([]string{"wwe-guard"}).Expiration(time.Now().Add(-time.Hour)).Claim("app", "crm")
	expiredTok, _ := expired.Build()
	expiredSigned, _ := jwt.Sign(expiredTok, jwt.WithKey(jwa.RS256(), is.rsa))
	for name, headers := range map[string][]string{
		"expired":                 {"Authorization", "Bearer " + string(expiredSigned)},
		"another issuer":          bearer(is.token(jwa.RS256(), is.rsa, map[string]any{"app": "crm", "iss": "https://evil.example"})),
		"another audience":        bearer(is.token(jwa.RS256(), is.rsa, map[string]any{"app": "crm", "aud": "someone-else"})),
		"another key":             bearer(is.token(jwa.RS256(), strangerKey, claims)),
		"HS256 with a public key": bearer(is.token(jwa.HS256(), hmacKey, claims)),
		"no application claim":    bearer(is.token(jwa.RS256(), is.rsa, map[string]any{"sub": "agent-7"})),
		"not a token":             {"Authorization", "Bearer abc.def.ghi"},
		"basic":                   {"Authorization", "Basic Y3JtOnNlY3JldA=="},
		"and an API key":          append(bearer(is.token(jwa.RS256(), is.rsa, claims)), "X-API-Key", "k"),
		"none":                    nil,
	} {
		r := send(t, http.MethodPatch, write, `{"Notes":"x"}`, headers...)
		if r.status != http.StatusUnauthorized || r.body["errorCode"] != "UNAUTHENTICATED" {
			t.Errorf("%s: %d %s, want 401 UNAUTHENTICATED", name, r.status, r.raw)
		}
	}
	if patches() != 2 {
		t.Errorf("a refused token's write reached the service: %v", up.requests())
	}
}

// TestE2EJWKSURL: with a JWKS URL the guard is NOT_READY — /ready and
// guarded calls 503 — until the JWKS is read, then tokens verify.
func TestE2EJWKSURL(t *testing.T) {
	t.Parallel()
	is := newIssuer(t)
	var up atomic.Bool
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write(is.jwksJSON)
	}))
	defer idp.Close()
	cfg := writeConfig(t, "", strings.Replace(jwtBlock, "%s", "jwksURL: "+idp.URL, 1))
	base := startGuard(t, "--config", cfg)
	tok := is.token(jwa.ES256(), is.ec, map[string]any{"app": "crm"})
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusServiceUnavailable, "NOT_READY")
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Authorization", "Bearer "+tok).expect(t, http.StatusServiceUnavailable, "NOT_READY")
	up.Store(true)
	deadline := time.Now().Add(10 * time.Second)
	for send(t, http.MethodGet, base+"/ready", "").status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/ready never turned 200 once the JWKS was served")
		}
		time.Sleep(100 * time.Millisecond)
	}
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Authorization", "Bearer "+tok).expect(t, http.StatusOK, "")
}
