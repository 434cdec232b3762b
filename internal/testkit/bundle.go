package testkit

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
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

// TamperBundle replaces from with to in the bundle's uncompressed tar
// stream (a data file, say), keeping its signature: what an attacker
// between the bundle server and the guard could do.
func TamperBundle(tb testing.TB, tarball []byte, from, to string) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(tarball))
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	changed := bytes.Replace(raw, []byte(from), []byte(to), 1)
	if bytes.Equal(changed, raw) {
		tb.Fatalf("no %q in the bundle to tamper with", from)
	}
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(changed); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}
