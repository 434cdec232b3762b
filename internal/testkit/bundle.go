package testkit

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
)

// BundleKeys is an RSA key pair for signing bundles in a test, PEM-encoded.
type BundleKeys struct {
	Private, Public string
}

// NewBundleKeys makes a key pair.
func NewBundleKeys(tb testing.TB) BundleKeys {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		tb.Fatal(err)
	}
	return BundleKeys{
		Private: string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		Public:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})),
	}
}

// Bundle writes an OPA bundle (.tar.gz) with the given revision, roots,
// modules (path -> Rego) and data; signed with keys.Private when keys is
// not nil.
func Bundle(tb testing.TB, revision string, roots []string, modules map[string]string, data map[string]any, keys *BundleKeys) []byte {
	tb.Helper()
	b := bundle.Bundle{Manifest: bundle.Manifest{Revision: revision, Roots: &roots}, Data: data}
	if b.Data == nil {
		b.Data = map[string]any{}
	}
	for path, src := range modules {
		parsed, err := ast.ParseModuleWithOpts(path, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			tb.Fatal(err)
		}
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: path, Path: path, Raw: []byte(src), Parsed: parsed})
	}
	if keys != nil {
		if err := b.GenerateSignature(bundle.NewSigningConfig(keys.Private, "RS256", ""), "policies.bundles", false); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := bundle.NewWriter(&buf).Write(b); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
