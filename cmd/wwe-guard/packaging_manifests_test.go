package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// sidecar is the Deployment of deploy/kubernetes with the guard's container
// and its mounted config: what the manifest tests check against the program.
type sidecar struct {
	objs    []k8sObject
	labels  map[string]string // the pod template's
	pod     podSpec
	guard   container
	service container // the other container: the service behind the guard
	mounted mountedVolume
	config  string // the guard's --config, on the test's file system
	cfg     config // as loadConfig reads it, defaults applied
}

// guardContainer is the name of the guard's container in the Deployment.
const guardContainer = "wwe-guard"

// loadSidecar reads the manifests, finds the one Deployment and its guard
// container, writes out the guard's volumes and loads its config.
func loadSidecar(t *testing.T) sidecar {
	t.Helper()
	s := sidecar{objs: loadManifests(t)}
	deps := find(s.objs, "Deployment")
	if len(deps) != 1 {
		t.Fatalf("%d Deployments in %s, want 1", len(deps), manifestDir)
	}
	var spec deploymentSpec
	decodeSpec(t, deps[0], &spec)
	s.labels, s.pod = spec.Template.Metadata.Labels, spec.Template.Spec
	if !selects(spec.Selector.MatchLabels, s.labels) {
		t.Fatalf("the Deployment's selector %v does not select its pods %v", spec.Selector.MatchLabels, s.labels)
	}
	for _, c := range s.pod.Containers {
		if c.Name == guardContainer {
			s.guard = c
		} else {
			s.service = c
		}
	}
	if s.guard.Name == "" || s.service.Name == "" || len(s.pod.Containers) != 2 {
		t.Fatalf("the pod's containers are not %s and one service", guardContainer)
	}
	s.mounted = mount(t, s.objs, s.pod, s.guard)
	s.config = s.mounted.path(t, configArg(t, s.guard.Args))
	var err error
	if s.cfg, err = loadConfig(s.config); err != nil {
		t.Fatalf("the mounted guard.yaml: %v", err)
	}
	return s
}

// selects reports whether a selector's labels all match labels.
func selects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return len(selector) > 0
}

// configArg returns the value of --config in args.
func configArg(t *testing.T, args []string) string {
	t.Helper()
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "config" {
			if hasValue {
				return value
			}
			if i+1 < len(args) {
				return args[i+1]
			}
		}
	}
	t.Fatalf("the guard's args %q name no --config", args)
	return ""
}

// hostArgs is the guard's args with --config's path mapped to the test's
// file system.
func (s sidecar) hostArgs(t *testing.T, config string) []string {
	t.Helper()
	want := configArg(t, s.guard.Args)
	var out []string
	for _, a := range s.guard.Args {
		switch a {
		case want:
			a = config
		case "--config=" + want, "-config=" + want:
			a = "--config=" + config
		}
		out = append(out, a)
	}
	return out
}

// listenPort is the port of the mounted guard.yaml's listen.
func (s sidecar) listenPort(t *testing.T) int {
	t.Helper()
	host, port, err := net.SplitHostPort(s.cfg.Listen)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" && host != "0.0.0.0" && host != "::" {
		t.Errorf("guard.yaml listens on %s: the kubelet's probes and the Service reach the pod's address, not %s", s.cfg.Listen, host)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("guard.yaml's listen port %q is not a number", port)
	}
	return n
}

// resolvePort is the number a port reference (a number or a port's name)
// names in c, or 0.
func resolvePort(c container, ref string) int {
	if n, err := strconv.Atoi(ref); err == nil {
		for _, p := range c.Ports {
			if p.ContainerPort == n {
				return n
			}
		}
		return 0
	}
	for _, p := range c.Ports {
		if p.Name == ref {
			return p.ContainerPort
		}
	}
	return 0
}

// TestManifestFlags: the guard's container args are flags serve takes, as
// `wwe-guard serve --help` lists them, and the image's ENTRYPOINT runs.
func TestManifestFlags(t *testing.T) {
	t.Parallel()
	s := loadSidecar(t)
	var help bytes.Buffer
	if err := run(context.Background(), []string{"serve", "--help"}, &help, io.Discard); err != nil {
		t.Fatal(err)
	}
	takesValue := map[string]bool{} // flag name -> whether it takes a value
	for _, m := range regexp.MustCompile(`(?m)^  -(\S+)( \S+)?$`).FindAllStringSubmatch(help.String(), -1) {
		takesValue[m[1]] = m[2] != ""
	}
	if !takesValue["config"] {
		t.Fatalf("serve --help lists no --config:\n%s", help.String())
	}
	if len(s.guard.Command) > 0 {
		t.Errorf("the guard's command %q replaces the image's ENTRYPOINT", s.guard.Command)
	}
	args := s.guard.Args
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		value, known := takesValue[name]
		switch {
		case !strings.HasPrefix(args[i], "-"):
			t.Errorf("arg %q: serve takes no arguments, only flags", args[i])
		case !known:
			t.Errorf("arg %q: serve has no such flag (serve --help: %v)", args[i], slices.Sorted(maps.Keys(takesValue)))
		case value && !hasValue:
			i++ // its value
		}
	}
}

