package main

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// The Kubernetes objects of deploy/kubernetes, as far as the tests read
// them. Each document is decoded strictly into these types, so a misspelt
// field the tests model fails here instead of being ignored by the cluster.

type k8sObject struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   k8sMeta           `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`       // ConfigMap, Secret
	StringData map[string]string `yaml:"stringData"` // Secret
	Type       string            `yaml:"type"`       // Secret
	Spec       yaml.Node         `yaml:"spec"`       // decoded by kind

	file string
}

type k8sMeta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type labelSelector struct {
	MatchLabels map[string]string `yaml:"matchLabels"`
}

type deploymentSpec struct {
	Replicas int           `yaml:"replicas"`
	Selector labelSelector `yaml:"selector"`
	Template struct {
		Metadata k8sMeta `yaml:"metadata"`
		Spec     podSpec `yaml:"spec"`
	} `yaml:"template"`
}

type podSpec struct {
	TerminationGracePeriodSeconds *int            `yaml:"terminationGracePeriodSeconds"`
	AutomountServiceAccountToken  *bool           `yaml:"automountServiceAccountToken"`
	SecurityContext               securityContext `yaml:"securityContext"`
	Containers                    []container     `yaml:"containers"`
	Volumes                       []volume        `yaml:"volumes"`
}

// securityContext holds the pod's and a container's fields alike.
type securityContext struct {
	RunAsNonRoot             *bool  `yaml:"runAsNonRoot"`
	RunAsUser                *int64 `yaml:"runAsUser"`
	RunAsGroup               *int64 `yaml:"runAsGroup"`
	ReadOnlyRootFilesystem   *bool  `yaml:"readOnlyRootFilesystem"`
	AllowPrivilegeEscalation *bool  `yaml:"allowPrivilegeEscalation"`
	Capabilities             struct {
		Add  []string `yaml:"add"`
		Drop []string `yaml:"drop"`
	} `yaml:"capabilities"`
	SeccompProfile struct {
		Type string `yaml:"type"`
	} `yaml:"seccompProfile"`
}

