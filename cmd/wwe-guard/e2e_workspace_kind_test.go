package main

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// writeWorkspaceConfig writes a config of kind workspace in front of url:
// extra at the top level, upstream lines (each "key: value") under
// upstream.
func writeWorkspaceConfig(t *testing.T, url, extra string, upstream ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "guard.yaml")
	more := ""
	for _, line := range upstream {
		more += "  " + line + "\n"
	}
	mustWrite(t, path, "upstream:\n  kind: workspace\n  url: "+url+"\n"+more+"decisionLog:\n  output: none\n"+extra)
	return path
}

// TestE2EWorkspaceKindV1DoorsNotImplemented: in front of GWS the /v1 and
// SCAPI doors answer 501 NOT_IMPLEMENTED (the SCAPI one with its
// referenceId), and nothing reaches GWS but the readiness probe of its
// version route, whose every HTTP answer counts as reachable.
func TestE2EWorkspaceKindV1DoorsNotImplemented(t *testing.T) {
	t.Parallel()
	var calls, probes atomic.Int32
	gws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/workspace/v3/version" {
			probes.Add(1)
			w.WriteHeader(http.StatusNotFound) // still an HTTP answer
			return
		}
		calls.Add(1)
	}))
	defer gws.Close()
	base := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, ""))

	send(t, http.MethodGet, base+"/v1/interactions", "").expect(t, http.StatusNotImplemented, "NOT_IMPLEMENTED")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"x"}`).expect(t, http.StatusNotImplemented, "NOT_IMPLEMENTED")
	send(t, http.MethodGet, base+"/v1/events", "").expect(t, http.StatusNotImplemented, "NOT_IMPLEMENTED")
	got := send(t, http.MethodPost, base+"/v1/scapi", envelope(`"referenceId":"r-7"`)).expect(t, http.StatusNotImplemented, "NOT_IMPLEMENTED")
	if got.body["referenceId"] != "r-7" {
		t.Errorf("SCAPI reply referenceId = %v, want r-7", got.body["referenceId"])
	}
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusOK, "")
	if probes.Load() == 0 || calls.Load() != 0 {
		t.Errorf("GWS saw %d probes and %d other calls, want probes only", probes.Load(), calls.Load())
	}
	gws.Close()
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusServiceUnavailable, "NOT_READY")
}

func TestLoadConfigWorkspaceProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	mustWrite(t, ca, "not a certificate")
	for name, tc := range map[string]struct{ yaml, want string }{
		"no url":            {"upstream: {kind: workspace}\n", "upstream.url: required when kind is workspace"},
		"seed":              {"upstream: {kind: workspace, url: 'http://gws', seed: s.yaml}\n", "upstream.seed: only for kind embedded"},
		"tls for embedded":  {"upstream: {kind: embedded, tls: {caFile: " + ca + "}}\n", "upstream.tls: only for kind http or workspace"},
		"bad ca":            {"upstream: {kind: workspace, url: 'https://gws', tls: {caFile: " + ca + "}}\n", "upstream.tls: caFile " + ca + ": no PEM certificate in it"},
		"cert without key":  {"upstream: {kind: workspace, url: 'https://gws', tls: {certFile: " + ca + "}}\n", "upstream.tls: certFile and keyFile go together"},
		"options":           {"workspace: {serviceClientOptions: sometimes}\n", "workspace.serviceClientOptions: must be one of apply, ignore"},
		"sessions":          {"workspace: {maxSessions: 0, sessionIdle: 0s}\n", "workspace.maxSessions: must be greater than 0"},
		"public url":        {"workspace: {publicURL: 'not a url'}\n", `workspace.publicURL: "not a url" is not a URL`},
		"url for embedded":  {"upstream: {kind: embedded, url: 'http://x'}\n", "upstream.url: only for kind http or workspace"},
		"response too tiny": {"workspace: {maxResponseBytes: -1}\n", "workspace.maxResponseBytes: must be greater than 0"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".yaml")
		mustWrite(t, path, tc.yaml)
		if _, err := loadConfig(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to report %q", name, err, tc.want)
		}
	}
}

// TestE2EWorkspaceUpstreamTLS: the guard reaches a GWS that serves TLS with
// a certificate of its own CA and demands a client certificate, with
// upstream.tls; without the client certificate GWS refuses the guard and
// /ready says so.
func TestE2EWorkspaceUpstreamTLS(t *testing.T) {
	t.Parallel()
	ca := testkit.NewCA(t)
	serverCert, _, _ := ca.Issue("gws", false)
	_, certFile, keyFile := ca.Issue("guard", true)
	gws := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"name":"gws","client":"` + r.TLS.PeerCertificates[0].Subject.CommonName + `"}`))
	}))
	gws.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool}
	gws.StartTLS()
	defer gws.Close()

	mutual := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, "",
		"tls: {caFile: "+ca.File+", certFile: "+certFile+", keyFile: "+keyFile+"}"))
	send(t, http.MethodGet, mutual+"/ready", "").expect(t, http.StatusOK, "")
	if r := send(t, http.MethodGet, mutual+"/workspace/v3/info", ""); r.status != http.StatusOK || r.body["client"] != "guard" {
		t.Errorf("through mutual TLS: %d %s", r.status, r.raw)
	}
	caOnly := startGuard(t, "--config", writeWorkspaceConfig(t, gws.URL, "", "tls: {caFile: "+ca.File+"}"))
	send(t, http.MethodGet, caOnly+"/ready", "").expect(t, http.StatusServiceUnavailable, "NOT_READY")
	expectV3(t, "without the client certificate", send(t, http.MethodGet, caOnly+"/workspace/v3/info", ""), http.StatusBadGateway, "SERVICE_UNAVAILABLE")
}