// TestManifestConfigChecks: `wwe-guard check` passes on the config as the
// pod mounts it (guard.yaml, policy.d from the policies ConfigMap), and on
// it with its commented tls block turned on and a certificate in the
// Secret's place.
func TestManifestConfigChecks(t *testing.T) {
	t.Parallel()
	s := loadSidecar(t)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"check", "--config", s.config}, &out, &errOut); err != nil {
		t.Fatalf("check: %v\n%s", err, errOut.String())
	}
	if s.cfg.TLS.enabled() {
		t.Fatal("guard.yaml enables tls: the probes would need scheme HTTPS and a real certificate")
	}
	for _, p := range []*probe{s.guard.LivenessProbe, s.guard.ReadinessProbe} {
		if p != nil && p.HTTPGet != nil && p.HTTPGet.Scheme != "" && p.HTTPGet.Scheme != "HTTP" {
			t.Errorf("probe %s: scheme %s on a plain HTTP listener", p.HTTPGet.Path, p.HTTPGet.Scheme)
		}
	}

	t.Run("tls", func(t *testing.T) {
		t.Parallel()
		s := loadSidecar(t)
		mustWrite(t, s.config, uncommentTLS(t, readFile(t, s.config)))
		cfg, err := loadConfig(s.config)
		if err == nil {
			t.Fatal("the tls block names files the empty placeholder Secret cannot load, and loaded")
		}
		// The real Secret: a certificate where the placeholder's keys are projected.
		_, certFile, keyFile := testkit.NewCA(t).Issue("wwe-service", false)
		secret := find(s.objs, "Secret")
		if len(secret) != 1 {
			t.Fatalf("%d Secrets, want the TLS one", len(secret))
		}
		name := "Secret/" + secret[0].Metadata.Name + "/"
		crt, key := s.mounted.files[name+"tls.crt"], s.mounted.files[name+"tls.key"]
		if crt == "" || key == "" {
			t.Fatalf("the Secret's tls.crt and tls.key are not mounted in the guard's container: %v", slices.Sorted(maps.Keys(s.mounted.files)))
		}
		mustWrite(t, crt, readFile(t, certFile))
		mustWrite(t, key, readFile(t, keyFile))
		if cfg, err = loadConfig(s.config); err != nil {
			t.Fatal(err)
		}
		if cfg.TLS.CertFile != crt || cfg.TLS.KeyFile != key {
			t.Errorf("tls names %s and %s, the Secret is mounted at %s and %s", cfg.TLS.CertFile, cfg.TLS.KeyFile, crt, key)
		}
		if err := run(context.Background(), []string{"check", "--config", s.config}, io.Discard, io.Discard); err != nil {
			t.Errorf("check with tls: %v", err)
		}
	})
}

// uncommentTLS turns guard.yaml's commented "# tls:" block on.
func uncommentTLS(t *testing.T, src string) string {
	t.Helper()
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if l != "# tls:" {
			continue
		}
		lines[i] = "tls:"
		for j := i + 1; j < len(lines) && strings.HasPrefix(lines[j], "#   "); j++ {
			lines[j] = lines[j][2:]
		}
		return strings.Join(lines, "\n")
	}
	t.Fatalf("guard.yaml has no commented tls block (a line \"# tls:\"):\n%s", src)
	return ""
}