type container struct {
	Name    string   `yaml:"name"`
	Image   string   `yaml:"image"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Ports   []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
		Protocol      string `yaml:"protocol"`
	} `yaml:"ports"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	ReadinessProbe *probe `yaml:"readinessProbe"`
	StartupProbe   *probe `yaml:"startupProbe"`
	Lifecycle      struct {
		PreStop *struct {
			Exec *struct {
				Command []string `yaml:"command"`
			} `yaml:"exec"`
			Sleep *struct {
				Seconds int `yaml:"seconds"`
			} `yaml:"sleep"`
		} `yaml:"preStop"`
	} `yaml:"lifecycle"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext *securityContext `yaml:"securityContext"`
	VolumeMounts    []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type probe struct {
	HTTPGet *struct {
		Path   string `yaml:"path"`
		Port   string `yaml:"port"` // a number or a port's name
		Scheme string `yaml:"scheme"`
	} `yaml:"httpGet"`
	InitialDelaySeconds int `yaml:"initialDelaySeconds"`
	PeriodSeconds       int `yaml:"periodSeconds"`
	TimeoutSeconds      int `yaml:"timeoutSeconds"`
	FailureThreshold    int `yaml:"failureThreshold"`
}

// volume models projected volumes only, which is what the guard mounts.
type volume struct {
	Name      string `yaml:"name"`
	Projected *struct {
		DefaultMode *int `yaml:"defaultMode"`
		Sources     []struct {
			ConfigMap *keySource `yaml:"configMap"`
			Secret    *keySource `yaml:"secret"`
		} `yaml:"sources"`
	} `yaml:"projected"`
}

// keySource is a ConfigMap or Secret projected into a volume.
type keySource struct {
	Name     string `yaml:"name"`
	Optional bool   `yaml:"optional"`
	Items    []struct {
		Key  string `yaml:"key"`
		Path string `yaml:"path"`
	} `yaml:"items"`
}

type serviceSpec struct {
	Type     string            `yaml:"type"`
	Selector map[string]string `yaml:"selector"`
	Ports    []struct {
		Name       string `yaml:"name"`
		Protocol   string `yaml:"protocol"`
		Port       int    `yaml:"port"`
		TargetPort string `yaml:"targetPort"` // a number or a port's name
	} `yaml:"ports"`
}

type networkPolicySpec struct {
	PodSelector labelSelector `yaml:"podSelector"`
	PolicyTypes []string      `yaml:"policyTypes"`
	Ingress     []struct {
		From  []yaml.Node `yaml:"from"`
		Ports []struct {
			Protocol string `yaml:"protocol"`
			Port     string `yaml:"port"`
		} `yaml:"ports"`
	} `yaml:"ingress"`
}

// manifestDir is where the manifests live, seen from this package.
const manifestDir = repoRoot + "/deploy/kubernetes"

// loadManifests decodes every document of every YAML file in manifestDir.
func loadManifests(t *testing.T) []k8sObject {
	t.Helper()
	var objs []k8sObject
	testkit.EachFile(t, filepath.Join(manifestDir, "*.yaml"), func(file string, src []byte) {
		dec := yaml.NewDecoder(bytes.NewReader(src))
		dec.KnownFields(true)
		for {
			var obj k8sObject
			err := dec.Decode(&obj)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if obj.Kind == "" || obj.APIVersion == "" || obj.Metadata.Name == "" {
				t.Fatalf("%s: a document without apiVersion, kind or metadata.name", file)
			}
			obj.file = filepath.Base(file)
			objs = append(objs, obj)
		}
	})
	return objs
}

// decodeSpec decodes obj's spec into out, strictly.
func decodeSpec(t *testing.T, obj k8sObject, out any) {
	t.Helper()
	raw, err := yaml.Marshal(&obj.Spec)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		t.Fatalf("%s: %s %s: spec: %v", obj.file, obj.Kind, obj.Metadata.Name, err)
	}
}

// find returns the objects of kind.
func find(objs []k8sObject, kind string) []k8sObject {
	var out []k8sObject
	for _, o := range objs {
		if o.Kind == kind {
			out = append(out, o)
		}
	}
	return out
}

// named returns the object of kind and name, or nil.
func named(objs []k8sObject, kind, name string) *k8sObject {
	for i, o := range objs {
		if o.Kind == kind && o.Metadata.Name == name {
			return &objs[i]
		}
	}
	return nil
}

// mountedVolume is a container's mounts written out as the kubelet would
// lay them out, each in a directory of its own.
type mountedVolume struct {
	dirs  map[string]string // mountPath -> the directory standing for it
	files map[string]string // "Kind/name/key" -> the file that key was projected to
}

// path maps a path inside the container to the test's file system.
func (m mountedVolume) path(t *testing.T, p string) string {
	t.Helper()
	for mountPath, dir := range m.dirs {
		if rest, ok := strings.CutPrefix(p, mountPath+"/"); ok {
			return filepath.Join(dir, filepath.FromSlash(rest))
		}
	}
	t.Fatalf("%s is on no volume the container mounts", p)
	return ""
}

// mount writes c's volumes out: every key of every ConfigMap and Secret a
// projected volume names, at the path its item gives (or its key). A
// ConfigMap must exist among objs; a Secret may be missing when optional.
func mount(t *testing.T, objs []k8sObject, pod podSpec, c container) mountedVolume {
	t.Helper()
	m := mountedVolume{dirs: map[string]string{}, files: map[string]string{}}
	for _, vm := range c.VolumeMounts {
		var vol *volume
		for i := range pod.Volumes {
			if pod.Volumes[i].Name == vm.Name {
				vol = &pod.Volumes[i]
			}
		}
		if vol == nil || vol.Projected == nil {
			t.Fatalf("container %s mounts %q: no projected volume of that name", c.Name, vm.Name)
		}
		dir := t.TempDir()
		m.dirs[vm.MountPath] = dir
		for _, src := range vol.Projected.Sources {
			kind, ks := "ConfigMap", src.ConfigMap
			if src.Secret != nil {
				kind, ks = "Secret", src.Secret
			}
			obj := named(objs, kind, ks.Name)
			if obj == nil {
				if !ks.Optional {
					t.Fatalf("volume %s projects %s %s, which no manifest defines", vol.Name, kind, ks.Name)
				}
				continue
			}
			data := map[string]string{}
			for k, v := range obj.Data {
				data[k] = v
			}
			for k, v := range obj.StringData {
				data[k] = v
			}
			paths := map[string]string{}
			for k := range data {
				paths[k] = k
			}
			if len(ks.Items) > 0 {
				paths = map[string]string{}
				for _, it := range ks.Items {
					if _, ok := data[it.Key]; !ok {
						t.Fatalf("volume %s: %s %s has no key %q", vol.Name, kind, ks.Name, it.Key)
					}
					if !filepath.IsLocal(it.Path) {
						t.Fatalf("volume %s: item path %q leaves the volume", vol.Name, it.Path)
					}
					paths[it.Key] = it.Path
				}
			}
			for key, p := range paths {
				file := filepath.Join(dir, filepath.FromSlash(p))
				mustWrite(t, file, data[key])
				m.files[kind+"/"+ks.Name+"/"+key] = file
			}
		}
	}
	return m
}
