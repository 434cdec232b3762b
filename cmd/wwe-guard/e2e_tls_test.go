package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// secretDir is a directory laid out as Kubernetes mounts a Secret: tls.crt
// and tls.key are links through ..data, a link to the current version's
// directory, which an update replaces in one rename.
type secretDir struct {
	t   *testing.T
	dir string
	n   int
}

func newSecretDir(t *testing.T) *secretDir {
	s := &secretDir{t: t, dir: t.TempDir()}
	for _, name := range []string{"tls.crt", "tls.key"} {
		if err := os.Symlink(filepath.Join("..data", name), filepath.Join(s.dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// publish makes cert and key (file contents) the Secret's current version.
func (s *secretDir) publish(cert, key []byte) {
	s.t.Helper()
	s.n++
	version := filepath.Join(s.dir, "..v"+string(rune('0'+s.n)))
	mustWrite(s.t, filepath.Join(version, "tls.crt"), string(cert))
	mustWrite(s.t, filepath.Join(version, "tls.key"), string(key))
	tmp := filepath.Join(s.dir, "..data_tmp")
	if err := os.Symlink(filepath.Base(version), tmp); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, "..data")); err != nil {
		s.t.Fatal(err)
	}
}

// issue publishes a new server certificate named name.
func (s *secretDir) issue(ca *testkit.CA, name string) {
	s.t.Helper()
	_, certFile, keyFile := ca.Issue(name, false)
	s.publish(readBytes(s.t, certFile), readBytes(s.t, keyFile))
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// served is the common name of the certificate the guard at base presents
// to a client trusting ca with certs, and the status of GET path.
func served(t *testing.T, ca *testkit.CA, base, path string, certs ...tls.Certificate) (string, int, error) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool, Certificates: certs}, DisableKeepAlives: true,
	}}
	resp, err := client.Get(base + path)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.TLS.PeerCertificates[0].Subject.CommonName, resp.StatusCode, nil
}

// TestE2EListenerTLS: the guard serves HTTPS with the configured
// certificate, picks up a renewed one when its Secret is swapped (and keeps
// the last good one when the swap holds garbage), refuses plain HTTP, and
// with clientCAFile admits only clients whose certificate the CA issued.
func TestE2EListenerTLS(t *testing.T) {
	t.Parallel()
	ca := testkit.NewCA(t)
	secret := newSecretDir(t)
	secret.issue(ca, "guard-one")
	tlsBlock := "tls:\n  certFile: " + filepath.Join(secret.dir, "tls.crt") + "\n  keyFile: " + filepath.Join(secret.dir, "tls.key") + "\n"
	plain, stderr := startGuardOutput(t, "--config", writeConfig(t, "", tlsBlock))
	base := strings.Replace(plain, "http://", "https://", 1)

	if name, status, err := served(t, ca, base, "/v1/interactions/1"); err != nil || name != "guard-one" || status != http.StatusOK {
		t.Fatalf("over TLS: %q %d %v", name, status, err)
	}
	if status, err := httpGet(plain + "/health"); err == nil && status == http.StatusOK {
		t.Error("plain HTTP answered 200 on the TLS listener")
	}

	secret.issue(ca, "guard-two")
	waitServed(t, ca, base, "guard-two")
	secret.publish([]byte("not a certificate"), []byte("not a key"))
	time.Sleep(1100 * time.Millisecond) // past the once-a-second look at the files
	if name, _, err := served(t, ca, base, "/health"); err != nil || name != "guard-two" {
		t.Errorf("after a bad swap: %q %v, want the last good certificate", name, err)
	}
	waitFor(t, stderr, "does not load; keeping the last good one")
	secret.issue(ca, "guard-three")
	waitServed(t, ca, base, "guard-three")

	t.Run("mutual", func(t *testing.T) {
		t.Parallel()
		clientCert, _, _ := ca.Issue("crm", true)
		other := testkit.NewCA(t)
		strangerCert, _, _ := other.Issue("stranger", true)
		mtls := tlsBlock + "  clientCAFile: " + ca.File + "\n"
		base := strings.Replace(startGuard(t, "--config", writeConfig(t, "", mtls)), "http://", "https://", 1)
		if _, status, err := served(t, ca, base, "/v1/interactions/1", clientCert); err != nil || status != http.StatusOK {
			t.Fatalf("with a client certificate: %d %v", status, err)
		}
		for name, certs := range map[string][]tls.Certificate{"none": nil, "another CA's": {strangerCert}} {
			if _, status, err := served(t, ca, base, "/v1/interactions/1", certs...); err == nil {
				t.Errorf("client certificate %s: answered %d, want the handshake refused", name, status)
			}
		}
	})
	expectRefusedConfig(t, writeConfig(t, "", "tls:\n  certFile: "+filepath.Join(secret.dir, "tls.crt")+"\n"), "tls: certFile and keyFile are both required")
}

func httpGet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// waitServed waits until the guard presents the certificate named want.
func waitServed(t *testing.T, ca *testkit.CA, base, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		name, _, err := served(t, ca, base, "/health")
		if err == nil && name == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guard presents %q (%v), want %q", name, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestE2EUpstreamTLSHTTP: upstream.tls works for kind http too: the guard
// reaches a service that demands its client certificate, and without the
// certificate the same call is 502 (the handshake fails).
func TestE2EUpstreamTLSHTTP(t *testing.T) {
	t.Parallel()
	ca := testkit.NewCA(t)
	serverCert, _, _ := ca.Issue("service", false)
	_, certFile, keyFile := ca.Issue("guard", true)
	seed, err := service.LoadSeed(writeTemp(t, "seed.json", e2eSeed))
	if err != nil {
		t.Fatal(err)
	}
	svc := httptest.NewUnstartedServer(api.New(api.Config{Service: service.NewMemory(seed), Decider: sim.AllowAll{}}))
	svc.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool}
	svc.StartTLS()
	defer svc.Close()

	mutual := startGuard(t, "--config", tlsUpstreamConfig(t, svc.URL, "{caFile: "+ca.File+", certFile: "+certFile+", keyFile: "+keyFile+"}"))
	send(t, http.MethodGet, mutual+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	caOnly := startGuard(t, "--config", tlsUpstreamConfig(t, svc.URL, "{caFile: "+ca.File+"}"))
	send(t, http.MethodGet, caOnly+"/v1/interactions/1", "").expect(t, http.StatusBadGateway, "SERVICE_UNAVAILABLE")
}

// tlsUpstreamConfig is writeHTTPConfig with upstream.tls set to block.
func tlsUpstreamConfig(t *testing.T, url, block string) string {
	t.Helper()
	cfg := writeHTTPConfig(t, url, "", "")
	body := strings.Replace(readFile(t, cfg), "  url: "+url, "  url: "+url+"\n  tls: "+block, 1)
	mustWrite(t, cfg, body)
	return cfg
}