// TestManifestProbes starts the guard with the container's args and the
// mounted guard.yaml, its upstream pointed at a service in the test, and
// asks the probes' paths: 200 both. The site's policies from the policies
// ConfigMap decide too.
func TestManifestProbes(t *testing.T) {
	t.Parallel()
	s := loadSidecar(t)
	if p := s.guard.LivenessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/health" {
		t.Fatal("the guard's livenessProbe is not httpGet /health")
	}
	if p := s.guard.ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/ready" {
		t.Fatal("the guard's readinessProbe is not httpGet /ready")
	}
	up := startUpstream(t)
	mustWrite(t, s.config, setUpstreamURL(t, readFile(t, s.config), up.url))
	base := startGuard(t, s.hostArgs(t, s.config)...)
	client := &http.Client{Timeout: 5 * time.Second}
	for _, p := range []*probe{s.guard.LivenessProbe, s.guard.ReadinessProbe} {
		if r := sendWith(t, client, http.MethodGet, base+p.HTTPGet.Path, ""); r.status != http.StatusOK {
			t.Errorf("GET %s = %d, want 200: %s", p.HTTPGet.Path, r.status, r.raw)
		}
	}
	origin := strings.Fields(fmt.Sprint(s.cfg.Options["service-client-api.accepted-web-content-origins"]))
	if len(origin) == 0 {
		t.Fatal("guard.yaml admits no origin")
	}
	r := sendWith(t, client, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"078-05-1120"}`, "Origin", origin[0])
	r.expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if !strings.Contains(r.raw, `"code":"NO_SSN"`) {
		t.Errorf("the refusal has no reason from site_rules.rego (NO_SSN): %s", r.raw)
	}
}

// setUpstreamURL sets upstream.url in a config's YAML.
func setUpstreamURL(t *testing.T, src, url string) string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	value := func(n *yaml.Node, key string) *yaml.Node {
		for i := 0; n != nil && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
		t.Fatalf("guard.yaml has no %s", key)
		return nil
	}
	value(value(doc.Content[0], "upstream"), "url").Value = url
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestManifestPorts: the probes, the container port, the Service, the
// NetworkPolicy and the Dockerfile's EXPOSE all name guard.yaml's listen
// port, and nothing routes to the service container around the guard.
func TestManifestPorts(t *testing.T) {
	t.Parallel()
	s := loadSidecar(t)
	port := s.listenPort(t)
	if len(s.guard.Ports) != 1 || s.guard.Ports[0].ContainerPort != port {
		t.Errorf("the guard's ports %+v, want containerPort %d alone", s.guard.Ports, port)
	}
	for _, p := range []*probe{s.guard.LivenessProbe, s.guard.ReadinessProbe} {
		if p != nil && p.HTTPGet != nil && resolvePort(s.guard, p.HTTPGet.Port) != port {
			t.Errorf("probe %s on port %q, want %d", p.HTTPGet.Path, p.HTTPGet.Port, port)
		}
	}
	services := find(s.objs, "Service")
	if len(services) == 0 {
		t.Fatal("no Service")
	}
	for _, obj := range services {
		var spec serviceSpec
		decodeSpec(t, obj, &spec)
		if !selects(spec.Selector, s.labels) {
			t.Errorf("Service %s selects %v, not the pods %v", obj.Metadata.Name, spec.Selector, s.labels)
		}
		for _, p := range spec.Ports {
			target := p.TargetPort
			if target == "" {
				target = strconv.Itoa(p.Port)
			}
			if resolvePort(s.guard, target) != port {
				t.Errorf("Service %s port %d targets %q, not the guard's port %d", obj.Metadata.Name, p.Port, target, port)
			}
		}
	}
	for _, obj := range find(s.objs, "NetworkPolicy") {
		var spec networkPolicySpec
		decodeSpec(t, obj, &spec)
		if !selects(spec.PodSelector.MatchLabels, s.labels) {
			t.Errorf("NetworkPolicy %s selects %v, not the pods %v", obj.Metadata.Name, spec.PodSelector.MatchLabels, s.labels)
		}
		for _, in := range spec.Ingress {
			if len(in.Ports) == 0 {
				t.Errorf("NetworkPolicy %s admits every port", obj.Metadata.Name)
			}
			for _, p := range in.Ports {
				if resolvePort(s.guard, p.Port) != port {
					t.Errorf("NetworkPolicy %s admits port %q, not the guard's %d", obj.Metadata.Name, p.Port, port)
				}
			}
		}
	}
	img := loadDockerfile(t)
	if !slices.Contains(img.expose, strconv.Itoa(port)) && !slices.Contains(img.expose, strconv.Itoa(port)+"/tcp") {
		t.Errorf("the Dockerfile exposes %v, guard.yaml listens on %d", img.expose, port)
	}
}

// TestManifestStop: the preStop runs the image's binary's sleep, which run
// accepts, and the pod's grace period covers the preStop, shutdown.wait and
// shutdown.grace (as loadConfig reads them, defaults applied) and 5s more;
// the service stays up through the guard's drain.
func TestManifestStop(t *testing.T) {
	t.Parallel()
	s := loadSidecar(t)
	img := loadDockerfile(t)
	pre := s.guard.Lifecycle.PreStop
	if pre == nil || pre.Exec == nil || len(pre.Exec.Command) != 3 || pre.Exec.Command[0] != img.binary || pre.Exec.Command[1] != "sleep" {
		t.Fatalf("the guard's preStop is not exec [%q, \"sleep\", DURATION]", img.binary)
	}
	d, err := time.ParseDuration(pre.Exec.Command[2])
	if err != nil {
		t.Fatalf("preStop sleep %q: %v", pre.Exec.Command[2], err)
	}
	if err := run(context.Background(), []string{"sleep", "0s"}, io.Discard, io.Discard); err != nil {
		t.Errorf("sleep 0s: %v", err)
	}
	// The hook's own duration, through run's parsing; the context ends it at once.
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(done, pre.Exec.Command[1:], io.Discard, io.Discard); err != nil {
		t.Errorf("%s: %v", strings.Join(pre.Exec.Command, " "), err)
	}

	drain := d + s.cfg.Shutdown.Wait + s.cfg.Shutdown.Grace
	need := drain + 5*time.Second
	grace := 30 // Kubernetes' default
	if p := s.pod.TerminationGracePeriodSeconds; p != nil {
		grace = *p
	}
	if time.Duration(grace)*time.Second < need {
		t.Errorf("terminationGracePeriodSeconds %d, want at least %v: preStop %v + shutdown.wait %v + shutdown.grace %v + 5s",
			grace, need.Seconds(), d, s.cfg.Shutdown.Wait, s.cfg.Shutdown.Grace)
	}
	svc := s.service.Lifecycle.PreStop
	switch {
	case svc == nil || svc.Sleep == nil:
		t.Errorf("the service container has no preStop sleep: it would stop while the guard drains (%v)", drain)
	case time.Duration(svc.Sleep.Seconds)*time.Second < drain:
		t.Errorf("the service container's preStop sleeps %ds, less than the guard's drain (%v): forwarded requests would not find it", svc.Sleep.Seconds, drain)
	case grace-svc.Sleep.Seconds < 5:
		t.Errorf("terminationGracePeriodSeconds %d leaves the service under 5s after its preStop of %ds", grace, svc.Sleep.Seconds)
	}
}

// TestManifestSecurity: the guard runs as the image's user, non-root, on a
// read-only root file system, without privilege escalation or capabilities,
// its mounts read-only; the manifests hold no secret material.
func TestManifestSecurity(t *testing.T) {
	t.Parallel()
	s := loadSidecar(t)
	img := loadDockerfile(t)
	uid, _, _ := strings.Cut(img.user, ":")
	sc := s.guard.SecurityContext
	if sc == nil {
		t.Fatal("the guard container has no securityContext")
	}
	pod := s.pod.SecurityContext
	isTrue := func(c, p *bool) bool { return (c != nil && *c) || (c == nil && p != nil && *p) }
	if !isTrue(sc.RunAsNonRoot, pod.RunAsNonRoot) {
		t.Error("runAsNonRoot is not true")
	}
	user := sc.RunAsUser
	if user == nil {
		user = pod.RunAsUser
	}
	if user == nil || strconv.FormatInt(*user, 10) != uid {
		t.Errorf("runAsUser %v, want the Dockerfile's USER %s", user, uid)
	}
	if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
		t.Errorf("capabilities drop %v add %v, want drop [ALL] and nothing added", sc.Capabilities.Drop, sc.Capabilities.Add)
	}
	for _, vm := range s.guard.VolumeMounts {
		if !vm.ReadOnly {
			t.Errorf("volume mount %s at %s is writable", vm.Name, vm.MountPath)
		}
	}
	for _, obj := range find(s.objs, "Secret") {
		for k, v := range obj.Data {
			if v != "" {
				t.Errorf("%s: Secret %s holds data under %s: keep secret material out of the repository", obj.file, obj.Metadata.Name, k)
			}
		}
		for k, v := range obj.StringData {
			if v != "" {
				t.Errorf("%s: Secret %s holds data under %s: keep secret material out of the repository", obj.file, obj.Metadata.Name, k)
			}
		}
	}
}

// TestManifestPolicies: every file of a ConfigMap the guard's volume
// projects is mounted (a projection with items mounts only those), so a
// rule added to the policies ConfigMap cannot be left out silently.
func TestManifestPolicies(t *testing.T) {
	t.Parallel()
	s := loadSidecar(t)
	for _, obj := range find(s.objs, "ConfigMap") {
		for key := range obj.Data {
			if _, ok := s.mounted.files["ConfigMap/"+obj.Metadata.Name+"/"+key]; !ok {
				t.Errorf("%s: ConfigMap %s key %s is not mounted in the guard's container (an item is missing in the volume)", obj.file, obj.Metadata.Name, key)
			}
		}
	}
}
